package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The low-rank update of one adapted projection, as PEFT's {@code lora.Linear} computes it:
 * {@code lora_B(lora_A(dropout(x))) * scaling}, or merged into the weight, {@code W' = W + scaling * B @ A}.
 *
 * @param loraA {@code lora_A.weight}, {@code [R, in]}
 * @param loraB {@code lora_B.weight}, {@code [out, R]}
 * @param scaling {@code lora_alpha / r}, or {@code lora_alpha / sqrt(r)} with {@code use_rslora}
 * @param dropout {@code lora_dropout}, applied to the branch's input in training mode only
 */
public record LoraBranch(NDArray loraA, NDArray loraB, float scaling, float dropout) {
    /**
     * Computes the branch's contribution.
     *
     * @param x the projection's input, {@code [..., in]}
     * @param training whether dropout applies
     * @return {@code [..., out]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x, boolean training) {
        NDArray in = x;
        if (training && dropout > 0f) {
            // Inverted dropout, as nn.Dropout: kept values are scaled by 1 / (1 - p), so inference needs nothing.
            in = x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow(); // [..., in]
        }
        NDArray down = in.getNDArrayInternal().linear(in, loraA, null).singletonOrThrow(); // [..., R]
        NDArray up = down.getNDArrayInternal().linear(down, loraB, null).singletonOrThrow(); // [..., out]
        return NativeArrays.mul(up, scaling);
    }

    /**
     * Computes the weight update PEFT merges, {@code (B @ A) * scaling}, in that order of operations.
     *
     * @param scope the manager that owns the result
     * @return {@code [out, in]}
     */
    public NDArray delta(NDManager scope) {
        NDArray product = Scope.into(scope, loraB.matMul(loraA)); // [out, R] @ [R, in] -> [out, in]
        return NativeArrays.mul(product, scaling);
    }
}
