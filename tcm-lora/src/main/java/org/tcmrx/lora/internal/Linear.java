package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;

/**
 * A PyTorch {@code nn.Linear}, {@code y = x W^T (+ b)}, with a slot for a LoRA branch that adds
 * {@code dropout(x) A^T B^T * scaling}. The slot is how PEFT's in-place module replacement looks here: the
 * {@link org.tcmrx.lora.LoraAdapter} fills it while the adapter is enabled and unmerged and empties it otherwise, so a
 * projection without a branch is exactly the base layer.
 */
public final class Linear {
    private final NDArray weight;
    private final NDArray bias;
    private LoraBranch lora;

    /**
     * Creates a plain projection.
     *
     * @param weight {@code [out, in]}, as Hugging Face stores it
     * @param bias {@code [out]}, or null for {@code bias=False}
     */
    public Linear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * Returns the weight.
     *
     * @return {@code [out, in]}
     */
    public NDArray weight() {
        return weight;
    }

    /**
     * Returns the bias.
     *
     * @return {@code [out]}, or null
     */
    public NDArray bias() {
        return bias;
    }

    /**
     * Returns the LoRA branch the forward pass adds.
     *
     * @return the branch, or null when the projection runs as the base layer
     */
    public LoraBranch lora() {
        return lora;
    }

    /**
     * Fills or empties the LoRA slot.
     *
     * @param branchOrNull the branch to add from now on, or null for the base layer alone
     */
    public void setLora(LoraBranch branchOrNull) {
        lora = branchOrNull;
    }

    /**
     * Applies the projection to the last axis in inference mode.
     *
     * @param x {@code [..., in]}
     * @return {@code [..., out]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x) {
        return forward(x, false);
    }

    /**
     * Applies the projection to the last axis.
     *
     * @param x {@code [..., in]}
     * @param training whether the LoRA branch applies its dropout
     * @return {@code [..., out]}, in the manager of {@code x}
     */
    public NDArray forward(NDArray x, boolean training) {
        NDArray y = x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow(); // [..., out]
        LoraBranch branch = lora;
        return branch == null ? y : y.add(branch.forward(x, training)); // [..., out]
    }
}
