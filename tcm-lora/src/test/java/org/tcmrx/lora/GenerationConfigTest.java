package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("GenerationConfig, LogitsProcessor and the sampling warpers")
class GenerationConfigTest {
    @Nested
    @DisplayName("config")
    class Config {
        @Test
        @DisplayName("defaults are Hugging Face's; toBuilder round-trips")
        void defaults() {
            GenerationConfig c = GenerationConfig.builder().build();
            assertThat(c).isEqualTo(new GenerationConfig(20, false, 1f, 50, 1f, 1f, 0, List.of(), List.of(), true));
            GenerationConfig custom = c.toBuilder().optDoSample(true).optTopP(0.9f).optEosTokenIds(List.of(7, 9))
                    .optStopStrings(List.of("\n\n")).optUseCache(false).build();
            assertThat(custom.toBuilder().build()).isEqualTo(custom);
            assertThat(custom.eosTokenIds()).containsExactly(7L, 9L);
        }

        @Test
        @DisplayName("rejects invalid values, naming the field")
        void errors() {
            assertError(b -> b.optMaxNewTokens(-1), "max_new_tokens must not be negative, got -1");
            assertError(b -> b.optTemperature(0f), "temperature must be a finite positive number, got 0.0");
            assertError(b -> b.optTemperature(Float.NaN), "temperature must be a finite positive number, got NaN");
            assertError(b -> b.optTopK(-2), "top_k must not be negative (0 keeps every token), got -2");
            assertError(b -> b.optTopP(0f), "top_p must be in (0, 1], got 0.0");
            assertError(b -> b.optTopP(1.5f), "top_p must be in (0, 1], got 1.5");
            assertError(b -> b.optRepetitionPenalty(-1f),
                    "repetition_penalty must be a finite positive number, got -1.0");
            assertError(b -> b.optEosTokenIds(null), "eos_token_id must not be null");
            assertError(b -> b.optEosTokenIds(List.of(-3)), "eos_token_id must hold non-negative ids, got [-3]");
            assertError(b -> b.optStopStrings(List.of("")), "stop_strings must hold non-empty strings, got []");
            assertError(b -> b.optStopStrings(null), "stop_strings must not be null");
        }

        private void assertError(java.util.function.UnaryOperator<GenerationConfig.Builder> change, String message) {
            assertThatThrownBy(() -> change.apply(GenerationConfig.builder()).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        }
    }

    @Nested
    @DisplayName("processors")
    class Processors {
        @Test
        @DisplayName("repetition penalty divides positive and multiplies negative logits of seen tokens, once each")
        void repetitionPenalty() {
            float[] logits = {2f, -1f, 3f, 0.5f, -4f};
            LogitsProcessor.repetitionPenalty(2f).process(new long[] {0, 1, 1}, new long[] {4, 0}, logits);
            assertThat(logits).containsExactly(1f, -2f, 3f, 0.5f, -8f);
            assertThatThrownBy(() -> LogitsProcessor.repetitionPenalty(0f))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("repetition_penalty must be a finite positive number, got 0.0");
        }

        @Test
        @DisplayName("andThen runs processors in order")
        void compose() {
            float[] logits = {1f, 1f};
            LogitsProcessor add = (p, g, l) -> l[0] += 1f;
            LogitsProcessor twice = (p, g, l) -> l[0] *= 2f;
            add.andThen(twice).process(new long[0], new long[0], logits);
            assertThat(logits[0]).isEqualTo(4f);
            assertThatThrownBy(() -> add.andThen(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("next must not be null");
        }
    }

    @Nested
    @DisplayName("warpers")
    class Warpers {
        private final float inf = Float.NEGATIVE_INFINITY;

        @Test
        @DisplayName("temperature divides; top-k keeps ties with the k-th; 0 and k >= V keep all")
        void temperatureAndTopK() {
            float[] logits = {1f, 4f, 2f, 2f, 0f};
            Sampling.temperature(logits, 2f);
            assertThat(logits).containsExactly(0.5f, 2f, 1f, 1f, 0f);
            float[] k = {1f, 4f, 2f, 2f, 0f};
            Sampling.topK(k, 2);
            assertThat(k).containsExactly(inf, 4f, 2f, 2f, inf);
            float[] all = {1f, 2f};
            Sampling.topK(all, 0);
            Sampling.topK(all, 5);
            assertThat(all).containsExactly(1f, 2f);
        }

        @Test
        @DisplayName("top-p keeps the smallest most-likely set reaching p, at least the top token")
        void topP() {
            // probabilities 0.5, 0.25, 0.125, 0.125
            float[] logits = {(float) Math.log(4), (float) Math.log(2), 0f, 0f};
            float[] p = logits.clone();
            Sampling.topP(p, 0.7f);
            assertThat(p).containsExactly(logits[0], logits[1], inf, inf);
            float[] exact = logits.clone();
            Sampling.topP(exact, 0.75f); // 1 - 0.75 = 0.25 = the two least likely: removed, as Hugging Face's <=
            assertThat(exact).containsExactly(logits[0], logits[1], inf, inf);
            float[] tiny = logits.clone();
            Sampling.topP(tiny, 1e-6f);
            assertThat(tiny).containsExactly(logits[0], inf, inf, inf);
            float[] one = logits.clone();
            Sampling.topP(one, 1f);
            assertThat(one).containsExactly(logits);
        }

        @Test
        @DisplayName("sampling follows the softmax, never picks a masked token, and argmax takes the first maximum")
        void sampleAndArgmax() {
            float[] logits = {0f, inf, (float) Math.log(3)};
            int[] counts = new int[3];
            Random random = new Random(1);
            for (int i = 0; i < 4000; i++) {
                counts[Sampling.sample(logits, random)]++;
            }
            assertThat(counts[1]).isZero();
            assertThat(counts[2] / 4000.0).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.03));
            assertThat(Sampling.argmax(new float[] {1f, 3f, 3f})).isEqualTo(1);
            float[] masked = new float[3];
            Arrays.fill(masked, inf);
            assertThatThrownBy(() -> Sampling.sample(masked, new Random(0))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("every token is masked; no token can be sampled");
        }
    }
}
