package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;

/**
 * A PyTorch {@code nn.Linear}: {@code y = x W^T (+ b)}.
 *
 * @param weight {@code [out, in]}, as Hugging Face stores it
 * @param bias {@code [out]}, or null for {@code bias=False}
 */
public record Linear(NDArray weight, NDArray bias) {
    /**
     * Applies the projection to the last axis.
     *
     * @param x {@code [..., in]}
     * @return {@code [..., out]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }
}
