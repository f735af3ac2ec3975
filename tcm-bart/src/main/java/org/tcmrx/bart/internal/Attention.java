package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code BartAttention}: multi-head scaled dot-product attention, every projection with a bias. Used
 * as self-attention (keys and values from the queries' own input) and as the decoder's cross-attention (keys and
 * values from the encoder output).
 *
 * @param qProj {@code q_proj}, {@code [C, C]}
 * @param kProj {@code k_proj}, {@code [C, C]}
 * @param vProj {@code v_proj}, {@code [C, C]}
 * @param outProj {@code out_proj}, {@code [C, C]}
 * @param heads the number of heads {@code H}
 */
public record Attention(Projection qProj, Projection kProj, Projection vProj, Projection outProj, int heads) {
    /**
     * Projects the keys and values of a sequence and splits them into heads.
     *
     * @param source {@code [B, S, C]}
     * @param scope the manager that owns the results
     * @return {@code (k, v)}, each {@code [B, H, S, D]}
     */
    public NDList keysValues(NDArray source, NDManager scope) {
        NDArray k = splitHeads(Scope.into(scope, kProj.forward(source)));
        NDArray v = splitHeads(Scope.into(scope, vProj.forward(source)));
        return new NDList(k, v);
    }

    /**
     * Attends from {@code x} to given keys and values.
     *
     * @param x the queries' input, {@code [B, T, C]}
     * @param k keys, {@code [B, H, S, D]}
     * @param v values, {@code [B, H, S, D]}
     * @param bias added to the scores: 0 where a query may look, a huge negative number where it may not;
     *     broadcastable to {@code [B, H, T, S]}
     * @param dropout the rates; {@code attention_dropout} applies to the attention probabilities
     * @param scope the manager that owns the temporaries (and the result)
     * @return {@code [B, T, C]}
     */
    public NDArray forward(NDArray x, NDArray k, NDArray v, NDArray bias, Dropout dropout, NDManager scope) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long c = x.getShape().get(2);
        long d = c / heads;
        // BART scales q after its bias, before the dot product.
        NDArray q = splitHeads(NativeArrays.mul(qProj.forward(x), (float) Math.pow(d, -0.5))); // [B, H, T, D]
        NDArray kT = Scope.into(scope, k.transpose(0, 1, 3, 2)); // [B, H, D, S]
        NDArray scores = q.matMul(kT).add(bias); // [B, H, T, S]
        NDArray probs = dropout.attention(scores.softmax(-1)); // [B, H, T, S]
        NDArray context = probs.matMul(v); // [B, H, T, D]
        NDArray merged = context.transpose(0, 2, 1, 3).reshape(b, t, c); // [B, T, H, D] -> [B, T, C]
        return outProj.forward(merged);
    }

    private NDArray splitHeads(NDArray x) {
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        long c = x.getShape().get(2);
        return x.reshape(b, s, heads, c / heads).transpose(0, 2, 1, 3); // [B, S, C] -> [B, S, H, D] -> [B, H, S, D]
    }
}
