package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code Qwen2RMSNorm} over the last axis: {@code w * x / sqrt(mean(x^2) + eps)}, computed in float32.
 * The scale multiplies as is (not {@code 1 + w}, as in Gemma).
 *
 * @param weight {@code [C]}
 * @param eps {@code rms_norm_eps}
 */
public record RmsNorm(NDArray weight, float eps) {
    /**
     * Normalises the last axis.
     *
     * @param x {@code [..., C]}, float32
     * @return {@code [..., C]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x) {
        NDArray meanSquare = x.mul(x).mean(new int[] {-1}, true); // [..., 1]
        NDArray rms = NativeArrays.add(meanSquare, eps).sqrt(); // [..., 1]
        return x.div(rms).mul(weight); // [..., C] / [..., 1] * [C]
    }
}
