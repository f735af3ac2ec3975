package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Hugging Face's {@code Qwen2DecoderLayer}, pre-norm: {@code h = x + Attn(RMSNorm(x))}, then
 * {@code h + MLP(RMSNorm(h))}.
 *
 * @param selfAttn {@code self_attn}
 * @param mlp {@code mlp}
 * @param inputLayernorm {@code input_layernorm}
 * @param postAttentionLayernorm {@code post_attention_layernorm}
 */
public record DecoderLayer(Attention selfAttn, SwiGlu mlp, RmsNorm inputLayernorm, RmsNorm postAttentionLayernorm) {
    /**
     * Runs the layer.
     *
     * @param x {@code [B, T, C]}
     * @param rope the rotary tables of the call's positions
     * @param bias the attention bias, {@code [B or 1, 1, T, P + T]}
     * @param cache the cache, or null
     * @param layer this layer's index, to address the cache
     * @param training whether dropout (LoRA's, {@code attention_dropout}) applies
     * @param scope the manager that owns the temporaries and the result
     * @return {@code [B, T, C]}
     */
    public NDArray forward(NDArray x, RotaryEmbedding rope, NDArray bias, KvCache cache, int layer, boolean training,
            NDManager scope) {
        NDArray h = x.add(selfAttn.forward(inputLayernorm.forward(x), rope, bias, cache, layer, training, scope));
        return h.add(mlp.forward(postAttentionLayernorm.forward(h), training));
    }
}
