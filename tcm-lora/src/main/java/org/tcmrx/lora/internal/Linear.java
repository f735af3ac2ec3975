package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A PyTorch {@code nn.Linear}, {@code y = x W^T (+ b)}, with a slot for a LoRA branch that adds
 * {@code dropout(x) A^T B^T * scaling}. The slot is how PEFT's in-place module replacement looks here: the
 * {@link org.tcmrx.lora.LoraAdapter} fills it while the adapter is enabled and unmerged and empties it otherwise, so a
 * projection without a branch is exactly the base layer. The weight may be stored as float16
 * ({@link org.tcmrx.lora.WeightStorage#FLOAT16}); the projection computes in float32 all the same.
 */
public final class Linear {
    private final NDArray weight;
    private final NDArray bias;
    private LoraBranch lora;

    /**
     * Creates a plain projection.
     *
     * @param weight {@code [out, in]}, as Hugging Face stores it, float32 or float16
     * @param bias {@code [out]} float32, or null for {@code bias=False}
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
        NDArray y = project(x, weight, bias); // [..., out]
        LoraBranch branch = lora;
        return branch == null ? y : y.add(branch.forward(x, training)); // [..., out]
    }

    /**
     * Computes {@code x W^T (+ b)} in float32. A float16 weight is widened (exactly) for this one operation and the
     * copy freed as soon as it returns, so a forward pass holds one widened matrix at a time; under a gradient
     * collector autograd keeps its own reference to the copy until the backward pass.
     *
     * @param x {@code [..., in]}, float32
     * @param weight {@code [out, in]}, float32 or float16
     * @param biasOrNull {@code [out]} float32, or null
     * @return {@code [..., out]}, float32, in the manager of {@code x}
     */
    public static NDArray project(NDArray x, NDArray weight, NDArray biasOrNull) {
        if (weight.getDataType() == DataType.FLOAT32) {
            return x.getNDArrayInternal().linear(x, weight, biasOrNull).singletonOrThrow();
        }
        try (NDArray wide = weight.toType(DataType.FLOAT32, true)) { // in the weights' manager: freed right here
            return x.getNDArrayInternal().linear(x, wide, biasOrNull).singletonOrThrow();
        }
    }

    /**
     * Adds an update to the weight in place, as merging a LoRA adapter does; call it outside any gradient collector.
     * A float16 weight is widened, updated in float32 and rounded back to nearest even, one rounding per update.
     *
     * @param delta {@code [out, in]}, float32
     */
    public void addToWeight(NDArray delta) {
        if (weight.getDataType() == DataType.FLOAT32) {
            weight.addi(delta);
            return;
        }
        try (NDArray wide = weight.toType(DataType.FLOAT32, true)) {
            wide.addi(delta);
            // intern() puts the rounded values under the weight's own Java object, which every holder keeps.
            weight.intern(wide.toType(weight.getDataType(), true));
        }
    }
}
