package org.tcmrx.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Text generation with a {@link Qwen2Model} and its key/value cache, as Hugging Face's {@code generate} with
 * {@code num_beams=1}: greedy decoding or sampling (temperature, top-k, top-p) from a seeded {@link Random},
 * repetition penalty, the caller's {@link LogitsProcessor}, and stops on EOS ids, stop strings and
 * {@code max_new_tokens} (see {@link GenerationConfig}).
 *
 * <p>A batch of prompts of different lengths is left-padded; as in Hugging Face, each row's positions start at 0 on
 * its first real token ({@code position_ids = attention_mask.cumsum(-1) - 1}) and padding is masked, so a row decodes
 * as the same prompt alone would (up to float rounding of batched matrix products). Rows that have stopped are fed
 * a padding token until every row has stopped. Only the last position's logits leave the device, one step at a time;
 * the choice of each token is made on the JVM in double precision, so a seed gives the same tokens wherever the model
 * gives the same logits. With several rows, one {@code Random} draws for the rows still running, in row order.
 *
 * <p>Memory: every array of a call lives in a manager opened for the call, each step's in a sub-manager closed at the
 * end of the step; the cache replaces its arrays as it grows. Nothing is left behind.
 */
public final class Generator {
    private final Qwen2Model model;
    private final QwenTokenizer tokenizer;

    /**
     * Creates a generator.
     *
     * @param model the model, not closed by the generator
     * @param tokenizerOrNull the tokenizer that decodes the results and checks stop strings, or null for ids only
     * @throws IllegalArgumentException when the model is null
     */
    public Generator(Qwen2Model model, QwenTokenizer tokenizerOrNull) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        this.model = model;
        this.tokenizer = tokenizerOrNull;
    }

    /**
     * Generates from one prompt.
     *
     * @param promptIds the prompt's ids, not empty
     * @param config how to decode
     * @return the result
     * @throws IllegalArgumentException as {@link #generate(List, GenerationConfig, LogitsProcessor,
     *     GenerationListener)}
     */
    public GenerationResult generate(long[] promptIds, GenerationConfig config) {
        return generate(List.of(promptIds), config, null, null).get(0);
    }

    /**
     * Generates from a batch of prompts, left-padded to the longest.
     *
     * @param prompts the prompts' ids, each non-empty and inside the model's vocabulary
     * @param config how to decode
     * @param processorOrNull applied to every row's logits after the repetition penalty, or null
     * @param listenerOrNull told each new token, or null
     * @return one result per prompt, in order
     * @throws IllegalArgumentException when the prompts are empty or hold an empty prompt or an id outside the
     *     vocabulary, when the config is null, or when it has stop strings and the generator no tokenizer
     */
    public List<GenerationResult> generate(List<long[]> prompts, GenerationConfig config,
            LogitsProcessor processorOrNull, GenerationListener listenerOrNull) {
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            return generate(prompts, config, processorOrNull, listenerOrNull, manager);
        }
    }

    /** The generation loop, under {@code parent}. */
    List<GenerationResult> generate(List<long[]> prompts, GenerationConfig config, LogitsProcessor processorOrNull,
            GenerationListener listenerOrNull, NDManager parent) {
        validate(prompts, config);
        boolean useCache = config.useCache();
        int b = prompts.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int maxNew = config.maxNewTokens();
        int width = longest + maxNew;
        long[][] ids = new long[b][width];
        long[][] mask = new long[b][width];
        boolean padded = false;
        for (int r = 0; r < b; r++) {
            long[] prompt = prompts.get(r);
            int pad = longest - prompt.length;
            padded |= pad > 0;
            System.arraycopy(prompt, 0, ids[r], pad, prompt.length);
            Arrays.fill(mask[r], pad, longest, 1L);
        }
        Set<Long> eos = new HashSet<>(config.eosTokenIds());
        // Hugging Face feeds pad_token_id to finished rows; Qwen's pad is its EOS.
        long padId = config.eosTokenIds().isEmpty() ? 0 : config.eosTokenIds().get(0);
        LogitsProcessor pipeline = config.repetitionPenalty() == 1f ? processorOrNull
                : processorOrNull == null ? LogitsProcessor.repetitionPenalty(config.repetitionPenalty())
                : LogitsProcessor.repetitionPenalty(config.repetitionPenalty()).andThen(processorOrNull);
        Random random = new Random(config.seed());
        long[][] generated = new long[b][maxNew];
        int[] count = new int[b];
        String[] text = new String[b];
        Arrays.fill(text, tokenizer == null ? null : "");
        GenerationResult.StopReason[] stopped = new GenerationResult.StopReason[b];
        int running = b;
        int length = longest; // columns of ids and mask in use
        try (NDManager generation = parent.newSubManager();
                Qwen2Cache cache = useCache ? model.newCache(generation) : null) {
            for (int step = 0; step < maxNew && running > 0; step++) {
                float[] logits;
                int vocab;
                try (NDManager stepScope = generation.newSubManager()) {
                    int from = useCache && step > 0 ? length - 1 : 0;
                    NDArray input = NativeArrays.longs(stepScope, columns(ids, from, length),
                            new Shape(b, length - from)); // [B, T]: the whole sequence, or the last token
                    NDArray maskArray = padded ? NativeArrays.longs(stepScope, columns(mask, 0, length),
                            new Shape(b, length)) : null;
                    long[][] positions = padded ? positions(mask, from, length) : null;
                    NDArray last = model.lastLogits(input, maskArray, positions, cache); // [B, V]
                    vocab = Math.toIntExact(last.getShape().get(1));
                    logits = last.toFloatArray();
                }
                for (int r = 0; r < b; r++) {
                    long next = padId;
                    if (stopped[r] == null) {
                        float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                        long[] soFar = Arrays.copyOf(generated[r], count[r]);
                        next = choose(row, prompts.get(r), soFar, pipeline, config, random);
                        generated[r][count[r]++] = next;
                        String all = tokenizer == null ? null
                                : tokenizer.decode(Arrays.copyOf(generated[r], count[r]), true);
                        stopped[r] = stopReason(next, all, count[r], eos, config);
                        running -= stopped[r] == null ? 0 : 1;
                        // A stopped row's incomplete character will never complete: its U+FFFD goes out as is.
                        String delta = all == null ? null : advanceText(text, r, all, stopped[r] != null);
                        if (listenerOrNull != null) {
                            listenerOrNull.onToken(r, next, delta);
                        }
                    }
                    ids[r][length] = next;
                    mask[r][length] = 1; // Hugging Face extends the mask with ones, finished rows included
                }
                length++;
            }
        }
        List<GenerationResult> results = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            long[] out = Arrays.copyOf(generated[r], count[r]);
            String decoded = tokenizer == null ? null : tokenizer.decode(out, true);
            results.add(new GenerationResult(out, decoded,
                    stopped[r] == null ? GenerationResult.StopReason.MAX_TOKENS : stopped[r]));
        }
        return results;
    }

    private void validate(List<long[]> prompts, GenerationConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts must not be empty");
        }
        int vocab = model.config().vocabSize();
        for (int r = 0; r < prompts.size(); r++) {
            long[] prompt = prompts.get(r);
            if (prompt == null || prompt.length == 0) {
                throw new IllegalArgumentException("prompts[" + r + "] must not be empty");
            }
            for (int i = 0; i < prompt.length; i++) {
                if (prompt[i] < 0 || prompt[i] >= vocab) {
                    throw new IllegalArgumentException("prompts[" + r + "][" + i + "]: " + prompt[i]
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        if (!config.stopStrings().isEmpty() && tokenizer == null) {
            throw new IllegalArgumentException("stop_strings need a tokenizer; create the Generator with one");
        }
    }

    /** Runs the logits pipeline on one row and picks its token. */
    private static long choose(float[] row, long[] prompt, long[] soFar, LogitsProcessor pipeline,
            GenerationConfig config, Random random) {
        if (pipeline != null) {
            pipeline.process(prompt, soFar, row);
        }
        if (!config.doSample()) {
            return Sampling.argmax(row);
        }
        Sampling.temperature(row, config.temperature());
        Sampling.topK(row, config.topK());
        Sampling.topP(row, config.topP());
        return Sampling.sample(row, random);
    }

    /**
     * Returns the text a row's latest token adds to what was streamed; unless {@code last}, a trailing incomplete
     * character waits for its next bytes.
     */
    private static String advanceText(String[] text, int r, String all, boolean last) {
        // Byte-level BPE can split a character; its bytes decode to U+FFFD until the last one arrives.
        int end = all.length();
        while (!last && end > 0 && all.charAt(end - 1) == '\uFFFD') {
            end--;
        }
        String stable = all.substring(0, end);
        if (!stable.startsWith(text[r])) {
            text[r] = stable;
            return stable;
        }
        String delta = stable.substring(text[r].length());
        text[r] = stable;
        return delta;
    }

    private static GenerationResult.StopReason stopReason(long token, String text, int count, Set<Long> eos,
            GenerationConfig config) {
        if (eos.contains(token)) {
            return GenerationResult.StopReason.EOS;
        }
        if (text != null) {
            for (String stop : config.stopStrings()) {
                if (text.contains(stop)) {
                    return GenerationResult.StopReason.STOP_STRING;
                }
            }
        }
        return count == config.maxNewTokens() ? GenerationResult.StopReason.MAX_TOKENS : null;
    }

    /** Row-major columns {@code [from, to)} of every row. */
    private static long[] columns(long[][] rows, int from, int to) {
        int t = to - from;
        long[] flat = new long[rows.length * t];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], from, flat, r * t, t);
        }
        return flat;
    }

    /** Hugging Face's {@code attention_mask.cumsum(-1) - 1} with 1 at padding, columns {@code [from, to)}. */
    private static long[][] positions(long[][] mask, int from, int to) {
        long[][] positions = new long[mask.length][to - from];
        for (int r = 0; r < mask.length; r++) {
            long seen = 0;
            for (int j = 0; j < to; j++) {
                seen += mask[r][j];
                if (j >= from) {
                    positions[r][j - from] = mask[r][j] == 0 ? 1 : seen - 1;
                }
            }
        }
        return positions;
    }
}
