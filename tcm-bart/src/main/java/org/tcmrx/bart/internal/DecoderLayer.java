package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Hugging Face's {@code BartDecoderLayer}, post-LN: {@code x = LN(x + CausalSelfAttn(x))}, then
 * {@code x = LN(x + CrossAttn(x, encoder))}, then {@code x = LN(x + FFN(x))}, with dropout on each sub-layer's output when training.
 *
 * @param selfAttn {@code self_attn}
 * @param selfAttnLayerNorm {@code self_attn_layer_norm}
 * @param encoderAttn {@code encoder_attn}
 * @param encoderAttnLayerNorm {@code encoder_attn_layer_norm}
 * @param ffn {@code fc1} and {@code fc2}
 * @param finalLayerNorm {@code final_layer_norm}
 */
public record DecoderLayer(Attention selfAttn, LayerNorm selfAttnLayerNorm, Attention encoderAttn,
        LayerNorm encoderAttnLayerNorm, FeedForward ffn, LayerNorm finalLayerNorm) {
    /**
     * Runs the layer.
     *
     * @param x {@code [B, T, C]}
     * @param encoderHidden the encoder output, {@code [B, S, C]}; unused when the cache already holds this layer's
     *     cross-attention keys and values
     * @param causalBias the causal bias, {@code [1, 1, T, P + T]}
     * @param paddingBias the encoder key padding bias, {@code [B, 1, 1, S]}
     * @param cache the cache, or null to attend only within {@code x}
     * @param layer this layer's index, to address the cache
     * @param dropout the rates ({@link Dropout#NONE} for inference)
     * @param scope the manager that owns the temporaries and the result
     * @return {@code [B, T, C]}
     */
    public NDArray forward(NDArray x, NDArray encoderHidden, NDArray causalBias, NDArray paddingBias, KvCache cache,
            int layer, Dropout dropout, NDManager scope) {
        NDList kv = selfAttn.keysValues(x, scope); // [B, H, T, D] each
        if (cache != null) {
            kv = cache.appendSelf(layer, kv.get(0), kv.get(1)); // [B, H, P + T, D] each
        }
        NDArray selfAttended = selfAttn.forward(x, kv.get(0), kv.get(1), causalBias, dropout, scope); // [B, T, C]
        NDArray h = selfAttnLayerNorm.forward(x.add(dropout.hidden(selfAttended)));

        NDList crossKv = cache == null ? null : cache.cross(layer);
        if (crossKv == null) {
            crossKv = encoderAttn.keysValues(encoderHidden, scope); // [B, H, S, D] each
            if (cache != null) {
                cache.putCross(layer, crossKv);
            }
        }
        NDArray attended = encoderAttn.forward(h, crossKv.get(0), crossKv.get(1), paddingBias, dropout, scope);
        h = encoderAttnLayerNorm.forward(h.add(dropout.hidden(attended)));

        return finalLayerNorm.forward(h.add(dropout.hidden(ffn.forward(h, dropout))));
    }
}
