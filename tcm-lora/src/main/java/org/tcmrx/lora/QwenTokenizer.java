package org.tcmrx.lora;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.lora.internal.TokenizerJson;

/**
 * The Qwen tokenizer (byte-level BPE, as in Qwen2, Qwen2.5 and Qwen3), read from a Hugging Face
 * {@code tokenizer.json} and run by Hugging Face's Rust library through DJL, so that ids are those of
 * {@code AutoTokenizer}: {@code tokenizer.encode(text)} and {@code tokenizer.decode(ids)}.
 *
 * <p>As in Hugging Face, added tokens written in the text ({@code <|im_start|>}, {@code <|im_end|>}, ...) are single
 * tokens, no special tokens are added around the text (Qwen adds none), and nothing is truncated or padded. DJL's
 * defaults differ and are switched off here: it truncates to 512 tokens and pads, and its
 * {@code decode(ids)} drops special tokens when none are added. Nothing is downloaded: the native library comes from
 * the DJL tokenizers jar, and {@code tokenizer_config.json} is not read (Qwen's sets nothing that changes ids).
 *
 * <p>The tokenizer holds native memory until {@link #close()}.
 */
public final class QwenTokenizer implements AutoCloseable {
    /** The file read from a model folder. */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** The end of a document; Qwen's pad token and the end of a base model's generation. */
    public static final String ENDOFTEXT = "<|endoftext|>";
    /** The start of a ChatML message. */
    public static final String IM_START = "<|im_start|>";
    /** The end of a ChatML message; the end of a chat model's turn. */
    public static final String IM_END = "<|im_end|>";

    /** The tail of the Rust library's (serde's) errors, which give a line and column of the JSON. */
    private static final Pattern AT_LINE = Pattern.compile("(.*) at line (\\d+) column (\\d+)", Pattern.DOTALL);

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens;
    private final int vocabSize;
    private volatile boolean closed;

    private QwenTokenizer(Path file, HuggingFaceTokenizer tokenizer, TokenizerJson json) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.addedTokens = json.addedTokens();
        this.vocabSize = json.vocabSize();
    }

    /**
     * Loads a {@code tokenizer.json}.
     *
     * @param path the file, or a model folder holding {@value #TOKENIZER_FILE}
     * @return the tokenizer, to be closed
     * @throws IOException when the file cannot be read ({@link java.nio.file.NoSuchFileException} naming it when it
     *     does not exist)
     * @throws MalformedDataException when the file is not JSON, is not a BPE tokenizer, lacks one of
     *     {@code <|endoftext|>}, {@code <|im_start|>} and {@code <|im_end|>}, or is rejected by Hugging Face's
     *     library; the location is the file
     * @throws IllegalArgumentException when the path is null
     */
    public static QwenTokenizer load(Path path) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("path must not be null");
        }
        Path file = Files.isDirectory(path) ? path.resolve(TOKENIZER_FILE) : path;
        String location = file.toString();
        TokenizerJson json = TokenizerJson.read(file);
        for (String token : List.of(ENDOFTEXT, IM_START, IM_END)) {
            if (!json.addedTokens().containsKey(token)) {
                throw new MalformedDataException(location, 0, "added_tokens", "no " + token + "; a Qwen tokenizer "
                        + "adds " + ENDOFTEXT + ", " + IM_START + " and " + IM_END);
            }
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false) // DJL's default truncates to modelMaxLength, 512
                    .optPadding(false)
                    .build();
        } catch (RuntimeException e) {
            // The Rust library's errors reach Java as plain RuntimeExceptions; DJL's own (EngineException, ...)
            // are subclasses and are not about the file.
            if (e.getClass() != RuntimeException.class) {
                throw e;
            }
            throw rejected(location, e);
        }
        return new QwenTokenizer(file, tokenizer, json);
    }

    private static MalformedDataException rejected(String location, RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = AT_LINE.matcher(message);
        if (m.matches()) {
            return new MalformedDataException(location, Long.parseLong(m.group(2)), null,
                    "not a tokenizer Hugging Face can load: " + m.group(1) + " (column " + m.group(3) + ")", e);
        }
        return new MalformedDataException(location, 0, null, "not a tokenizer Hugging Face can load: " + message, e);
    }

    /**
     * Returns the {@code tokenizer.json} this tokenizer was loaded from.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * Encodes text as Hugging Face's {@code tokenizer.encode(text)} does for Qwen: added tokens written in the text
     * are single tokens, and nothing is added, truncated or padded.
     *
     * @param text the text
     * @return the token ids
     * @throws IllegalArgumentException when the text is null
     * @throws IllegalStateException when the tokenizer is closed
     */
    public long[] encode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        return open().encode(text, false, false).getIds();
    }

    /**
     * Encodes a rendered conversation and marks the tokens of its assistant turns (each turn's content and its
     * {@code <|im_end|>}), as {@code apply_chat_template(..., return_assistant_tokens_mask=True)} does for TRL's
     * assistant-only loss: a token is marked when it holds a character of a turn. The end of a turn is always a
     * token boundary ({@code <|im_end|>} is an added token); the start is one unless the content begins with white
     * space and a line break, which merge with the newline before it into one token, which is then marked.
     *
     * @param training the text and the turns to learn, from {@link ChatTemplate#renderTraining(List, String)} or
     *     {@link ChatTemplate#renderTraining(List)}
     * @return the ids of the whole text, as {@link #encode(String)} gives them, and the mask
     * @throws IllegalArgumentException when the argument is null
     * @throws IllegalStateException when the tokenizer is closed
     */
    public MaskedIds encode(ChatTemplate.TrainingText training) {
        if (training == null) {
            throw new IllegalArgumentException("training must not be null");
        }
        String text = training.text();
        Encoding encoding = open().encode(text, false, false);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        boolean[] mask = new boolean[ids.length];
        for (ChatTemplate.AssistantTurn turn : training.assistantTurns()) {
            // DJL's spans count Unicode code points (Rust chars), not UTF-16 chars: they differ after an emoji.
            int start = text.codePointCount(0, turn.contentStart());
            int end = text.codePointCount(0, turn.end());
            for (int i = 0; i < ids.length; i++) {
                CharSpan span = spans[i];
                if (span != null && span.getStart() < end && span.getEnd() > start) {
                    mask[i] = true;
                }
            }
        }
        return new MaskedIds(ids, mask);
    }

    /**
     * Decodes ids as Hugging Face's {@code tokenizer.decode(ids)} does, special tokens included.
     *
     * @param ids the token ids
     * @return the text
     * @throws IllegalArgumentException when the ids are null or one is outside {@code [0, vocabSize())}
     * @throws IllegalStateException when the tokenizer is closed
     */
    public String decode(long[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes ids as Hugging Face's {@code tokenizer.decode(ids, skip_special_tokens=...)} does. Only added tokens
     * marked special are skipped ({@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>}, ...); Qwen's
     * other added tokens ({@code <think>}, {@code <tool_call>}, ...) are kept.
     *
     * @param ids the token ids
     * @param skipSpecialTokens whether to leave out special tokens
     * @return the text
     * @throws IllegalArgumentException when the ids are null or one is outside {@code [0, vocabSize())} (such as
     *     {@code -100}, the ignored label, or an id of the model's padded embedding rows)
     * @throws IllegalStateException when the tokenizer is closed
     */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        if (ids == null) {
            throw new IllegalArgumentException("ids must not be null");
        }
        for (int i = 0; i < ids.length; i++) {
            // Hugging Face's library drops unknown ids silently; here they are a caller's mistake.
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("ids[" + i + "]: " + ids[i] + " is outside the vocabulary [0, "
                        + vocabSize + ")");
            }
        }
        // Always with the flag: DJL's decode(ids) skips special tokens whenever it adds none when encoding.
        return open().decode(ids, skipSpecialTokens);
    }

    /**
     * Returns the id of an added token, such as {@code <|im_end|>}.
     *
     * @param token the token's content
     * @return its id
     * @throws IllegalArgumentException when the token is null or not an added token, listing the added tokens
     */
    public int tokenId(String token) {
        if (token == null) {
            throw new IllegalArgumentException("token must not be null");
        }
        Integer id = addedTokens.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token: '" + token + "' is not an added token; the added tokens are "
                    + String.join(", ", addedTokens.keySet()));
        }
        return id;
    }

    /**
     * Returns the added tokens: Qwen's special tokens and its other added tokens.
     *
     * @return content to id, in the order of {@code tokenizer.json}
     */
    public Map<String, Integer> addedTokens() {
        return addedTokens;
    }

    /**
     * Returns the number of ids, added tokens included: Hugging Face's {@code len(tokenizer)}. It is smaller than a
     * Qwen model's {@code vocab_size}, whose embedding has unused rows.
     *
     * @return one more than the largest id
     */
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Returns the ids that end a chat model's answer, in the order of Qwen2.5 Instruct's
     * {@code generation_config.json}: {@code <|im_end|>} and {@code <|endoftext|>}.
     *
     * @return the ids
     */
    public List<Integer> eosTokenIds() {
        return List.of(addedTokens.get(IM_END), addedTokens.get(ENDOFTEXT));
    }

    /** Frees the native tokenizer; later calls to encode or decode fail. */
    @Override
    public void close() {
        closed = true;
        tokenizer.close();
    }

    private HuggingFaceTokenizer open() {
        if (closed) {
            throw new IllegalStateException("the tokenizer of " + file + " is closed");
        }
        return tokenizer;
    }

    /**
     * Token ids with a mask marking the tokens to learn.
     *
     * <p>The arrays are copied on the way in and out; equality, hash code and string form use their content.
     *
     * @param ids the token ids
     * @param mask true where a token is learnt; as long as {@code ids}
     */
    public record MaskedIds(long[] ids, boolean[] mask) {
        /**
         * Validates and copies the arrays.
         *
         * @param ids the token ids
         * @param mask true where a token is learnt
         * @throws IllegalArgumentException when an array is null or their lengths differ
         */
        public MaskedIds {
            if (ids == null) {
                throw new IllegalArgumentException("ids must not be null");
            }
            if (mask == null) {
                throw new IllegalArgumentException("mask must not be null");
            }
            if (ids.length != mask.length) {
                throw new IllegalArgumentException(ids.length + " ids but a mask of " + mask.length);
            }
            ids = ids.clone();
            mask = mask.clone();
        }

        /**
         * Returns the token ids.
         *
         * @return a copy of the ids
         */
        @Override
        public long[] ids() {
            return ids.clone();
        }

        /**
         * Returns the mask.
         *
         * @return a copy of the mask
         */
        @Override
        public boolean[] mask() {
            return mask.clone();
        }

        /**
         * Returns the labels of {@link CausalLmLoss}: the ids where the mask is true and
         * {@link CausalLmLoss#IGNORE_INDEX} elsewhere (the loss shifts them itself).
         *
         * @return the labels
         */
        public long[] labels() {
            long[] labels = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                labels[i] = mask[i] ? ids[i] : CausalLmLoss.IGNORE_INDEX;
            }
            return labels;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MaskedIds m && Arrays.equals(ids, m.ids) && Arrays.equals(mask, m.mask);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(ids) + Arrays.hashCode(mask);
        }

        @Override
        public String toString() {
            return "MaskedIds[ids=" + Arrays.toString(ids) + ", mask=" + Arrays.toString(mask) + "]";
        }
    }
}
