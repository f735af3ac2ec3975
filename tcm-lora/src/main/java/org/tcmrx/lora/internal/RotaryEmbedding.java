package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Rotary position embeddings in Hugging Face's rotate-half layout (not the interleaved pairs of the RoPE paper): the
 * head's first half pairs with its second half, {@code x * cos + rotate_half(x) * sin} with
 * {@code rotate_half([a, b]) = [-b, a]}, {@code inv_freq[i] = theta^(-2i / D)} and both halves of the tables the same
 * ({@code emb = cat(freqs, freqs)}).
 *
 * @param cos {@code [T, D]} for positions shared by every row, or {@code [B, 1, T, D]} for each row's own positions
 * @param sin the same shape as {@code cos}
 */
public record RotaryEmbedding(NDArray cos, NDArray sin) {
    /**
     * Builds the tables for positions {@code past .. past + T - 1}. The angles are computed in double precision on the
     * Java side (no table to outgrow, and the same numbers on every device), then stored as float32.
     *
     * @param past the first position {@code P}
     * @param t the number of positions {@code T}
     * @param headSize the head size {@code D}, even
     * @param theta {@code rope_theta}
     * @param scope the manager that owns the tables
     * @return the tables
     */
    public static RotaryEmbedding of(long past, long t, int headSize, double theta, NDManager scope) {
        int half = headSize / 2;
        float[] cos = new float[Math.toIntExact(t * headSize)];
        float[] sin = new float[cos.length];
        for (int i = 0; i < half; i++) {
            double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / headSize);
            for (int p = 0; p < t; p++) {
                double angle = (past + p) * invFreq;
                int at = p * headSize + i;
                cos[at] = cos[at + half] = (float) Math.cos(angle);
                sin[at] = sin[at + half] = (float) Math.sin(angle);
            }
        }
        Shape shape = new Shape(t, headSize);
        return new RotaryEmbedding(NativeArrays.floats(scope, cos, shape), NativeArrays.floats(scope, sin, shape));
    }

    /**
     * Builds the tables for explicit positions, one row each, as Hugging Face's {@code position_ids} (which
     * {@code generate} derives from the attention mask, so that a left-padded row starts at 0 on its first real token).
     *
     * @param positions {@code [B][T]} positions, every row of the same length
     * @param headSize the head size {@code D}, even
     * @param theta {@code rope_theta}
     * @param scope the manager that owns the tables
     * @return the tables, {@code [B, 1, T, D]} each, broadcast over heads
     */
    public static RotaryEmbedding of(long[][] positions, int headSize, double theta, NDManager scope) {
        int b = positions.length;
        int t = positions[0].length;
        int half = headSize / 2;
        float[] cos = new float[Math.multiplyExact(b, Math.multiplyExact(t, headSize))];
        float[] sin = new float[cos.length];
        for (int i = 0; i < half; i++) {
            double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / headSize);
            for (int r = 0; r < b; r++) {
                for (int p = 0; p < t; p++) {
                    double angle = positions[r][p] * invFreq;
                    int at = (r * t + p) * headSize + i;
                    cos[at] = cos[at + half] = (float) Math.cos(angle);
                    sin[at] = sin[at + half] = (float) Math.sin(angle);
                }
            }
        }
        Shape shape = new Shape(b, 1, t, headSize);
        return new RotaryEmbedding(NativeArrays.floats(scope, cos, shape), NativeArrays.floats(scope, sin, shape));
    }

    /**
     * Rotates the queries or keys of every head.
     *
     * @param x {@code [B, N, T, D]} ({@code N} query or key/value heads)
     * @return {@code [B, N, T, D]}, in the manager of {@code x}
     */
    public NDArray apply(NDArray x) {
        NDList halves = x.split(2, 3); // [B, N, T, D/2] twice
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3); // rotate_half: [-b, a], [B, N, T, D]
        return x.mul(cos).add(rotated.mul(sin)); // [B, N, T, D] * [T, D] or [B, 1, T, D]
    }
}
