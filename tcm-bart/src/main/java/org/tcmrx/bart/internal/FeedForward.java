package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;

/**
 * The position-wise feed-forward block of a BART layer: {@code fc2(act(fc1(x)))}.
 *
 * @param fc1 {@code fc1}, {@code [F, C]}
 * @param fc2 {@code fc2}, {@code [C, F]}
 * @param activation {@code activation_function}
 */
public record FeedForward(Projection fc1, Projection fc2, ActivationFunction activation) {
    /**
     * Applies the block.
     *
     * @param x {@code [B, T, C]}
     * @param dropout the rates; {@code activation_dropout} applies after the activation
     * @return {@code [B, T, C]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x, Dropout dropout) {
        NDArray hidden = dropout.activation(activation.apply(fc1.forward(x))); // [B, T, F]
        return fc2.forward(hidden); // [B, T, F] -> [B, T, C]
    }
}
