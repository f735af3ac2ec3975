package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import org.tcmrx.bart.BartConfig;

/**
 * BART's three dropout sites, as {@code modeling_bart.py} places them: {@code dropout} on the embeddings and on each
 * sub-layer's output before its residual add, {@code attention_dropout} on the attention probabilities, and
 * {@code activation_dropout} after the feed-forward activation. {@link #NONE} is inference (PyTorch's
 * {@code model.eval()}); masks come from the engine's generator, which the training loop seeds per step.
 *
 * @param hidden {@code dropout}
 * @param attention {@code attention_dropout}
 * @param activation {@code activation_dropout}
 */
public record Dropout(float hidden, float attention, float activation) {
    /** No dropout anywhere: inference. */
    public static final Dropout NONE = new Dropout(0f, 0f, 0f);

    /**
     * Returns the training-time rates of a configuration.
     *
     * @param config the configuration
     * @return its rates
     */
    public static Dropout training(BartConfig config) {
        return new Dropout((float) config.dropout(), (float) config.attentionDropout(),
                (float) config.activationDropout());
    }

    /**
     * Applies {@code dropout} (embeddings, sub-layer outputs).
     *
     * @param x any array
     * @return {@code x} itself at rate 0, else a new array with the same shape
     */
    public NDArray hidden(NDArray x) {
        return apply(x, hidden);
    }

    /**
     * Applies {@code attention_dropout} (attention probabilities).
     *
     * @param x any array
     * @return {@code x} itself at rate 0, else a new array with the same shape
     */
    public NDArray attention(NDArray x) {
        return apply(x, attention);
    }

    /**
     * Applies {@code activation_dropout} (after the feed-forward activation).
     *
     * @param x any array
     * @return {@code x} itself at rate 0, else a new array with the same shape
     */
    public NDArray activation(NDArray x) {
        return apply(x, activation);
    }

    private static NDArray apply(NDArray x, float rate) {
        if (rate == 0f) {
            return x;
        }
        // Inverted dropout: kept values are scaled by 1 / (1 - rate), so inference needs no rescaling.
        return x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow();
    }
}
