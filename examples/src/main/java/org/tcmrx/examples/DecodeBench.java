package org.tcmrx.examples;

import java.util.Arrays;
import java.util.Random;
import org.tcmrx.lora.GenerationConfig;
import org.tcmrx.lora.Generator;
import org.tcmrx.lora.Qwen2Model;

/**
 * Greedy decoding speed at batch 1 through {@link Generator}, with the key/value cache ({@code use_cache=True}) and
 * without it (every step recomputes the prompt and all tokens so far). No EOS is set, so every run emits exactly the
 * tokens asked for; only the last position's logits are computed at each step in both modes.
 */
final class DecodeBench {
    /** Prompt length in tokens: a short instruction. */
    static final int PROMPT_TOKENS = 16;

    private DecodeBench() {}

    /**
     * Both modes' throughput.
     *
     * @param promptTokens the prompt length
     * @param newTokens the tokens generated per run
     * @param cachedTokensPerSecond new tokens per second with the cache
     * @param uncachedTokensPerSecond new tokens per second recomputing everything
     * @param sameTokens whether both modes chose the same tokens (they should, up to float rounding of ties)
     */
    record Result(int promptTokens, int newTokens, double cachedTokensPerSecond, double uncachedTokensPerSecond,
            boolean sameTokens) {
        /** How many times faster the cache decodes. */
        double speedUp() {
            return cachedTokensPerSecond / uncachedTokensPerSecond;
        }
    }

    /**
     * Times one generation per mode, each after a short warm-up generation in the same mode.
     *
     * @param model the model, on its device
     * @param newTokens the tokens to generate, at least 1
     * @param seed draws the prompt's ids
     * @return the throughputs
     */
    static Result measure(Qwen2Model model, int newTokens, long seed) {
        Random random = new Random(seed);
        long[] prompt = new long[PROMPT_TOKENS];
        Arrays.setAll(prompt, i -> random.nextInt(model.config().vocabSize()));
        Generator generator = new Generator(model, null);
        GenerationConfig cached = GenerationConfig.builder().optMaxNewTokens(newTokens).build();
        GenerationConfig uncached = cached.toBuilder().optUseCache(false).build();
        long[][] ids = new long[2][];
        double[] tokensPerSecond = new double[2];
        GenerationConfig[] modes = {cached, uncached};
        for (int mode = 0; mode < 2; mode++) {
            generator.generate(prompt, modes[mode].toBuilder().optMaxNewTokens(Math.min(4, newTokens)).build());
            long t0 = System.nanoTime();
            ids[mode] = generator.generate(prompt, modes[mode]).ids();
            tokensPerSecond[mode] = newTokens / ((System.nanoTime() - t0) / 1e9);
        }
        return new Result(PROMPT_TOKENS, newTokens, tokensPerSecond[0], tokensPerSecond[1],
                Arrays.equals(ids[0], ids[1]));
    }
}
