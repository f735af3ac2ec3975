package org.tcmrx.lora;

import java.util.Arrays;
import java.util.Random;

/**
 * The sampling warpers of Hugging Face's {@code generate}, on one row of logits: temperature, top-k and top-p, then
 * the argmax or a draw. Masked tokens get {@link Float#NEGATIVE_INFINITY}, as Hugging Face's {@code filter_value}.
 */
final class Sampling {
    private Sampling() {}

    /** {@code TemperatureLogitsWarper}: divides every logit by the temperature. */
    static void temperature(float[] logits, float temperature) {
        if (temperature != 1f) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] /= temperature;
            }
        }
    }

    /** {@code TopKLogitsWarper}: masks the logits below the k-th largest; ties with it stay. 0 or k >= V: nothing. */
    static void topK(float[] logits, int k) {
        if (k <= 0 || k >= logits.length) {
            return;
        }
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        float kth = sorted[sorted.length - k];
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] < kth) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * {@code TopPLogitsWarper}: sorts the probabilities ascending and masks every token whose cumulative probability,
     * counted from the least likely, is at most {@code 1 - top_p}; the most likely token always stays. 1: nothing.
     */
    static void topP(float[] logits, float topP) {
        if (topP >= 1f) {
            return;
        }
        float[] probs = softmax(logits);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Ascending by logit; a stable sort keeps ids in order among ties, so the result is deterministic.
        Arrays.sort(order, (a, b) -> Float.compare(logits[a], logits[b]));
        double cumulative = 0;
        for (int j = 0; j < order.length - 1; j++) {
            cumulative += probs[order[j]];
            if (cumulative <= 1.0 - topP) {
                logits[order[j]] = Float.NEGATIVE_INFINITY;
            } else {
                break;
            }
        }
    }

    /** The softmax in double precision, returned as floats; all-masked logits give NaN. */
    static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp((double) logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /** The first index of the largest logit, as {@code torch.argmax}. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Draws a token from the softmax of the logits with one {@code nextDouble()} of the generator (inverse CDF in id
     * order), so that a seed gives the same token wherever the logits are the same.
     */
    static int sample(float[] logits, Random random) {
        float[] p = softmax(logits);
        double u = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cumulative += p[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        // Rounding can leave the total just under u: the last possible token takes the remainder.
        if (last < 0) {
            throw new IllegalStateException("every token is masked; no token can be sampled");
        }
        return last;
    }
}
