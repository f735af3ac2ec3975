package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A PyTorch {@code nn.LayerNorm} over the last axis, with BART's epsilon.
 *
 * @param weight {@code [C]}
 * @param bias {@code [C]}
 */
public record LayerNorm(NDArray weight, NDArray bias) {
    /** PyTorch's default, which every BART LayerNorm uses (the config has no field for it). */
    public static final float EPS = 1e-5f;

    /**
     * Normalises the last axis.
     *
     * @param x {@code [..., C]}
     * @return {@code [..., C]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x) {
        Shape normalized = new Shape(weight.getShape().get(0));
        return x.getNDArrayInternal().layerNorm(x, normalized, weight, bias, EPS).singletonOrThrow();
    }
}
