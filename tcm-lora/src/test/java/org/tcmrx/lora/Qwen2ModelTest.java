package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.lora.Qwen2Fixtures.columns;
import static org.tcmrx.lora.Qwen2Fixtures.longs;
import static org.tcmrx.lora.Qwen2Fixtures.maxAbsDiff;
import static org.tcmrx.lora.Qwen2Fixtures.positions;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.safetensors.SafetensorsFile;

@DisplayName("Qwen2Model on qwen2-tiny-A")
class Qwen2ModelTest {
    private static final Logger LOG = LoggerFactory.getLogger(Qwen2ModelTest.class);

    private static Path fixture;
    private static Qwen2Model model;
    private static SafetensorsFile expected;
    private static NDManager base;
    private static int vocab;

    @BeforeAll
    static void load() throws IOException {
        fixture = Qwen2Fixtures.qwen2TinyA();
        model = Qwen2Model.load(fixture, Device.cpu());
        expected = SafetensorsFile.open(fixture.resolve("expected.safetensors"));
        base = NDManager.newBaseManager(Device.cpu());
        vocab = model.config().vocabSize();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
            expected.close();
            base.close();
        }
    }

    /** The logits of the fixture's batch. */
    private static float[] batchLogits(Qwen2Model m, NDManager scope) throws IOException {
        return m.forward(longs(scope, expected, "input_ids"), longs(scope, expected, "attention_mask"))
                .toFloatArray();
    }

    /** Runs greedy decoding of the fixture's prompt, collecting each step's logits into one [steps * V] array. */
    private static long[] greedy(Qwen2Model m, NDManager scope, float[] stepLogits) throws IOException {
        int steps = stepLogits.length / vocab;
        long[][] ids = m.greedy(longs(scope, expected, "greedy_prompt_ids"), steps,
                (step, logits) -> System.arraycopy(logits.toFloatArray(), 0, stepLogits, step * vocab, vocab));
        return ids[0];
    }

    @Nested
    @DisplayName("matches Hugging Face")
    class Golden {
        @Test
        @DisplayName("logits within 1e-4 at real tokens")
        void logits() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray out = model.forward(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"));
                boolean[] real = positions(expected.longs("attention_mask"), v -> v == 1, vocab);
                float diff = maxAbsDiff(out.toFloatArray(), expected.floats("logits"), real);
                LOG.info("logits: max |diff| {} at real tokens, {} everywhere", diff,
                        maxAbsDiff(out.toFloatArray(), expected.floats("logits"), null));
                assertThat(out.getShape().getShape()).containsExactly(2, 12, vocab);
                assertThat(out.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("last_hidden_state within 1e-4 at real tokens")
        void hiddenStates() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray hidden = model.hiddenStates(longs(m, expected, "input_ids"),
                        longs(m, expected, "attention_mask"));
                int c = model.config().hiddenSize();
                boolean[] real = positions(expected.longs("attention_mask"), v -> v == 1, c);
                float diff = maxAbsDiff(hidden.toFloatArray(), expected.floats("last_hidden_state"), real);
                LOG.info("last_hidden_state: max |diff| {} at real tokens", diff);
                assertThat(hidden.getShape().getShape()).containsExactly(2, 12, c);
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("causal-LM loss within 1e-5")
        void loss() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray out = model.forward(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"));
                float loss = CausalLmLoss.lossValue(out, longs(m, expected, "labels"));
                float want = expected.floats("loss")[0];
                LOG.info("loss {} vs {} (|diff| {})", loss, want, Math.abs(loss - want));
                assertThat(Math.abs(loss - want)).isLessThanOrEqualTo(1e-5f);
            }
        }

        @Test
        @DisplayName("greedy ids exactly and greedy logits within 1e-4, through the KV cache")
        void greedyDecoding() throws IOException {
            try (NDManager m = base.newSubManager()) {
                float[] stepLogits = new float[10 * vocab];
                long[] ids = greedy(model, m, stepLogits);
                float diff = maxAbsDiff(stepLogits, expected.floats("greedy_logits"), null);
                LOG.info("greedy_logits: max |diff| {}; greedy ids {}", diff, Arrays.toString(ids));
                assertThat(ids).containsExactly(expected.longs("greedy_ids"));
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("bf16 weights: logits_bf16 within 1e-4 and greedy_ids_bf16 exactly")
        void bf16() throws IOException {
            try (Qwen2Model bf16 = Qwen2Model.load(fixture.resolve("model-bf16"), Device.cpu());
                    NDManager m = base.newSubManager()) {
                boolean[] real = positions(expected.longs("attention_mask"), v -> v == 1, vocab);
                float[] got = batchLogits(bf16, m);
                float diff = maxAbsDiff(got, expected.floats("logits_bf16"), real);
                LOG.info("logits_bf16: max |diff| {} at real tokens; vs fp32 logits {}", diff,
                        maxAbsDiff(got, expected.floats("logits"), real));
                assertThat(bf16.config().torchDtype()).isEqualTo("bfloat16");
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
                assertThat(greedy(bf16, m, new float[10 * vocab])).containsExactly(expected.longs("greedy_ids_bf16"));
            }
        }

        @Test
        @DisplayName("sharded checkpoint: logits within 1e-4")
        void sharded() throws IOException {
            try (Qwen2Model sharded = Qwen2Model.load(fixture.resolve("model-sharded"), Device.cpu());
                    NDManager m = base.newSubManager()) {
                boolean[] real = positions(expected.longs("attention_mask"), v -> v == 1, vocab);
                assertThat(maxAbsDiff(batchLogits(sharded, m), expected.floats("logits"), real))
                        .isLessThanOrEqualTo(1e-4f);
                assertThat(sharded.parameters().keySet()).containsExactlyElementsOf(model.parameters().keySet());
            }
        }
    }

    @Nested
    @DisplayName("decoding")
    class Decoding {
        @Test
        @DisplayName("cached decoding, token by token or after a prefix, equals a full forward, padding included")
        void cacheEqualsFull() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray ids = longs(m, expected, "input_ids");
                NDArray mask = longs(m, expected, "attention_mask");
                float[] full = model.forward(ids, mask).toFloatArray();
                float[] fullHidden = model.hiddenStates(ids, mask).toFloatArray();
                for (int prefix : new int[] {1, 5}) {
                    List<NDArray> parts = new ArrayList<>();
                    try (Qwen2Cache cache = model.newCache(m)) {
                        parts.add(model.forward(ids.get(":, 0:" + prefix), mask.get(":, 0:" + prefix), cache));
                        for (int t = prefix; t < 12; t++) {
                            parts.add(model.forward(ids.get(":, " + t + ":" + (t + 1)), mask.get(":, 0:" + (t + 1)),
                                    cache));
                        }
                        assertThat(cache.length()).isEqualTo(12);
                    }
                    float[] cached = concat(parts);
                    float diff = maxAbsDiff(cached, full, null);
                    LOG.info("cached (prefix {}) vs full forward: max |diff| {}", prefix, diff);
                    assertThat(diff).isLessThanOrEqualTo(1e-5f);
                }
                try (Qwen2Cache cache = model.newCache(m)) {
                    List<NDArray> parts = new ArrayList<>();
                    parts.add(model.hiddenStates(ids.get(":, 0:7"), mask.get(":, 0:7"), cache));
                    parts.add(model.hiddenStates(ids.get(":, 7:12"), mask, cache));
                    assertThat(maxAbsDiff(concat(parts), fullHidden, null)).isLessThanOrEqualTo(1e-5f);
                }
            }
        }

        private float[] concat(List<NDArray> parts) {
            NDArray all = parts.get(0);
            for (NDArray part : parts.subList(1, parts.size())) {
                all = all.concat(part, 1);
            }
            return all.toFloatArray();
        }

        @Test
        @DisplayName("is causal: a later token changes no earlier logit")
        void causal() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray mask = longs(m, expected, "attention_mask");
                long[] ids = expected.longs("input_ids");
                float[] before = model.forward(longs(m, ids, 2), mask).toFloatArray();
                ids[5] = ids[5] == 7 ? 8 : 7; // row 0, position 5
                ids[12 + 5] = ids[12 + 5] == 7 ? 8 : 7; // row 1, position 5 (a real token)
                float[] after = model.forward(longs(m, ids, 2), mask).toFloatArray();
                long[] column = columns(2, 12);
                assertThat(maxAbsDiff(after, before, positions(column, t -> t < 5, vocab))).isEqualTo(0f);
                assertThat(maxAbsDiff(after, before, positions(column, t -> t >= 5, vocab))).isGreaterThan(1e-3f);
            }
        }

        @Test
        @DisplayName("ignores padded tokens at every real position")
        void padding() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray mask = longs(m, expected, "attention_mask");
                long[] maskValues = expected.longs("attention_mask");
                long[] ids = expected.longs("input_ids");
                float[] before = model.forward(longs(m, ids, 2), mask).toFloatArray();
                for (int i = 0; i < ids.length; i++) {
                    if (maskValues[i] == 0) {
                        ids[i] = 17 + i;
                    }
                }
                float[] after = model.forward(longs(m, ids, 2), mask).toFloatArray();
                assertThat(maxAbsDiff(after, before, positions(maskValues, v -> v == 1, vocab)))
                        .isLessThanOrEqualTo(1e-6f);
                assertThat(maxAbsDiff(after, before, null)).as("padded positions do change").isGreaterThan(1e-3f);
            }
        }

        @Test
        @DisplayName("a null mask is an all-ones mask")
        void nullMask() throws IOException {
            try (NDManager m = base.newSubManager()) {
                long[] prompt = expected.longs("greedy_prompt_ids");
                float[] ones = model.forward(longs(m, prompt, 1), longs(m, new long[prompt.length], 1).add(1))
                        .toFloatArray();
                assertThat(model.forward(longs(m, prompt, 1), null).toFloatArray()).containsExactly(ones);
            }
        }

        @Test
        @DisplayName("greedy decodes a batch row by row: row 0 of [prompt; other] gives greedy_ids")
        void batchedGreedy() throws IOException {
            try (NDManager m = base.newSubManager()) {
                long[] prompt = expected.longs("greedy_prompt_ids");
                long[] batch = new long[2 * prompt.length];
                System.arraycopy(prompt, 0, batch, 0, prompt.length);
                for (int i = 0; i < prompt.length; i++) {
                    batch[prompt.length + i] = prompt[prompt.length - 1 - i];
                }
                long[][] ids = model.greedy(longs(m, batch, 2), 10, null);
                assertThat(ids[0]).containsExactly(expected.longs("greedy_ids"));
                assertThat(ids[1]).hasSize(10);
                assertThat(model.greedy(longs(m, prompt, 1), 0, null)[0]).isEmpty();
            }
        }

        @Test
        @DisplayName("rejects bad shapes, types and caches, naming them")
        void arguments() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray ids = longs(m, expected, "input_ids");
                NDArray mask = longs(m, expected, "attention_mask");
                assertThatThrownBy(() -> model.forward(ids.toType(DataType.FLOAT32, false), mask))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("inputIds must be a non-empty [B, T] int64 or int32 array, got float32 (2, 12)");
                assertThatThrownBy(() -> model.forward(ids, mask.get(":, 0:11")))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("attentionMask must have shape (2, 12) (the batch, and the 0 cached and 12 new "
                                + "positions), got (2, 11)");
                assertThatThrownBy(() -> model.greedy(ids, -1, null)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("maxNewTokens must not be negative, got -1");
                try (Qwen2Cache cache = model.newCache(m)) {
                    model.forward(ids, mask, cache);
                    assertThatThrownBy(() -> model.forward(ids.get("0:1, 0:1"), null, cache))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("the cache holds a batch of 2, inputIds has 1");
                    assertThatThrownBy(() -> model.forward(ids.get(":, 0:1"), mask, cache))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("attentionMask must have shape (2, 13) (the batch, and the 12 cached and 1 "
                                    + "new positions), got (2, 12)");
                }
            }
        }
    }

    @Nested
    @DisplayName("memory")
    class Memory {
        @Test
        @DisplayName("forwards, losses, cached decoding and greedy runs in per-step managers leave no array behind")
        void noLeak() throws IOException {
            NDManager weights = model.parameters().get("model.embed_tokens.weight").getManager();
            int weightsBefore = weights.getManagedArrays().size();
            int baseBefore = base.getManagedArrays().size();
            long[] ids = expected.longs("input_ids");
            long[] mask = expected.longs("attention_mask");
            long[] labels = expected.longs("labels");
            for (int step = 0; step < 40; step++) {
                try (NDManager m = base.newSubManager()) {
                    NDArray logits = model.forward(longs(m, ids, 2), longs(m, mask, 2));
                    CausalLmLoss.lossValue(logits, longs(m, labels, 2));
                    model.hiddenStates(longs(m, ids, 2), null);
                    if (step == 0) {
                        // The three inputs, the logits, the second input and the hidden states; nothing else.
                        assertThat(m.getManagedArrays()).hasSize(6);
                    }
                }
            }
            try (NDManager m = base.newSubManager()) {
                model.greedy(longs(m, ids, 2), 5, null);
                assertThat(m.getManagedArrays()).hasSize(1);
                try (Qwen2Cache cache = model.newCache(m)) {
                    model.forward(longs(m, ids, 2), null, cache);
                    model.forward(longs(m, new long[] {1, 2}, 2), null, cache);
                }
                assertThat(m.getManagedArrays()).hasSize(5);
            }
            assertThat(weights.getManagedArrays()).hasSize(weightsBefore);
            assertThat(base.getManagedArrays()).hasSize(baseBefore);
        }
    }
}
