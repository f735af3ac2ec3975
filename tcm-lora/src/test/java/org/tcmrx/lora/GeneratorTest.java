package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.safetensors.SafetensorsFile;

@DisplayName("Generator on qwen2-tiny-A")
class GeneratorTest {
    private static Qwen2Model model;
    private static long[] prompt;
    private static long[] greedyIds;
    private static long[] shortPrompt;
    private static Generator generator;

    @BeforeAll
    static void load() throws IOException {
        Path fixture = Qwen2Fixtures.qwen2TinyA();
        model = Qwen2Model.load(fixture, Device.cpu());
        try (SafetensorsFile expected = SafetensorsFile.open(fixture.resolve("expected.safetensors"))) {
            prompt = expected.longs("greedy_prompt_ids");
            greedyIds = expected.longs("greedy_ids");
            shortPrompt = Arrays.copyOfRange(expected.longs("input_ids"), 12, 12 + 7); // row 1's real tokens
        }
        generator = new Generator(model, null);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static GenerationConfig.Builder config(int maxNewTokens) {
        return GenerationConfig.builder().optMaxNewTokens(maxNewTokens);
    }

    private static GenerationConfig sampling(long seed) {
        return config(10).optDoSample(true).optTemperature(1.5f).optTopK(0).optSeed(seed).build();
    }

    @Nested
    @DisplayName("greedy")
    class Greedy {
        @Test
        @DisplayName("gives the fixture's greedy_ids and Qwen2Model.greedy's tokens, stopping at max_new_tokens")
        void goldenGreedy() {
            GenerationResult result = generator.generate(prompt, config(10).build());
            assertThat(result.ids()).containsExactly(greedyIds);
            assertThat(result.stopReason()).isEqualTo(GenerationResult.StopReason.MAX_TOKENS);
            assertThat(result.text()).isNull();
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                long[][] both = model.greedy(Qwen2Fixtures.longs(m, concat(shortPrompt, shortPrompt), 2), 6, null);
                assertThat(generator.generate(shortPrompt, config(6).build()).ids()).containsExactly(both[0]);
            }
            assertThat(generator.generate(prompt, config(0).build()).ids()).isEmpty();
        }

        @Test
        @DisplayName("sampling with top_k = 1 or a tiny top_p is greedy")
        void degenerateSampling() {
            GenerationConfig topK = config(10).optDoSample(true).optTopK(1).optTemperature(3f).optSeed(5).build();
            assertThat(generator.generate(prompt, topK).ids()).containsExactly(greedyIds);
            GenerationConfig topP = config(10).optDoSample(true).optTopK(0).optTopP(1e-6f).optSeed(5).build();
            assertThat(generator.generate(prompt, topP).ids()).containsExactly(greedyIds);
        }

        @Test
        @DisplayName("a greedy config ignores temperature, top_k and top_p")
        void greedyIgnoresWarpers() {
            GenerationConfig c = config(10).optTemperature(0.1f).optTopK(3).optTopP(0.5f).build();
            assertThat(generator.generate(prompt, c).ids()).containsExactly(greedyIds);
        }
    }

    @Nested
    @DisplayName("sampling")
    class Sampled {
        @Test
        @DisplayName("a seed reproduces the tokens; other seeds give other tokens")
        void seeds() {
            long[] first = generator.generate(prompt, sampling(42)).ids();
            assertThat(generator.generate(prompt, sampling(42)).ids()).containsExactly(first);
            Set<String> outputs = new HashSet<>();
            for (long seed = 0; seed < 5; seed++) {
                outputs.add(Arrays.toString(generator.generate(prompt, sampling(seed)).ids()));
            }
            assertThat(outputs).hasSizeGreaterThan(1);
            assertThat(first).hasSize(10).isNotEqualTo(greedyIds);
        }

        @Test
        @DisplayName("the cache gives the tokens of recomputing the whole sequence, padded batch included")
        void cacheEqualsRecompute() {
            List<long[]> prompts = List.of(prompt, shortPrompt);
            for (GenerationConfig c : List.of(config(8).build(), sampling(7))) {
                try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                    List<GenerationResult> cached = generator.generate(prompts, c, null, null, m);
                    List<GenerationResult> full = generator.generate(prompts, c.toBuilder().optUseCache(false).build(),
                            null, null, m);
                    assertThat(cached).isEqualTo(full);
                }
            }
        }

        @Test
        @DisplayName("the repetition penalty changes the greedy tokens, which then repeat less")
        void repetitionPenalty() {
            GenerationConfig c = config(10).optRepetitionPenalty(100f).build();
            long[] ids = generator.generate(prompt, c).ids();
            Set<Long> seen = new HashSet<>();
            for (long id : prompt) {
                seen.add(id);
            }
            for (long id : ids) {
                assertThat(seen.add(id)).as("token %d repeated despite a huge penalty", id).isTrue();
            }
        }
    }

    @Nested
    @DisplayName("stops")
    class Stops {
        @Test
        @DisplayName("at the first EOS id, keeping it")
        void eos() {
            GenerationConfig c = config(10).optEosTokenIds(List.of(greedyIds[3], 100_000L)).build();
            GenerationResult result = generator.generate(prompt, c);
            int first = 0;
            while (greedyIds[first] != greedyIds[3]) {
                first++;
            }
            assertThat(result.ids()).containsExactly(Arrays.copyOf(greedyIds, first + 1));
            assertThat(result.stopReason()).isEqualTo(GenerationResult.StopReason.EOS);
        }

        @Test
        @DisplayName("once the decoded text contains a stop string, and decodes the ids")
        void stopString() throws IOException {
            try (QwenTokenizer tokenizer = QwenTokenizer.load(tokenizerFile())) {
                Generator withText = new Generator(model, tokenizer);
                GenerationResult all = withText.generate(prompt, config(10).build());
                assertThat(all.text()).isEqualTo(tokenizer.decode(greedyIds, true));
                String upToFive = tokenizer.decode(Arrays.copyOf(greedyIds, 5), true);
                String stop = upToFive.substring(upToFive.length() - 1);
                int firstWith = 1;
                while (!tokenizer.decode(Arrays.copyOf(greedyIds, firstWith), true).contains(stop)) {
                    firstWith++;
                }
                GenerationResult stopped = withText.generate(prompt, config(10).optStopStrings(List.of(stop)).build());
                assertThat(stopped.stopReason()).isEqualTo(GenerationResult.StopReason.STOP_STRING);
                assertThat(stopped.ids()).containsExactly(Arrays.copyOf(greedyIds, firstWith));
                assertThat(stopped.text()).contains(stop);
            }
        }
    }

    @Nested
    @DisplayName("batches")
    class Batches {
        @Test
        @DisplayName("a left-padded row gives the tokens of its prompt alone, greedy and sampled")
        void leftPadding() {
            List<GenerationResult> batch = generator.generate(List.of(prompt, shortPrompt), config(10).build(), null,
                    null);
            assertThat(batch.get(0).ids()).containsExactly(greedyIds);
            assertThat(batch.get(1).ids()).containsExactly(generator.generate(shortPrompt, config(10).build()).ids());
            // top_k = 1 samples draw from the Random yet are argmax: the row alone and in the batch agree.
            GenerationConfig topOne = config(10).optDoSample(true).optTopK(1).optSeed(3).build();
            List<GenerationResult> sampled = generator.generate(List.of(shortPrompt, prompt), topOne, null, null);
            assertThat(sampled.get(0).ids()).containsExactly(batch.get(1).ids());
        }

        @Test
        @DisplayName("rows stop on their own; the others go on")
        void rowsStopApart() {
            long[] alone = generator.generate(shortPrompt, config(10).build()).ids();
            GenerationConfig c = config(10).optEosTokenIds(List.of(greedyIds[0])).build();
            List<GenerationResult> batch = generator.generate(List.of(prompt, shortPrompt), c, null, null);
            assertThat(batch.get(0).ids()).containsExactly(greedyIds[0]);
            assertThat(batch.get(0).stopReason()).isEqualTo(GenerationResult.StopReason.EOS);
            int cut = 0;
            while (cut < alone.length && alone[cut] != greedyIds[0]) {
                cut++;
            }
            assertThat(batch.get(1).ids()).containsExactly(Arrays.copyOf(alone, Math.min(cut + 1, alone.length)));
        }

        @Test
        @DisplayName("streams every row's tokens in step order, then row order, matching the results")
        void streaming() {
            List<String> events = new ArrayList<>();
            List<GenerationResult> results = generator.generate(List.of(prompt, shortPrompt), config(3).build(), null,
                    (row, token, text) -> events.add(row + ":" + token + ":" + text));
            List<String> expected = new ArrayList<>();
            for (int step = 0; step < 3; step++) {
                for (int row = 0; row < 2; row++) {
                    expected.add(row + ":" + results.get(row).ids()[step] + ":null");
                }
            }
            assertThat(events).containsExactlyElementsOf(expected);
        }

        @Test
        @DisplayName("with a tokenizer, the streamed text adds up to the result's text")
        void streamingText() throws IOException {
            try (QwenTokenizer tokenizer = QwenTokenizer.load(tokenizerFile())) {
                StringBuilder streamed = new StringBuilder();
                List<GenerationResult> results = new Generator(model, tokenizer).generate(List.of(prompt),
                        config(10).build(), null, (row, token, text) -> streamed.append(text));
                assertThat(streamed.toString()).isEqualTo(results.get(0).text());
            }
        }

        @Test
        @DisplayName("a LogitsProcessor masks tokens in every step")
        void processor() {
            LogitsProcessor banFirst = (p, g, logits) -> logits[(int) greedyIds[0]] = Float.NEGATIVE_INFINITY;
            long[] ids = generator.generate(List.of(prompt), config(10).build(), banFirst, null).get(0).ids();
            assertThat(ids).doesNotContain(greedyIds[0]);
        }
    }

    @Nested
    @DisplayName("memory and arguments")
    class MemoryAndArguments {
        @Test
        @DisplayName("no array accumulates across steps, and none is left after a call")
        void noLeak() {
            int weightsBefore = model.parameters().get("model.embed_tokens.weight").getManager().getManagedArrays()
                    .size();
            try (NDManager parent = NDManager.newBaseManager(Device.cpu())) {
                List<Integer> counts = new ArrayList<>();
                generator.generate(List.of(prompt, shortPrompt), sampling(1).toBuilder().optMaxNewTokens(12).build(),
                        null, (row, token, text) -> counts.add(parent.getManagedArrays().size()), parent);
                // Between steps only the cache's keys and values live: 2 per layer.
                assertThat(counts).hasSize(24).allMatch(c -> c == 2 * model.config().numHiddenLayers());
                assertThat(parent.getManagedArrays()).isEmpty();
            }
            assertThat(model.parameters().get("model.embed_tokens.weight").getManager().getManagedArrays())
                    .hasSize(weightsBefore);
        }

        @Test
        @DisplayName("rejects bad prompts and stop strings without a tokenizer, naming them")
        void arguments() {
            GenerationConfig c = config(3).build();
            assertThatThrownBy(() -> generator.generate(List.of(), c, null, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("prompts must not be empty");
            assertThatThrownBy(() -> generator.generate(List.of(prompt, new long[0]), c, null, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("prompts[1] must not be empty");
            assertThatThrownBy(() -> generator.generate(new long[] {1, 512}, c))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prompts[0][1]: 512 is outside the vocabulary [0, 512)");
            assertThatThrownBy(() -> generator.generate(prompt, config(3).optStopStrings(List.of("x")).build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("stop_strings need a tokenizer; create the Generator with one");
        }
    }

    static Path tokenizerFile() {
        String dir = System.getProperty("tcmrx.fixtures.dir");
        assumeTrue(dir != null, "tcmrx.fixtures.dir is not set");
        Path file = Path.of(dir).resolve("qwen-tokenizer").resolve("tokenizer.json");
        assumeTrue(Files.isRegularFile(file), "no fixture at " + file);
        return file;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
