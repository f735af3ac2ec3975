package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;

/**
 * Hugging Face's {@code Qwen2MLP}: {@code down(silu(gate(x)) * up(x))}, no biases.
 *
 * @param gateProj {@code mlp.gate_proj}, {@code [I, C]}
 * @param upProj {@code mlp.up_proj}, {@code [I, C]}
 * @param downProj {@code mlp.down_proj}, {@code [C, I]}
 */
public record SwiGlu(Linear gateProj, Linear upProj, Linear downProj) {
    /**
     * Applies the block.
     *
     * @param x {@code [B, T, C]}
     * @param training whether the LoRA branches apply their dropout
     * @return {@code [B, T, C]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x, boolean training) {
        NDArray gate = gateProj.forward(x, training); // [B, T, I]
        NDArray silu = gate.mul(gate.getNDArrayInternal().sigmoid()); // silu(g) = g * sigmoid(g)
        return downProj.forward(silu.mul(upProj.forward(x, training)), training); // [B, T, I] -> [B, T, C]
    }
}
