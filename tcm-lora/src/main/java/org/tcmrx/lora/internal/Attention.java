package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code Qwen2Attention}: causal grouped-query attention. q, k and v carry a bias, {@code o_proj} none;
 * RoPE rotates q and k after their bias; {@code H / KV} consecutive query heads share one key/value head (query head
 * {@code h} reads key/value head {@code h / (H / KV)}, as {@code repeat_kv} lays them out); scores are scaled by
 * {@code 1 / sqrt(D)}. In training mode {@code attention_dropout} applies to the attention probabilities, as
 * {@code Qwen2Attention} does while {@code self.training}.
 *
 * @param qProj {@code self_attn.q_proj}, {@code [H * D, C]} with bias
 * @param kProj {@code self_attn.k_proj}, {@code [KV * D, C]} with bias
 * @param vProj {@code self_attn.v_proj}, {@code [KV * D, C]} with bias
 * @param oProj {@code self_attn.o_proj}, {@code [C, H * D]}, no bias
 * @param heads {@code H}
 * @param kvHeads {@code KV}
 * @param headSize {@code D}
 * @param attentionDropout {@code attention_dropout}
 */
public record Attention(Linear qProj, Linear kProj, Linear vProj, Linear oProj, int heads, int kvHeads,
        int headSize, float attentionDropout) {
    /**
     * Attends from {@code x} to itself and, with a cache, to the cached positions; appends this call's keys and
     * values to the cache.
     *
     * @param x the normalised input, {@code [B, T, C]}
     * @param rope the rotary tables of the call's positions
     * @param bias the attention bias, {@code [B or 1, 1, T, S]} with {@code S = P + T}
     * @param cache the cache, or null
     * @param layer this layer's index, to address the cache
     * @param training whether dropout (the LoRA branches', {@code attention_dropout}) applies
     * @param scope the manager that owns the temporaries and the result
     * @return {@code [B, T, C]}
     */
    public NDArray forward(NDArray x, RotaryEmbedding rope, NDArray bias, KvCache cache, int layer, boolean training,
            NDManager scope) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int group = heads / kvHeads;
        NDArray q = rope.apply(splitHeads(qProj.forward(x, training), heads)); // [B, H, T, D]
        NDArray k = rope.apply(splitHeads(kProj.forward(x, training), kvHeads)); // [B, KV, T, D]
        NDArray v = splitHeads(vProj.forward(x, training), kvHeads); // [B, KV, T, D]
        if (cache != null) {
            NDList all = cache.append(layer, k, v);
            k = all.get(0); // [B, KV, S, D]
            v = all.get(1); // [B, KV, S, D]
        }
        long s = k.getShape().get(2);
        // Grouping the query heads of each key/value head avoids materialising repeat_kv's copies of k and v.
        NDArray grouped = NativeArrays.mul(q, (float) (1 / Math.sqrt(headSize)))
                .reshape(b, kvHeads, group * t, headSize); // [B, H, T, D] -> [B, KV, G * T, D]
        NDArray kT = Scope.into(scope, k.transpose(0, 1, 3, 2)); // [B, KV, D, S]
        NDArray scores = grouped.matMul(kT).reshape(b, heads, t, s).add(bias); // [B, KV, G * T, S] -> [B, H, T, S]
        NDArray probs = scores.softmax(-1); // [B, H, T, S]
        if (training && attentionDropout > 0f) {
            probs = probs.getNDArrayInternal().dropout(probs, attentionDropout, true).singletonOrThrow();
        }
        probs = probs.reshape(b, kvHeads, group * t, s); // [B, H, T, S] -> [B, KV, G * T, S]
        NDArray context = probs.matMul(v).reshape(b, heads, t, headSize); // [B, KV, G * T, D] -> [B, H, T, D]
        NDArray merged = context.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headSize); // -> [B, T, H * D]
        return oProj.forward(merged, training); // [B, T, C]
    }

    private NDArray splitHeads(NDArray x, int n) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        return x.reshape(b, t, n, headSize).transpose(0, 2, 1, 3); // [B, T, N * D] -> [B, T, N, D] -> [B, N, T, D]
    }
}
