package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Additive attention biases, as Hugging Face builds them: 0 where a query may attend a key and the smallest float32
 * ({@code torch.finfo(float32).min}) where it may not, added to the scores before the softmax.
 */
public final class Masks {
    /** Hugging Face's "minus infinity": finite, so a row with every key masked still softmaxes to numbers. */
    static final float BLOCKED = -Float.MAX_VALUE;

    private Masks() {}

    /**
     * Masks the keys at padding positions (BART's encoder self-attention and decoder cross-attention).
     *
     * @param attentionMask {@code [B, S]}, 1 for real tokens and 0 for padding
     * @param scope the manager that owns the result
     * @return {@code [B, 1, 1, S]}, broadcast over heads and queries
     */
    public static NDArray paddingBias(NDArray attentionMask, NDManager scope) {
        long b = attentionMask.getShape().get(0);
        long s = attentionMask.getShape().get(1);
        // A copy, so that the caller's mask never moves into the scope even when it already is float32.
        NDArray mask = Scope.into(scope, attentionMask.toType(DataType.FLOAT32, true));
        // HF: (1 - mask) filled with min wherever it is non-zero, i.e. every entry that is not 1.
        NDArray bias = mask.neq(1f).toType(DataType.FLOAT32, false).mul(BLOCKED); // [B, S]
        return bias.reshape(b, 1, 1, s); // [B, S] -> [B, 1, 1, S]
    }

    /**
     * Masks future keys for the decoder's self-attention: query {@code i} (at absolute position {@code past + i})
     * may attend key {@code j} iff {@code j <= past + i}.
     *
     * @param t the number of queries {@code T}
     * @param past the number of cached positions {@code P} before the queries
     * @param scope the manager that owns the result
     * @return {@code [1, 1, T, P + T]}
     */
    public static NDArray causalBias(long t, long past, NDManager scope) {
        long s = past + t;
        if (t * s > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("decoder length " + t + " with " + past + " cached is too long");
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
