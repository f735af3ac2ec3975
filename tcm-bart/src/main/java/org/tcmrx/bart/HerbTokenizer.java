package org.tcmrx.bart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbVocabulary;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Query;
import org.tcmrx.core.Symptom;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.IdIndex;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.TextLines;

/**
 * The vocabulary of a BART trained here: every symptom and every herb is one token, so the encoder reads a set of
 * findings and the decoder writes a set of herbs, one token each.
 *
 * <p>Ids: the four specials {@code <pad>}=0, {@code <s>}=1, {@code </s>}=2, {@code <unk>}=3 (BART's own ids), then
 * the input tokens (symptoms, and tongue and pulse findings when enabled), then the herbs, each section most
 * frequent first (ties by name). In {@code vocab.txt} a token carries its section as a prefix ({@code s:发热},
 * {@code t:舌淡苔白}, {@code p:脉浮紧}, {@code h:桂枝}), so a name used both as a finding and as a herb stays two
 * tokens.
 *
 * <p>Sequences follow Hugging Face's BART: the encoder input is {@code <s> findings... </s>}, the labels are
 * {@code herbs... </s>}, and the decoder starts from {@code decoder_start_token_id} = {@code </s>}.
 */
public final class HerbTokenizer {
    /** Padding id. */
    public static final int PAD = 0;
    /** Beginning-of-sequence id. */
    public static final int BOS = 1;
    /** End-of-sequence id, also the decoder's start token. */
    public static final int EOS = 2;
    /** Unknown-finding id. */
    public static final int UNK = 3;
    /** The special tokens, in id order. */
    public static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>");

    /** The vocabulary file name. */
    public static final String VOCAB_FILE = "vocab.txt";
    /** The settings file name. */
    public static final String CONFIG_FILE = "herb_tokenizer.json";

    private static final String SYMPTOM = "s:";
    private static final String TONGUE = "t:";
    private static final String PULSE = "p:";
    private static final String HERB = "h:";

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int herbStart;
    private final boolean tongueAndPulse;
    private final HerbOrder order;

    private HerbTokenizer(List<String> tokens, int herbStart, boolean tongueAndPulse, HerbOrder order) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.put(tokens.get(i), i) != null) {
                throw new IllegalArgumentException("token '" + tokens.get(i) + "' appears twice");
            }
        }
        this.herbStart = herbStart;
        this.tongueAndPulse = tongueAndPulse;
        this.order = order;
    }

    /**
     * Builds the vocabulary of a training split.
     *
     * @param train the training cases, at least one
     * @param order how targets order their herbs
     * @param tongueAndPulse whether tongue and pulse findings become input tokens too
     * @return the tokenizer
     * @throws IllegalArgumentException when there are no cases
     */
    public static HerbTokenizer fit(Collection<ClinicalCase> train, HerbOrder order, boolean tongueAndPulse) {
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("train must contain at least one case");
        }
        Checks.notNull(order, "order");
        Map<String, Integer> inputCounts = new HashMap<>();
        for (ClinicalCase c : train) {
            IdIndex.count(inputTokens(c.query(), tongueAndPulse), inputCounts);
        }
        List<String> tokens = new ArrayList<>(SPECIALS);
        tokens.addAll(IdIndex.byFrequency(inputCounts));
        int herbStart = tokens.size();
        HerbVocabulary.fromCases(train).herbs().forEach(h -> tokens.add(HERB + h.name()));
        return new HerbTokenizer(tokens, herbStart, tongueAndPulse, order);
    }

    private static List<String> inputTokens(Query q, boolean tongueAndPulse) {
        List<String> out = new ArrayList<>(q.symptoms().size() + 2);
        for (Symptom s : q.symptoms()) {
            out.add(SYMPTOM + s.name());
        }
        if (tongueAndPulse) {
            if (q.tongue() != null) {
                out.add(TONGUE + q.tongue());
            }
            if (q.pulse() != null) {
                out.add(PULSE + q.pulse());
            }
        }
        return out;
    }

    /**
     * Encodes a query as {@code <s> findings... </s>}; findings not in the vocabulary become {@code <unk>} once.
     *
     * @param query the findings
     * @return the encoder input ids
     */
    public int[] encodeQuery(Query query) {
        Checks.notNull(query, "query");
        List<String> input = inputTokens(query, tongueAndPulse);
        int[] out = new int[input.size() + 2];
        int n = 0;
        out[n++] = BOS;
        boolean unknown = false;
        for (String t : input) {
            Integer id = ids.get(t);
            if (id != null) {
                out[n++] = id;
            } else if (!unknown) {
                out[n++] = UNK;
                unknown = true;
            }
        }
        out[n++] = EOS;
        return Arrays.copyOf(out, n);
    }

    /**
     * Encodes the target herbs as {@code herbs... </s>} in this tokenizer's {@link HerbOrder}.
     *
     * @param herbs the prescription's herbs, as written
     * @return the label ids
     * @throws IllegalArgumentException when a herb is not in the vocabulary (targets must come from training data),
     *     or the order is {@link HerbOrder#RANDOM} (use {@link #encodeHerbs(List, Random)})
     */
    public int[] encodeHerbs(List<Herb> herbs) {
        if (order == HerbOrder.RANDOM) {
            throw new IllegalArgumentException("HerbOrder.RANDOM needs a random generator");
        }
        return encodeHerbs(herbs, null);
    }

    /**
     * Encodes the target herbs as {@code herbs... </s>} in this tokenizer's {@link HerbOrder}, shuffling with
     * {@code rng} under {@link HerbOrder#RANDOM}.
     *
     * @param herbs the prescription's herbs, as written
     * @param rng the generator for {@link HerbOrder#RANDOM}; ignored by the other orders
     * @return the label ids
     * @throws IllegalArgumentException when a herb is not in the vocabulary
     */
    public int[] encodeHerbs(List<Herb> herbs, Random rng) {
        int n = herbs.size();
        int[] out = new int[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = herbId(herbs.get(i));
        }
        switch (order) {
            case FREQUENCY -> Arrays.sort(out, 0, n);
            case RANDOM -> {
                Checks.notNull(rng, "rng");
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = out[i];
                    out[i] = out[j];
                    out[j] = t;
                }
            }
            case AS_WRITTEN -> { }
        }
        out[n] = EOS;
        return out;
    }

    /**
     * Returns the token id of a herb.
     *
     * @param herb the herb
     * @return its id
     * @throws IllegalArgumentException when the herb is unknown
     */
    public int herbId(Herb herb) {
        Integer id = ids.get(HERB + herb.name());
        if (id == null) {
            throw new IllegalArgumentException("herb '" + herb + "' is not in the tokenizer's vocabulary");
        }
        return id;
    }

    /**
     * Tells whether an id is a herb token.
     *
     * @param id a token id
     * @return whether it is a herb
     */
    public boolean isHerb(int id) {
        return id >= herbStart && id < tokens.size();
    }

    /**
     * Returns the herb of a herb token.
     *
     * @param id a herb token id
     * @return the herb
     * @throws IllegalArgumentException when the id is not a herb token
     */
    public Herb herb(int id) {
        if (!isHerb(id)) {
            throw new IllegalArgumentException("token id " + id + " is not a herb; herbs are ids " + herbStart
                    + "-" + (tokens.size() - 1));
        }
        return new Herb(tokens.get(id).substring(HERB.length()));
    }

    /**
     * Returns the first herb token id; herbs are ids {@code herbStart()..size()-1}.
     *
     * @return the first herb id
     */
    public int herbStart() {
        return herbStart;
    }

    /**
     * Returns the vocabulary size, the model's {@code vocab_size}.
     *
     * @return the number of tokens
     */
    public int size() {
        return tokens.size();
    }

    /**
     * Returns the order of herbs in targets.
     *
     * @return the order
     */
    public HerbOrder order() {
        return order;
    }

    /**
     * Tells whether tongue and pulse findings are input tokens.
     *
     * @return the setting
     */
    public boolean tongueAndPulse() {
        return tongueAndPulse;
    }

    /**
     * Returns the token strings in id order, with their section prefixes.
     *
     * @return the tokens
     */
    public List<String> tokens() {
        return tokens;
    }

    /**
     * Writes {@value #VOCAB_FILE} and {@value #CONFIG_FILE} into a folder, atomically.
     *
     * @param dir the folder
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(VOCAB_FILE), String.join("\n", tokens) + "\n");
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("format", 1);
        o.put("herb_start", herbStart);
        o.put("vocab_size", tokens.size());
        o.put("herb_order", order.name());
        o.put("tongue_and_pulse", tongueAndPulse);
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(o) + "\n");
    }

    /**
     * Reads a tokenizer written by {@link #save(Path)}.
     *
     * @param dir the folder
     * @return the tokenizer
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when the files disagree or are malformed
     */
    public static HerbTokenizer load(Path dir) throws IOException {
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!Files.exists(configFile)) {
            throw new NoSuchFileException(configFile.toString());
        }
        JsonNode config = Json.MAPPER.readTree(configFile.toFile());
        String where = configFile.toString();
        int herbStart = requireInt(config, "herb_start", where);
        int vocabSize = requireInt(config, "vocab_size", where);
        HerbOrder order;
        try {
            order = HerbOrder.valueOf(config.path("herb_order").asText());
        } catch (IllegalArgumentException e) {
            throw new MalformedDataException(where, 0, "herb_order", "expected one of "
                    + Arrays.toString(HerbOrder.values()) + ", found " + config.get("herb_order"));
        }
        if (herbStart < SPECIALS.size() || herbStart > vocabSize) {
            throw new MalformedDataException(where, 0, "herb_start", "expected " + SPECIALS.size() + " to "
                    + vocabSize + ", found " + herbStart);
        }
        boolean tongueAndPulse = config.path("tongue_and_pulse").asBoolean(false);
        Path vocabFile = dir.resolve(VOCAB_FILE);
        List<String> tokens = new ArrayList<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        TextLines.forEach(vocabFile, (n, line) -> {
            if (line.isEmpty()) {
                return;
            }
            Long first = seen.putIfAbsent(line, n);
            if (first != null) {
                throw new MalformedDataException(vocabFile.toString(), n, null,
                        "token '" + line + "' already on line " + first);
            }
            tokens.add(line);
        });
        if (tokens.size() != vocabSize) {
            throw new MalformedDataException(where, 0, "vocab_size", "says " + vocabSize + " but "
                    + vocabFile.getFileName() + " has " + tokens.size() + " tokens");
        }
        if (!tokens.subList(0, Math.min(SPECIALS.size(), tokens.size())).equals(SPECIALS)) {
            throw new MalformedDataException(vocabFile.toString(), 1, null, "expected the specials "
                    + SPECIALS + " first");
        }
        for (int i = SPECIALS.size(); i < tokens.size(); i++) {
            String prefix = i < herbStart ? "s:, t: or p:" : HERB;
            String t = tokens.get(i);
            boolean ok = i < herbStart ? t.startsWith(SYMPTOM) || t.startsWith(TONGUE) || t.startsWith(PULSE)
                    : t.startsWith(HERB);
            if (!ok) {
                throw new MalformedDataException(vocabFile.toString(), i + 1, null,
                        "expected a token starting with " + prefix + ", found '" + t + "'");
            }
        }
        return new HerbTokenizer(tokens, herbStart, tongueAndPulse, order);
    }

    private static int requireInt(JsonNode config, String field, String where) {
        JsonNode v = config.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new MalformedDataException(where, 0, field, "expected an integer, found " + v);
        }
        return v.asInt();
    }
}
