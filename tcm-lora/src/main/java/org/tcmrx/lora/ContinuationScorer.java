package org.tcmrx.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Scores continuations of one prefix by the model's log-probability, {@code log P(continuation | prefix)} summed
 * over the continuation's tokens, as {@code model(prefix + continuation).logits} would give them: the prefix runs
 * once into a {@link Qwen2Cache}, and each continuation is fed from it and then {@linkplain Qwen2Cache#crop cropped}
 * away. Texts are tokenized whole ({@code prefix + continuation}), so a token that merges across the boundary is
 * scored as part of the continuation.
 */
final class ContinuationScorer {
    private ContinuationScorer() {}

    /**
     * Scores each continuation.
     *
     * @param model the model
     * @param tokenizer its tokenizer
     * @param prefix the text before every continuation, not empty
     * @param continuations the texts to score, each non-empty
     * @return the summed log-probabilities, in the order given
     * @throws IllegalArgumentException when the prefix or a continuation is empty, or the prefix's tokens are not
     *     a prefix of the first token of {@code prefix + continuation} onwards (which tokenizers never do)
     */
    static double[] score(Qwen2Model model, QwenTokenizer tokenizer, String prefix, List<String> continuations) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix must not be empty");
        }
        long[] prefixIds = tokenizer.encode(prefix);
        int base = prefixIds.length - 1; // the cache holds every prefix token but the last between continuations
        double[] scores = new double[continuations.size()];
        try (NDManager manager = NDManager.newBaseManager(model.device());
                Qwen2Cache cache = model.newCache(manager)) {
            feed(model, cache, Arrays.copyOfRange(prefixIds, 0, base), manager);
            for (int i = 0; i < scores.length; i++) {
                String text = continuations.get(i);
                if (text == null || text.isEmpty()) {
                    throw new IllegalArgumentException("continuations[" + i + "] must not be empty");
                }
                long[] full = tokenizer.encode(prefix + text);
                int from = sharedTokens(prefixIds, full) - 1; // the last shared position predicts the first new one
                cache.crop(from);
                scores[i] = logProbability(model, cache, full, from, manager);
                cache.crop(from);
                feed(model, cache, Arrays.copyOfRange(prefixIds, from, base), manager);
            }
        }
        return scores;
    }

    private static int sharedTokens(long[] prefixIds, long[] full) {
        int common = 0;
        while (common < prefixIds.length && common < full.length && prefixIds[common] == full[common]) {
            common++;
        }
        if (common == 0 || full.length <= common) {
            throw new IllegalArgumentException("the prefix's tokens " + Arrays.toString(prefixIds)
                    + " and the text's " + Arrays.toString(full) + " share no token or add none");
        }
        return common;
    }

    /** Runs tokens through the model into the cache, keeping nothing else. */
    private static void feed(Qwen2Model model, Qwen2Cache cache, long[] ids, NDManager manager) {
        if (ids.length == 0) {
            return;
        }
        try (NDManager step = manager.newSubManager()) {
            model.hiddenStates(NativeArrays.longs(step, ids, new Shape(1, ids.length)), null, cache); // [1, T, C]
        }
    }

    /**
     * Feeds {@code full[from .. n - 2]} after a cache of {@code from} positions and sums the log-probabilities of
     * {@code full[from + 1 .. n - 1]}.
     */
    private static double logProbability(Qwen2Model model, Qwen2Cache cache, long[] full, int from,
            NDManager manager) {
        long[] inputs = Arrays.copyOfRange(full, from, full.length - 1);
        long[] targets = Arrays.copyOfRange(full, from + 1, full.length);
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = NativeArrays.longs(step, inputs, new Shape(1, inputs.length));
            NDArray logProbs = model.forward(ids, null, cache).logSoftmax(-1).get(0); // [1, n, V] -> [n, V]
            NDArray picked = logProbs.gather(NativeArrays.longs(step, targets, new Shape(targets.length, 1)), -1);
            return picked.sum().getFloat(); // [n, 1] -> scalar
        }
    }
}
