package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.bart.BartFixtures.floats;
import static org.tcmrx.bart.BartFixtures.longs;
import static org.tcmrx.bart.BartFixtures.maxAbsDiff;
import static org.tcmrx.bart.BartFixtures.positions;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.safetensors.SafetensorsFile;

@DisplayName("BartModel on bart-tiny-A")
class BartModelTest {
    private static final Logger LOG = LoggerFactory.getLogger(BartModelTest.class);

    private static BartModel model;
    private static SafetensorsFile expected;
    private static NDManager base;

    @BeforeAll
    static void load() throws IOException {
        Path dir = BartFixtures.bartTinyA();
        model = BartModel.load(dir, Device.cpu());
        expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        base = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
            expected.close();
            base.close();
        }
    }

    @Nested
    @DisplayName("matches Hugging Face")
    class Golden {
        @Test
        @DisplayName("encoder_last_hidden_state within 1e-4 at real tokens")
        void encoder() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray hidden = model.encode(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"));
                float[] want = expected.floats("encoder_last_hidden_state");
                boolean[] real = positions(expected.longs("attention_mask"), v -> v == 1, model.config().dModel());
                float diff = maxAbsDiff(hidden.toFloatArray(), want, real);
                LOG.info("encoder_last_hidden_state: max |diff| {} at real tokens, {} everywhere", diff,
                        maxAbsDiff(hidden.toFloatArray(), want, null));
                assertThat(hidden.getShape()).isEqualTo(new Shape(2, 10, 64));
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("logits within 1e-4 at labelled positions, loss within 1e-5")
        void logitsAndLoss() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray logits = model.forward(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"),
                        longs(m, expected, "decoder_input_ids"));
                float[] want = expected.floats("logits");
                boolean[] labelled = positions(expected.longs("labels"), v -> v != Seq2SeqLoss.IGNORE_INDEX,
                        model.config().vocabSize());
                float diff = maxAbsDiff(logits.toFloatArray(), want, labelled);
                float loss = Seq2SeqLoss.lossValue(logits, longs(m, expected, "labels"), 0f);
                float wantLoss = expected.floats("loss")[0];
                LOG.info("logits: max |diff| {} at labelled positions, {} everywhere; loss {} vs {} (|diff| {})",
                        diff, maxAbsDiff(logits.toFloatArray(), want, null), loss, wantLoss,
                        Math.abs(loss - wantLoss));
                assertThat(logits.getShape()).isEqualTo(new Shape(2, 8, 300));
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
                assertThat(Math.abs(loss - wantLoss)).isLessThanOrEqualTo(1e-5f);
            }
        }

        @Test
        @DisplayName("greedy ids exactly and greedy logits within 1e-4, through the KV cache")
        void greedy() throws IOException {
            try (NDManager m = base.newSubManager()) {
                List<float[]> stepLogits = new ArrayList<>();
                long[][] ids = model.greedy(longs(m, expected, "greedy_input_ids"),
                        longs(m, expected, "greedy_attention_mask"), 8,
                        (step, logits) -> stepLogits.add(logits.toFloatArray()));
                float[] got = new float[8 * 300];
                for (int i = 0; i < 8; i++) {
                    System.arraycopy(stepLogits.get(i), 0, got, i * 300, 300);
                }
                float diff = maxAbsDiff(got, expected.floats("greedy_logits"), null);
                LOG.info("greedy_logits: max |diff| {}; greedy ids {}", diff, java.util.Arrays.toString(ids[0]));
                assertThat(ids[0]).containsExactly(expected.longs("greedy_ids"));
                assertThat(diff).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("shift_tokens_right of the labels gives the decoder inputs")
        void shift() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray shifted = BartModel.shiftTokensRight(longs(m, expected, "labels"),
                        model.config().padTokenId(), model.config().decoderStartTokenId());
                assertThat(shifted.toLongArray()).containsExactly(expected.longs("decoder_input_ids"));
            }
        }
    }

    @Nested
    @DisplayName("decoder")
    class Decoder {
        @Test
        @DisplayName("cached decoding, token by token or after a prefix, equals uncached decoding")
        void cacheEqualsFull() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray mask = longs(m, expected, "attention_mask");
                NDArray enc = model.encode(longs(m, expected, "input_ids"), mask);
                NDArray dec = longs(m, expected, "decoder_input_ids");
                float[] full = model.decode(dec, enc, mask, null).toFloatArray();
                for (int prefix : new int[] {1, 3}) {
                    List<NDArray> parts = new ArrayList<>();
                    try (BartCache cache = model.newCache(m)) {
                        parts.add(model.decode(dec.get(":, 0:" + prefix), enc, mask, cache));
                        for (int t = prefix; t < 8; t++) {
                            parts.add(model.decode(dec.get(":, " + t + ":" + (t + 1)), enc, mask, cache));
                        }
                        assertThat(cache.length()).isEqualTo(8);
                    }
                    float[] cached = NDArrays.concat(new ai.djl.ndarray.NDList(parts), 1).toFloatArray();
                    float diff = maxAbsDiff(cached, full, null);
                    LOG.info("cached (prefix {}) vs uncached decode: max |diff| {}", prefix, diff);
                    assertThat(diff).isLessThanOrEqualTo(1e-5f);
                }
            }
        }

        @Test
        @DisplayName("is causal: a later decoder token changes no earlier logit")
        void causal() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray ids = longs(m, expected, "input_ids");
                NDArray mask = longs(m, expected, "attention_mask");
                long[] dec = expected.longs("decoder_input_ids");
                float[] before = model.forward(ids, mask, m.create(dec, new Shape(2, 8))).toFloatArray();
                dec[5] = dec[5] == 7 ? 8 : 7; // row 0, position 5
                dec[8 + 5] = dec[8 + 5] == 7 ? 8 : 7; // row 1, position 5
                float[] after = model.forward(ids, mask, m.create(dec, new Shape(2, 8))).toFloatArray();
                long[] position = new long[16];
                for (int i = 0; i < 16; i++) {
                    position[i] = i % 8;
                }
                assertThat(maxAbsDiff(after, before, positions(position, t -> t < 5, 300))).isEqualTo(0f);
                assertThat(maxAbsDiff(after, before, positions(position, t -> t >= 5, 300))).isGreaterThan(1e-3f);
            }
        }

        @Test
        @DisplayName("ignores padded encoder tokens")
        void padding() throws IOException {
            try (NDManager m = base.newSubManager()) {
                NDArray mask = longs(m, expected, "attention_mask");
                NDArray dec = longs(m, expected, "decoder_input_ids");
                long[] ids = expected.longs("input_ids");
                long[] maskValues = expected.longs("attention_mask");
                float[] before = model.forward(m.create(ids, new Shape(2, 10)), mask, dec).toFloatArray();
                float[] encBefore = model.encode(m.create(ids, new Shape(2, 10)), mask).toFloatArray();
                for (int i = 0; i < ids.length; i++) {
                    if (maskValues[i] == 0) {
                        ids[i] = 17 + i;
                    }
                }
                float[] after = model.forward(m.create(ids, new Shape(2, 10)), mask, dec).toFloatArray();
                float[] encAfter = model.encode(m.create(ids, new Shape(2, 10)), mask).toFloatArray();
                boolean[] labelled = positions(expected.longs("labels"), v -> v != Seq2SeqLoss.IGNORE_INDEX, 300);
                assertThat(maxAbsDiff(after, before, labelled)).isLessThanOrEqualTo(1e-6f);
                assertThat(maxAbsDiff(encAfter, encBefore, positions(maskValues, v -> v == 1, 64)))
                        .isLessThanOrEqualTo(1e-6f);
                assertThat(maxAbsDiff(encAfter, encBefore, null)).as("padded positions do change").isGreaterThan(0f);
            }
        }
    }

    @Nested
    @DisplayName("dropout")
    class DropoutMode {
        private float[] logits(NDManager m, boolean training) throws IOException {
            return model.forward(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"),
                    longs(m, expected, "decoder_input_ids"), training).toFloatArray();
        }

        @Test
        @DisplayName("inference mode ignores the configured rates; training mode applies them")
        void trainingDiffersFromInference() throws IOException {
            try (NDManager m = base.newSubManager()) {
                float[] eval = logits(m, false);
                assertThat(eval).containsExactly(model.forward(longs(m, expected, "input_ids"),
                        longs(m, expected, "attention_mask"), longs(m, expected, "decoder_input_ids"))
                        .toFloatArray());
                m.getEngine().setRandomSeed(7);
                assertThat(maxAbsDiff(logits(m, true), eval, null)).isGreaterThan(1e-3f);
            }
        }

        @Test
        @DisplayName("the engine seed fixes the masks")
        void seeded() throws IOException {
            try (NDManager m = base.newSubManager()) {
                m.getEngine().setRandomSeed(11);
                float[] first = logits(m, true);
                m.getEngine().setRandomSeed(11);
                float[] again = logits(m, true);
                m.getEngine().setRandomSeed(12);
                float[] other = logits(m, true);
                assertThat(again).containsExactly(first);
                assertThat(maxAbsDiff(other, first, null)).isGreaterThan(1e-3f);
            }
        }

        @Test
        @DisplayName("at rate 0 training mode equals inference mode")
        void zeroRates() throws IOException {
            BartConfig none = model.config().toBuilder().optDropout(0).optAttentionDropout(0)
                    .optActivationDropout(0).build();
            try (BartModel plain = BartModel.init(none, 3, Device.cpu()); NDManager m = base.newSubManager()) {
                NDArray ids = longs(m, expected, "input_ids");
                NDArray mask = longs(m, expected, "attention_mask");
                NDArray dec = longs(m, expected, "decoder_input_ids");
                assertThat(plain.forward(ids, mask, dec, true).toFloatArray())
                        .containsExactly(plain.forward(ids, mask, dec, false).toFloatArray());
            }
        }
    }

    @Nested
    @DisplayName("memory")
    class Memory {
        @Test
        @DisplayName("50 forwards (with and without dropout) and a greedy run in per-step managers leave no array behind")
        void noLeak() throws IOException {
            NDManager weights = model.parameters().get("model.shared.weight").getManager();
            int weightsBefore = weights.getManagedArrays().size();
            int baseBefore = base.getManagedArrays().size();
            long[] ids = expected.longs("input_ids");
            long[] mask = expected.longs("attention_mask");
            long[] dec = expected.longs("decoder_input_ids");
            long[] labels = expected.longs("labels");
            for (int step = 0; step < 50; step++) {
                try (NDManager m = base.newSubManager()) {
                    NDArray logits = model.forward(m.create(ids, new Shape(2, 10)), m.create(mask, new Shape(2, 10)),
                            m.create(dec, new Shape(2, 8)), step % 2 == 1);
                    Seq2SeqLoss.lossValue(logits, m.create(labels, new Shape(2, 8)), 0.1f);
                    if (step == 0) {
                        // Only the inputs, the logits and nothing else remain in the step's manager.
                        assertThat(m.getManagedArrays()).hasSize(5);
                    }
                }
            }
            try (NDManager m = base.newSubManager()) {
                model.greedy(m.create(ids, new Shape(2, 10)), m.create(mask, new Shape(2, 10)), 5, null);
                assertThat(m.getManagedArrays()).hasSize(2);
            }
            assertThat(weights.getManagedArrays()).hasSize(weightsBefore);
            assertThat(base.getManagedArrays()).hasSize(baseBefore);
        }
    }
}
