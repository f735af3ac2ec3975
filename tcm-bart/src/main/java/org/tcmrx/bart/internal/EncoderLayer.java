package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Hugging Face's {@code BartEncoderLayer}, post-LN: {@code x = LN(x + SelfAttn(x))}, then
 * {@code x = LN(x + FFN(x))}, with dropout on each sub-layer's output when training.
 *
 * @param selfAttn {@code self_attn}
 * @param selfAttnLayerNorm {@code self_attn_layer_norm}
 * @param ffn {@code fc1} and {@code fc2}
 * @param finalLayerNorm {@code final_layer_norm}
 */
public record EncoderLayer(Attention selfAttn, LayerNorm selfAttnLayerNorm, FeedForward ffn,
        LayerNorm finalLayerNorm) {
    /**
     * Runs the layer.
     *
     * @param x {@code [B, S, C]}
     * @param paddingBias the key padding bias, {@code [B, 1, 1, S]}
     * @param dropout the rates ({@link Dropout#NONE} for inference)
     * @param scope the manager that owns the temporaries and the result
     * @return {@code [B, S, C]}
     */
    public NDArray forward(NDArray x, NDArray paddingBias, Dropout dropout, NDManager scope) {
        NDList kv = selfAttn.keysValues(x, scope);
        NDArray attended = selfAttn.forward(x, kv.get(0), kv.get(1), paddingBias, dropout, scope); // [B, S, C]
        NDArray h = selfAttnLayerNorm.forward(x.add(dropout.hidden(attended)));
        return finalLayerNorm.forward(h.add(dropout.hidden(ffn.forward(h, dropout))));
    }
}
