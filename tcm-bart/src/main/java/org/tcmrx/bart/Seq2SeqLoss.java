package org.tcmrx.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.tcmrx.bart.internal.Scope;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The sequence-to-sequence loss of Hugging Face's {@code BartForConditionalGeneration}: token cross-entropy of
 * {@code logits[:, t]} against {@code labels[:, t]} (no shift: the decoder input is already shifted right), skipping
 * labels equal to {@link #IGNORE_INDEX}, averaged over the counted tokens. With label smoothing {@code eps} it is
 * PyTorch's {@code CrossEntropyLoss(label_smoothing=eps)}, which is also what Hugging Face's {@code LabelSmoother}
 * computes: {@code (1 - eps) * nll + eps * mean_over_vocab(-log p)}, each term averaged over the counted tokens.
 */
public final class Seq2SeqLoss {
    /** The label that marks a position not to learn (padding), as in PyTorch and Hugging Face. */
    public static final int IGNORE_INDEX = -100;

    private Seq2SeqLoss() {}

    /**
     * Computes the loss as an array, differentiable with respect to the logits.
     *
     * @param logits {@code [B, T, V]}, float32
     * @param labels {@code [B, T]}, integer, each in {@code [0, V)} or {@link #IGNORE_INDEX}
     * @param labelSmoothing {@code eps} in {@code [0, 1)}; 0 for plain cross-entropy
     * @return a scalar, in the manager of {@code logits}; NaN when every label is ignored (0 / 0, as in PyTorch)
     * @throws IllegalArgumentException when the shapes do not agree or the smoothing is out of range
     */
    public static NDArray loss(NDArray logits, NDArray labels, float labelSmoothing) {
        if (logits.getShape().dimension() != 3 || labels.getShape().dimension() != 2
                || logits.getShape().get(0) != labels.getShape().get(0)
                || logits.getShape().get(1) != labels.getShape().get(1)) {
            throw new IllegalArgumentException("logits " + logits.getShape() + " and labels " + labels.getShape()
                    + " must be [B, T, V] and [B, T]");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        NDManager out = logits.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray logProbs = Scope.into(scope, logits.logSoftmax(-1)); // [B, T, V]
            NDArray counted = Scope.into(scope, labels.neq(IGNORE_INDEX)); // [B, T], boolean
            // Ignored positions gather class 0 and are then weighted 0.
            NDArray targets = Scope.into(scope, labels.toType(DataType.INT64, true))
                    .mul(counted.toType(DataType.INT64, false)); // [B, T]
            NDArray weights = counted.toType(DataType.FLOAT32, false); // [B, T]
            NDArray count = weights.sum();
            NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1); // [B, T, 1] -> [B, T]
            NDArray loss = picked.mul(weights).sum().neg().div(count);
            if (labelSmoothing > 0) {
                NDArray uniform = logProbs.mean(new int[] {-1}).mul(weights).sum().neg().div(count);
                loss = NativeArrays.mul(loss, 1f - labelSmoothing).add(NativeArrays.mul(uniform, labelSmoothing));
            }
            loss.attach(out);
            return loss;
        }
    }

    /**
     * Computes the loss as a number.
     *
     * @param logits {@code [B, T, V]}, float32
     * @param labels {@code [B, T]}, integer, each in {@code [0, V)} or {@link #IGNORE_INDEX}
     * @param labelSmoothing {@code eps} in {@code [0, 1)}; 0 for plain cross-entropy
     * @return the mean loss; NaN when every label is ignored
     * @throws IllegalArgumentException when the shapes do not agree or the smoothing is out of range
     */
    public static float lossValue(NDArray logits, NDArray labels, float labelSmoothing) {
        try (NDArray loss = loss(logits, labels, labelSmoothing)) {
            return loss.getFloat();
        }
    }
}
