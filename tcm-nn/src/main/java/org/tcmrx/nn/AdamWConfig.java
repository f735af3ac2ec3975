package org.tcmrx.nn;

import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.tcmrx.core.internal.Checks;

/**
 * The hyper-parameters of {@link AdamW}, named as {@code torch.optim.AdamW}'s arguments. The learning rate is not
 * here: the {@link LearningRateSchedule} gives it for every step.
 *
 * @param beta1 the decay of the first-moment estimate, {@code betas[0]}; default 0.9 (PyTorch)
 * @param beta2 the decay of the second-moment estimate, {@code betas[1]}; default 0.999 (PyTorch)
 * @param eps added to the denominator for stability; default 1e-8 (PyTorch, and Hugging Face's {@code adam_epsilon})
 * @param weightDecay the decoupled weight decay; default 0.0 (Hugging Face {@code TrainingArguments.weight_decay};
 *     PyTorch's own default is 0.01)
 * @param noDecay the parameter names exempt from weight decay; default {@link #DEFAULT_NO_DECAY}
 */
public record AdamWConfig(double beta1, double beta2, double eps, double weightDecay, Predicate<String> noDecay) {
    /**
     * Hugging Face Trainer's convention ({@code get_decay_parameter_names}): no decay for biases and normalization
     * weights. Trainer decides by module type and name; with names only, a lower-cased name is exempt when it contains
     * {@code bias}, {@code layernorm} or {@code rmsnorm}, has a path component {@code norm}, or a component ending in
     * {@code _norm} (the name patterns of recent {@code transformers}). That covers BART's {@code
     * self_attn_layer_norm}, {@code final_layer_norm}, {@code layernorm_embedding} and {@code encoder.layer_norm},
     * and Qwen2's {@code input_layernorm}, {@code post_attention_layernorm} and {@code model.norm}.
     */
    public static final Predicate<String> DEFAULT_NO_DECAY = new Predicate<>() {
        private final Pattern pattern =
                Pattern.compile("bias|layernorm|rmsnorm|(?:^|\\.)norm(?:$|\\.)|_norm(?:$|\\.)");

        @Override
        public boolean test(String name) {
            return pattern.matcher(name.toLowerCase(Locale.ROOT)).find();
        }

        @Override
        public String toString() {
            return "bias|layernorm|rmsnorm|norm|*_norm";
        }
    };

    /**
     * Validates the values.
     *
     * @param beta1 the decay of the first-moment estimate, in [0, 1)
     * @param beta2 the decay of the second-moment estimate, in [0, 1)
     * @param eps the denominator term, finite and at least 0
     * @param weightDecay the decoupled weight decay, finite and at least 0
     * @param noDecay the names exempt from weight decay
     * @throws IllegalArgumentException naming the first invalid argument and its value
     */
    public AdamWConfig {
        requireBeta(beta1, "beta1");
        requireBeta(beta2, "beta2");
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and at least 0, got " + eps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and at least 0, got " + weightDecay);
        }
        Checks.notNull(noDecay, "noDecay");
    }

    private static void requireBeta(double beta, String what) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + beta);
        }
    }

    /**
     * Tells the weight decay a parameter gets.
     *
     * @param name the parameter's name
     * @return 0 when {@link #noDecay} exempts it, else {@link #weightDecay}
     */
    public double decayFor(String name) {
        return noDecay.test(name) ? 0.0 : weightDecay;
    }

    /**
     * Starts a builder holding the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link AdamWConfig}; every value is optional. */
    public static final class Builder {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay = 0.0;
        private Predicate<String> noDecay = DEFAULT_NO_DECAY;

        private Builder() {}

        /**
         * Sets {@code betas}.
         *
         * @param beta1 the first-moment decay
         * @param beta2 the second-moment decay
         * @return this builder
         */
        public Builder optBetas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets {@code eps}.
         *
         * @param eps the denominator term
         * @return this builder
         */
        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        /**
         * Sets the decoupled weight decay.
         *
         * @param weightDecay the decay
         * @return this builder
         */
        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets which parameter names get no weight decay.
         *
         * @param noDecay the exempt names, e.g. {@code name -> false} to decay everything
         * @return this builder
         */
        public Builder optNoDecay(Predicate<String> noDecay) {
            this.noDecay = noDecay;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException naming the first invalid value
         */
        public AdamWConfig build() {
            return new AdamWConfig(beta1, beta2, eps, weightDecay, noDecay);
        }
    }
}
