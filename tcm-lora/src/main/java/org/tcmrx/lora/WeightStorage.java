package org.tcmrx.lora;

/**
 * How {@link Qwen2Model#load(java.nio.file.Path, ai.djl.Device, WeightStorage)} stores the weights of a checkpoint.
 * Either way every forward pass computes in float32; the choice trades memory for the rounding of the weights.
 */
public enum WeightStorage {
    /**
     * Every weight as float32, as the checkpoint holds it (F32) or widened exactly (F16, BF16). Four bytes a value:
     * 28 GiB for a 7B model. The default, and what full-parameter training needs.
     */
    FLOAT32,
    /**
     * The weight matrices as float16, half the memory (14 GiB for a 7B model): every projection's {@code weight},
     * the token table and {@code lm_head.weight}, which hold all but 0.005% of a 7B model's values. Biases and
     * RMSNorm scales stay float32: they are small, and the norms are applied in float32.
     *
     * <p>F16 checkpoints load bit for bit; F32 ones are rounded to nearest even (a relative error of at most
     * 2<sup>-11</sup>; below 2<sup>-14</sup>, in float16's subnormal range, an absolute one of at most
     * 2<sup>-25</sup>); BF16 ones load exactly from {@code |w| = 2^-17} up, float16 having more significand bits than
     * bfloat16. A checkpoint with a value beyond float16's range (±65504) is refused rather than loaded as infinity.
     *
     * <p>Each projection widens its weight to float32 for the one operation that uses it and frees the copy as soon
     * as the operation returns, so inference holds one float32 matrix at a time beside the float16 weights; the
     * token lookup widens only the rows it gathers. Under a gradient collector autograd keeps each widened copy until
     * the backward pass, so a training step briefly holds the float32 copies of every matrix it went through.
     *
     * <p>The weights are frozen: a LoRA adapter trains in float32 beside them, but full-parameter training is refused.
     * Merging an adapter rounds {@code W + scaling * B @ A} to float16 once, and unmerging rounds again, so the base
     * weights come back within one float16 rounding of what they were, not exactly.
     */
    FLOAT16
}
