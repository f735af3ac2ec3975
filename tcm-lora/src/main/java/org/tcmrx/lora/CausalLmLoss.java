package org.tcmrx.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tcmrx.lora.internal.Scope;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The loss of Hugging Face's {@code Qwen2ForCausalLM} (its {@code ForCausalLMLoss}): {@code logits[:, t]} predicts
 * {@code labels[:, t + 1]}, token cross-entropy skips labels equal to {@link #IGNORE_INDEX}, and the mean is over the
 * counted tokens of the whole batch:
 * {@code loss = -sum_{b, t: labels[b, t+1] != -100} log softmax(logits[b, t])[labels[b, t+1]] / count}.
 * The labels are not shifted by the caller: they are the input ids, with {@code -100} where nothing is to be learnt
 * (padding, prompt).
 */
public final class CausalLmLoss {
    /** The label that marks a position not to learn, as in PyTorch and Hugging Face. */
    public static final int IGNORE_INDEX = -100;

    private CausalLmLoss() {}

    /**
     * Computes the loss as an array, differentiable with respect to the logits.
     *
     * @param logits {@code [B, T, V]}, float32
     * @param labels {@code [B, T]}, integer, each in {@code [0, V)} or {@link #IGNORE_INDEX}; the first column is
     *     never predicted
     * @return a scalar, in the manager of {@code logits}; NaN when no label is counted (0 / 0, as in PyTorch)
     * @throws IllegalArgumentException when the shapes do not agree or the labels are not integers
     */
    public static NDArray loss(NDArray logits, NDArray labels) {
        Shape shape = labels.getShape();
        if (logits.getShape().dimension() != 3 || shape.dimension() != 2 || logits.getShape().get(0) != shape.get(0)
                || logits.getShape().get(1) != shape.get(1)) {
            throw new IllegalArgumentException("logits " + logits.getShape() + " and labels " + shape
                    + " must be [B, T, V] and [B, T]");
        }
        if (!labels.getDataType().isInteger()) {
            throw new IllegalArgumentException("labels must be integers, got " + labels.getDataType());
        }
        NDManager out = logits.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray next = shiftLeft(labels, scope); // [B, T]: next[b, t] = labels[b, t + 1], the last column -100
            NDArray counted = next.neq(IGNORE_INDEX); // [B, T], boolean
            // Ignored positions gather class 0 and are then weighted 0.
            NDArray targets = next.mul(counted.toType(DataType.INT64, false)); // [B, T]
            NDArray weights = counted.toType(DataType.FLOAT32, false); // [B, T]
            NDArray logProbs = Scope.into(scope, logits.logSoftmax(-1)); // [B, T, V]
            NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1); // [B, T, 1] -> [B, T]
            NDArray loss = picked.mul(weights).sum().neg().div(weights.sum());
            loss.attach(out);
            return loss;
        }
    }

    /**
     * Computes the loss as a number.
     *
     * @param logits {@code [B, T, V]}, float32
     * @param labels {@code [B, T]}, integer, each in {@code [0, V)} or {@link #IGNORE_INDEX}
     * @return the mean loss; NaN when no label is counted
     * @throws IllegalArgumentException when the shapes do not agree or the labels are not integers
     */
    public static float lossValue(NDArray logits, NDArray labels) {
        try (NDArray loss = loss(logits, labels)) {
            return loss.getFloat();
        }
    }

    /** Hugging Face pads the labels with one ignored column and drops the first, instead of slicing the logits. */
    private static NDArray shiftLeft(NDArray labels, NDManager scope) {
        long[] source;
        try (NDArray asLong = labels.toType(DataType.INT64, true)) {
            source = asLong.toLongArray();
        }
        int b = Math.toIntExact(labels.getShape().get(0));
        int t = Math.toIntExact(labels.getShape().get(1));
        long[] shifted = new long[source.length];
        for (int row = 0; row < b; row++) {
            for (int col = 0; col < t; col++) {
                shifted[row * t + col] = col + 1 < t ? source[row * t + col + 1] : IGNORE_INDEX;
            }
        }
        return NativeArrays.longs(scope, shifted, labels.getShape());
    }
}
