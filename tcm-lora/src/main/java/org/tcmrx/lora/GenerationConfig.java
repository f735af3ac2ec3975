package org.tcmrx.lora;

import java.util.List;

/**
 * How {@link Generator} decodes, under Hugging Face's {@code GenerationConfig} names. Build it with {@link #builder()};
 * the defaults are Hugging Face's (greedy, {@code temperature} 1.0, {@code top_k} 50, {@code top_p} 1.0,
 * {@code repetition_penalty} 1.0), except that the length is counted in new tokens only ({@code max_new_tokens} 20,
 * Hugging Face's default {@code max_length}).
 *
 * <p>The order of the logits pipeline is Hugging Face's: repetition penalty, the caller's {@link LogitsProcessor}s,
 * then, when sampling, temperature, top-k and top-p, and a draw from the softmax. Greedy decoding ignores temperature,
 * top-k and top-p, as Hugging Face does.
 *
 * @param maxNewTokens {@code max_new_tokens}: the most tokens generated per row, at least 0
 * @param doSample {@code do_sample}: draw from the distribution instead of taking the argmax
 * @param temperature {@code temperature}: logits are divided by it when sampling; finite and positive
 * @param topK {@code top_k}: when sampling, keep the tokens whose logit is at least the k-th largest; 0 keeps all
 * @param topP {@code top_p}: when sampling, keep the smallest set of most likely tokens whose probability reaches it;
 *     in {@code (0, 1]}, 1 keeps all
 * @param repetitionPenalty {@code repetition_penalty}: a token already in the prompt or the generated ids has a
 *     positive logit divided by it and a negative one multiplied by it; finite and positive, 1 changes nothing
 * @param seed the seed of the {@code java.util.Random} that draws the samples (not a Hugging Face field): the same seed
 *     gives the same tokens on every device
 * @param eosTokenIds {@code eos_token_id}: a row stops after emitting one of these (kept in its ids)
 * @param stopStrings {@code stop_strings}: a row stops once the decoded text of its generated ids contains one (needs
 *     a tokenizer); the ids keep the token that completed it
 * @param useCache {@code use_cache}: keep the keys and values of past tokens and feed one new token per step (the
 *     default); false recomputes the whole sequence at every step, which gives the same tokens, only slower
 */
public record GenerationConfig(int maxNewTokens, boolean doSample, float temperature, int topK, float topP,
        float repetitionPenalty, long seed, List<Long> eosTokenIds, List<String> stopStrings, boolean useCache) {
    /** Hugging Face's default {@code max_length}, here counted in new tokens. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 20;
    /** Hugging Face's default {@code top_k}. */
    public static final int DEFAULT_TOP_K = 50;

    /**
     * Validates the fields.
     *
     * @param maxNewTokens {@code max_new_tokens}
     * @param doSample {@code do_sample}
     * @param temperature {@code temperature}
     * @param topK {@code top_k}
     * @param topP {@code top_p}
     * @param repetitionPenalty {@code repetition_penalty}
     * @param seed the sampling seed
     * @param eosTokenIds {@code eos_token_id}
     * @param stopStrings {@code stop_strings}
     * @param useCache {@code use_cache}
     * @throws IllegalArgumentException naming the field when a value is out of range or a list is null or holds a
     *     null or empty entry
     */
    public GenerationConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max_new_tokens must not be negative, got " + maxNewTokens);
        }
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite positive number, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must not be negative (0 keeps every token), got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0f) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be a finite positive number, got "
                    + repetitionPenalty);
        }
        if (eosTokenIds == null) {
            throw new IllegalArgumentException("eos_token_id must not be null");
        }
        for (Long id : eosTokenIds) {
            if (id == null || id < 0) {
                throw new IllegalArgumentException("eos_token_id must hold non-negative ids, got " + eosTokenIds);
            }
        }
        if (stopStrings == null) {
            throw new IllegalArgumentException("stop_strings must not be null");
        }
        for (String s : stopStrings) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop_strings must hold non-empty strings, got " + stopStrings);
            }
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        stopStrings = List.copyOf(stopStrings);
    }

    /**
     * Starts a configuration with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this configuration's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return new Builder().optMaxNewTokens(maxNewTokens).optDoSample(doSample).optTemperature(temperature)
                .optTopK(topK).optTopP(topP).optRepetitionPenalty(repetitionPenalty).optSeed(seed)
                .optEosTokenIds(eosTokenIds).optStopStrings(stopStrings).optUseCache(useCache);
    }

    /** Builds a {@link GenerationConfig}; every value is optional and validated by {@link #build()}. */
    public static final class Builder {
        private int maxNewTokens = DEFAULT_MAX_NEW_TOKENS;
        private boolean doSample;
        private float temperature = 1f;
        private int topK = DEFAULT_TOP_K;
        private float topP = 1f;
        private float repetitionPenalty = 1f;
        private long seed;
        private List<Long> eosTokenIds = List.of();
        private List<String> stopStrings = List.of();
        private boolean useCache = true;

        private Builder() {}

        /**
         * Sets {@code max_new_tokens} (default 20).
         *
         * @param value the most new tokens per row
         * @return this builder
         */
        public Builder optMaxNewTokens(int value) {
            maxNewTokens = value;
            return this;
        }

        /**
         * Sets {@code do_sample} (default false: greedy).
         *
         * @param value whether to sample
         * @return this builder
         */
        public Builder optDoSample(boolean value) {
            doSample = value;
            return this;
        }

        /**
         * Sets {@code temperature} (default 1.0).
         *
         * @param value the temperature
         * @return this builder
         */
        public Builder optTemperature(float value) {
            temperature = value;
            return this;
        }

        /**
         * Sets {@code top_k} (default 50; 0 disables it).
         *
         * @param value k
         * @return this builder
         */
        public Builder optTopK(int value) {
            topK = value;
            return this;
        }

        /**
         * Sets {@code top_p} (default 1.0, which disables it).
         *
         * @param value the nucleus mass
         * @return this builder
         */
        public Builder optTopP(float value) {
            topP = value;
            return this;
        }

        /**
         * Sets {@code repetition_penalty} (default 1.0, which disables it).
         *
         * @param value the penalty
         * @return this builder
         */
        public Builder optRepetitionPenalty(float value) {
            repetitionPenalty = value;
            return this;
        }

        /**
         * Sets the sampling seed (default 0).
         *
         * @param value the seed
         * @return this builder
         */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /**
         * Sets {@code eos_token_id} (default none: only the length stops a row).
         *
         * @param value the ids that end a row, such as {@link QwenTokenizer#eosTokenIds()}
         * @return this builder
         */
        public Builder optEosTokenIds(List<? extends Number> value) {
            eosTokenIds = value == null ? null : value.stream().map(n -> n == null ? null : n.longValue()).toList();
            return this;
        }

        /**
         * Sets {@code stop_strings} (default none).
         *
         * @param value the strings that end a row
         * @return this builder
         */
        public Builder optStopStrings(List<String> value) {
            stopStrings = value;
            return this;
        }

        /**
         * Sets {@code use_cache} (default true).
         *
         * @param value whether to decode with the key/value cache
         * @return this builder
         */
        public Builder optUseCache(boolean value) {
            useCache = value;
            return this;
        }

        /**
         * Validates and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the field when a value is invalid
         */
        public GenerationConfig build() {
            return new GenerationConfig(maxNewTokens, doSample, temperature, topK, topP, repetitionPenalty, seed,
                    eosTokenIds, stopStrings, useCache);
        }
    }
}
