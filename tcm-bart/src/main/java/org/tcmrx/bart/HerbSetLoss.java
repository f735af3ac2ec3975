package org.tcmrx.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.tcmrx.bart.internal.Scope;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The set loss of the first decoder step: the cross-entropy of the first step's distribution {@code p = softmax(z)}
 * against the uniform distribution {@code q} over the prescription's herbs,
 * <pre>
 *   L = mean over examples b of  -sum_v q[b, v] * log p[b, v],   q[b, v] = 1 / |H_b| for v in H_b, else 0.
 * </pre>
 * With herbs in random order the sequence loss's first step already has this expectation (its target is a herb
 * drawn uniformly from the set); this loss is that expectation computed exactly, without the sampling noise, and it
 * trains exactly what {@link HerbScoring#FIRST_STEP} ranks by. {@link BartHerbTrainingConfig#setLossWeight()} adds it
 * to the sequence loss.
 */
public final class HerbSetLoss {
    private HerbSetLoss() {}

    /**
     * Computes the loss, differentiable with respect to the logits.
     *
     * @param firstStepLogits {@code [B, V]}, float32: the decoder's logits at its first position
     * @param target {@code [B, V]}, float32: each row a distribution over the vocabulary ({@link #target})
     * @return a scalar in the manager of {@code firstStepLogits}
     * @throws IllegalArgumentException when the shapes differ or are not two-dimensional
     */
    public static NDArray loss(NDArray firstStepLogits, NDArray target) {
        if (firstStepLogits.getShape().dimension() != 2 || !firstStepLogits.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("firstStepLogits " + firstStepLogits.getShape() + " and target "
                    + target.getShape() + " must both be [B, V]");
        }
        NDManager out = firstStepLogits.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray logProbs = Scope.into(scope, firstStepLogits.logSoftmax(-1)); // [B, V]
            NDArray perExample = logProbs.mul(target).sum(new int[] {1}).neg(); // [B]
            NDArray loss = perExample.mean();
            loss.attach(out);
            return loss;
        }
    }

    /**
     * Builds the target distributions: for each example, probability {@code 1 / n} on each of its {@code n}
     * distinct herb ids.
     *
     * @param manager where the array lives
     * @param labels each example's label ids ({@link HerbTokenizer#encodeHerbs}); ids that are not herbs, such as
     *     the closing {@code </s>}, are skipped
     * @param tokenizer the vocabulary
     * @return {@code [B, V]}, float32
     * @throws IllegalArgumentException when an example has no herb
     */
    public static NDArray target(NDManager manager, List<int[]> labels, HerbTokenizer tokenizer) {
        int v = tokenizer.size();
        float[] q = new float[labels.size() * v];
        for (int b = 0; b < labels.size(); b++) {
            int n = 0;
            for (int id : labels.get(b)) {
                if (tokenizer.isHerb(id) && q[b * v + id] == 0) {
                    q[b * v + id] = 1;
                    n++;
                }
            }
            if (n == 0) {
                throw new IllegalArgumentException("labels[" + b + "] holds no herb");
            }
            for (int id = 0; id < v; id++) {
                q[b * v + id] /= n;
            }
        }
        return NativeArrays.floats(manager, q, new Shape(labels.size(), v));
    }
}
