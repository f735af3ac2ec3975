package org.tcmrx.bart;

import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.TextLines;

/**
 * The tokenizer of pretrained Chinese BART checkpoints that ship a BERT {@code vocab.txt} (such as
 * fnlp/bart-base-chinese): BERT's basic tokenization, with every CJK character split off as its own word, followed
 * by greedy longest-match-first WordPiece with {@code ##} continuations.
 *
 * <p>The steps follow Hugging Face's {@code BertTokenizer}: drop control characters and U+FFFD, turn white space
 * into spaces, put spaces around CJK ideographs, split on white space, optionally lower-case and strip accents,
 * split punctuation off, then WordPiece each word (a word longer than 100 characters, or one that cannot be split
 * into vocabulary pieces, becomes {@code [UNK]}). Special tokens in the text ({@code [CLS]}, {@code [SEP]},
 * {@code [MASK]}, ...) are kept whole. DJL's BERT tokenizer does not split Chinese per character, which is why
 * TCM-Rx has its own.
 */
public final class WordPieceTokenizer {
    /** The unknown token. */
    public static final String UNK = "[UNK]";
    /** BERT's special tokens, never split. */
    public static final List<String> SPECIALS = List.of("[PAD]", UNK, "[CLS]", "[SEP]", "[MASK]");

    private static final int MAX_WORD_CHARS = 100;
    private static final java.util.regex.Pattern SPECIAL_PATTERN = java.util.regex.Pattern.compile(
            String.join("|", SPECIALS.stream().map(java.util.regex.Pattern::quote).toList()));

    private final List<String> vocab;
    private final Map<String, Integer> ids;
    private final boolean lowerCase;

    private WordPieceTokenizer(List<String> vocab, boolean lowerCase) {
        this.vocab = List.copyOf(vocab);
        this.ids = new HashMap<>(vocab.size() * 2);
        for (int i = 0; i < vocab.size(); i++) {
            ids.putIfAbsent(vocab.get(i), i);
        }
        if (!ids.containsKey(UNK)) {
            throw new IllegalArgumentException("the vocabulary has no " + UNK + " token");
        }
        this.lowerCase = lowerCase;
    }

    /**
     * Reads a BERT {@code vocab.txt}: one token per line, the line number (from 0) is the id.
     *
     * @param vocabFile the file
     * @param lowerCase whether to lower-case and strip accents (BERT's {@code do_lower_case})
     * @return the tokenizer
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file has no {@code [UNK]} or an empty line
     */
    public static WordPieceTokenizer load(Path vocabFile, boolean lowerCase) throws IOException {
        List<String> vocab = new ArrayList<>();
        String where = vocabFile.toString();
        TextLines.forEach(vocabFile, (n, line) -> {
            if (line.isEmpty()) {
                throw new MalformedDataException(where, n, null, "empty token; every line of vocab.txt is one token");
            }
            vocab.add(line);
        });
        if (!vocab.contains(UNK)) {
            throw new MalformedDataException(where, 0, null, "no " + UNK + " token in " + vocab.size() + " lines");
        }
        return new WordPieceTokenizer(vocab, lowerCase);
    }

    /**
     * Creates a tokenizer from tokens in id order (for tests and vocabularies built in code).
     *
     * @param vocab the tokens, containing {@code [UNK]}
     * @param lowerCase whether to lower-case and strip accents
     * @return the tokenizer
     */
    public static WordPieceTokenizer of(List<String> vocab, boolean lowerCase) {
        return new WordPieceTokenizer(Checks.notNull(vocab, "vocab"), lowerCase);
    }

    /**
     * Splits text into vocabulary tokens.
     *
     * @param text the text
     * @return the tokens
     */
    public List<String> tokenize(String text) {
        Checks.notNull(text, "text");
        List<String> out = new ArrayList<>();
        // Special tokens are cut out first, as Hugging Face does with added tokens, so "abc[SEP]" keeps [SEP].
        java.util.regex.Matcher m = SPECIAL_PATTERN.matcher(text);
        int from = 0;
        while (m.find()) {
            basicWords(text.substring(from, m.start())).forEach(w -> wordPiece(w, out));
            out.add(ids.containsKey(m.group()) ? m.group() : UNK);
            from = m.end();
        }
        basicWords(text.substring(from)).forEach(w -> wordPiece(w, out));
        return out;
    }

    /**
     * Encodes text as token ids, without adding {@code [CLS]} or {@code [SEP]}.
     *
     * @param text the text
     * @return the ids
     */
    public int[] encode(String text) {
        return tokenize(text).stream().mapToInt(ids::get).toArray();
    }

    /**
     * Returns a token's id.
     *
     * @param token the token
     * @return its id, or the id of {@code [UNK]}
     */
    public int id(String token) {
        return ids.getOrDefault(token, ids.get(UNK));
    }

    /**
     * Returns the token with an id.
     *
     * @param id the id
     * @return the token
     * @throws IllegalArgumentException when the id is out of range
     */
    public String token(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " out of range [0, " + vocab.size() + ")");
        }
        return vocab.get(id);
    }

    /**
     * Returns the vocabulary size.
     *
     * @return the number of tokens
     */
    public int size() {
        return vocab.size();
    }

    /** BERT's basic tokenization: clean, isolate CJK characters and punctuation, split on white space. */
    private List<String> basicWords(String text) {
        StringBuilder spaced = new StringBuilder(text.length() * 2);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            if (isWhitespace(cp)) {
                spaced.append(' ');
            } else if (isCjk(cp)) {
                spaced.append(' ').appendCodePoint(cp).append(' ');
            } else {
                spaced.appendCodePoint(cp);
            }
        });
        List<String> words = new ArrayList<>();
        for (String w : spaced.toString().trim().split(" +")) {
            if (w.isEmpty()) {
                continue;
            }
            if (lowerCase) {
                w = stripAccents(w.toLowerCase(java.util.Locale.ROOT));
            }
            splitPunctuation(w, words);
        }
        return words;
    }

    private void wordPiece(String word, List<String> out) {
        if (word.codePointCount(0, word.length()) > MAX_WORD_CHARS) {
            out.add(UNK);
            return;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String found = null;
            while (start < end) {
                String piece = (start > 0 ? "##" : "") + word.substring(start, end);
                if (ids.containsKey(piece)) {
                    found = piece;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                out.add(UNK);
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    private static void splitPunctuation(String word, List<String> out) {
        StringBuilder current = new StringBuilder();
        word.codePoints().forEach(cp -> {
            if (isPunctuation(cp)) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
                out.add(new String(Character.toChars(cp)));
            } else {
                current.appendCodePoint(cp);
            }
        });
        if (current.length() > 0) {
            out.add(current.toString());
        }
    }

    private static String stripAccents(String s) {
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        nfd.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                .forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** BERT treats \t, \n, \r as white space, not control characters. */
    private static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT;
    }

    /** ASCII symbols count as punctuation (as in BERT), as do all Unicode punctuation categories. */
    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** The CJK Unified Ideograph blocks BERT isolates (not Hangul, Hiragana or Katakana). */
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
