package org.tcmrx.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tcmrx.lora.CausalLmLoss;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The log-probability a causal language model gives a completion: {@code logits[:, t - 1]} predicts
 * {@code labels[:, t]}, positions labelled {@link CausalLmLoss#IGNORE_INDEX} (the prompt and the padding) are
 * skipped, and the others are summed:
 * <pre>
 *   logp[b] = sum over t >= 1 with labels[b, t] != -100 of log_softmax(logits[b, t - 1])[labels[b, t]]
 * </pre>
 * as TRL's DPO trainer computes it (its {@code completion_mask} marks the same positions as our labels).
 */
public final class SequenceLogProbs {
    private SequenceLogProbs() {}

    /**
     * The summed log-probabilities of a batch and what they were summed over.
     *
     * @param logps {@code [B]}, the sums, differentiable with respect to the logits
     * @param perToken {@code [B, T - 1]}: column {@code t - 1} holds label {@code t}'s log-probability, 0 where it is
     *     skipped
     * @param tokenCounts the counted positions of each row
     */
    public record Result(NDArray logps, NDArray perToken, long[] tokenCounts) {
        /**
         * Copies the counts.
         *
         * @param logps the sums
         * @param perToken the per-token values
         * @param tokenCounts the counts
         */
        public Result {
            tokenCounts = tokenCounts.clone();
        }

        /**
         * Returns the counts.
         *
         * @return a copy of the per-row counts
         */
        @Override
        public long[] tokenCounts() {
            return tokenCounts.clone();
        }
    }

    /**
     * Computes the completion log-probabilities of a batch.
     *
     * @param logits {@code [B, T, V]}, float32 or float64
     * @param labels {@code [B, T]}, integers, each in {@code [0, V)} or {@link CausalLmLoss#IGNORE_INDEX}
     * @return the sums, the per-token values and the counts; the arrays live in the manager of {@code logits}
     * @throws IllegalArgumentException when the shapes do not agree, the labels are not integers, or a label is out
     *     of the vocabulary
     */
    public static Result compute(NDArray logits, NDArray labels) {
        if (logits == null || labels == null) {
            throw new IllegalArgumentException("logits and labels must not be null");
        }
        Shape shape = labels.getShape();
        if (logits.getShape().dimension() != 3 || shape.dimension() != 2 || logits.getShape().get(0) != shape.get(0)
                || logits.getShape().get(1) != shape.get(1)) {
            throw new IllegalArgumentException("logits " + logits.getShape() + " and labels " + shape
                    + " must be [B, T, V] and [B, T]");
        }
        if (!labels.getDataType().isInteger()) {
            throw new IllegalArgumentException("labels must be integers, got " + labels.getDataType());
        }
        int b = Math.toIntExact(shape.get(0));
        int t = Math.toIntExact(shape.get(1));
        long v = logits.getShape().get(2);
        long[] next = shiftedLabels(labels, b, t, v);
        long[] counts = new long[b];
        long[] targets = new long[next.length];
        float[] weights = new float[next.length];
        for (int i = 0; i < next.length; i++) {
            if (next[i] != CausalLmLoss.IGNORE_INDEX) {
                counts[i / t]++;
                targets[i] = next[i];
                weights[i] = 1;
            }
        }
        NDManager out = logits.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray target = NativeArrays.longs(scope, targets, shape).expandDims(-1); // [B, T, 1]
            NDArray weight = NativeArrays.floats(scope, weights, shape).toType(logits.getDataType(), false); // [B, T]
            NDArray logProbs = logits.logSoftmax(-1); // [B, T, V]
            logProbs.attach(scope);
            // Row t of the result is the log-probability of label t + 1; skipped positions gather class 0 and
            // are then weighted 0.
            NDArray picked = logProbs.gather(target, -1).squeeze(-1).mul(weight); // [B, T]
            NDArray sums = picked.sum(new int[] {1}); // [B]
            NDArray perToken = picked.get(":, :-1"); // [B, T - 1]
            sums.attach(out);
            perToken.attach(out);
            return new Result(sums, perToken, counts);
        }
    }

    /**
     * The labels each position predicts: {@code next[b, t] = labels[b, t + 1]}, the last column ignored.
     */
    private static long[] shiftedLabels(NDArray labels, int b, int t, long vocab) {
        long[] source;
        try (NDArray asLong = labels.toType(DataType.INT64, true)) {
            source = asLong.toLongArray();
        }
        long[] next = new long[source.length];
        for (int row = 0; row < b; row++) {
            for (int col = 0; col < t; col++) {
                long label = col + 1 < t ? source[row * t + col + 1] : CausalLmLoss.IGNORE_INDEX;
                if (label != CausalLmLoss.IGNORE_INDEX && (label < 0 || label >= vocab)) {
                    throw new IllegalArgumentException("labels[" + row + ", " + (col + 1) + "] = " + label
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
                next[row * t + col] = label;
            }
        }
        return next;
    }
}
