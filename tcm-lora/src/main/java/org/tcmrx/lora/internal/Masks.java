package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The additive attention bias of a causal decoder, as Hugging Face builds it: 0 where query {@code i} may attend key
 * {@code j} ({@code j <= P + i} and {@code attention_mask[j] != 0}) and the smallest float32
 * ({@code torch.finfo(float32).min}) elsewhere, added to the scores before the softmax.
 */
public final class Masks {
    /** Hugging Face's "minus infinity": finite, so masked scores never turn into NaN. */
    static final float BLOCKED = -Float.MAX_VALUE;

    private Masks() {}

    /**
     * Builds the bias of one call.
     *
     * @param attentionMaskOrNull {@code [B, P + T]}, 0 for padding and 1 for real tokens, covering the cached tokens
     *     and the new ones; null when nothing is padding
     * @param t the number of queries {@code T}
     * @param past the number of cached positions {@code P} before the queries
     * @param scope the manager that owns the result
     * @return {@code [B, 1, T, P + T]}, or {@code [1, 1, T, P + T]} without a mask; broadcast over heads
     */
    public static NDArray attentionBias(NDArray attentionMaskOrNull, long t, long past, NDManager scope) {
        NDArray causal = causal(t, past, scope); // [1, 1, T, P + T]
        if (attentionMaskOrNull == null) {
            return causal;
        }
        long b = attentionMaskOrNull.getShape().get(0);
        long s = attentionMaskOrNull.getShape().get(1);
        // A copy, so that the caller's mask never moves into the scope even when it already is float32.
        NDArray mask = Scope.into(scope, attentionMaskOrNull.toType(DataType.FLOAT32, true)); // [B, S]
        NDArray padding = NativeArrays.mul(mask.eq(0f).toType(DataType.FLOAT32, false), BLOCKED)
                .reshape(b, 1, 1, s); // [B, S] -> [B, 1, 1, S]
        // The smaller of the two, not their sum: BLOCKED + BLOCKED would overflow to -infinity.
        return causal.minimum(padding); // [1, 1, T, S] with [B, 1, 1, S] -> [B, 1, T, S]
    }

    private static NDArray causal(long t, long past, NDManager scope) {
        long s = past + t;
        if (t * s > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sequence of " + t + " tokens after " + past + " cached is too long");
        }
        float[] bias = new float[(int) (t * s)];
        for (int i = 0; i < t; i++) {
            for (long j = past + i + 1; j < s; j++) {
                bias[(int) (i * s + j)] = BLOCKED;
            }
        }
        return NativeArrays.floats(scope, bias, new Shape(1, 1, t, s));
    }
}
