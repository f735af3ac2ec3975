package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.bart.BartFixtures.longs;
import static org.tcmrx.bart.BartFixtures.maxAbsDiff;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.core.safetensors.SafetensorsWriter.Tensor;

@DisplayName("BartModel checkpoints")
class BartCheckpointTest {
    private static Path fixture;
    private static SafetensorsFile expected;
    private static NDManager base;

    @BeforeAll
    static void open() throws IOException {
        fixture = BartFixtures.bartTinyA();
        expected = SafetensorsFile.open(fixture.resolve("expected.safetensors"));
        base = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        if (expected != null) {
            expected.close();
            base.close();
        }
    }

    /** A model folder with the fixture's config.json and the given tensors. */
    private static Path folder(Path dir, Map<String, Tensor> tensors) throws IOException {
        Files.copy(fixture.resolve("config.json"), dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
        return dir;
    }

    private static float[] logits(BartModel model) throws IOException {
        try (NDManager m = base.newSubManager()) {
            return model.forward(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"),
                    longs(m, expected, "decoder_input_ids")).toFloatArray();
        }
    }

    @Nested
    @DisplayName("loading")
    class Loading {
        @Test
        @DisplayName("accepts the lm_head and embed_tokens copies of a tied table")
        void tiedCopies(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = BartFixtures.tensors(fixture.resolve("model.safetensors"));
            Tensor shared = tensors.get("model.shared.weight");
            tensors.put("model.encoder.embed_tokens.weight", shared);
            tensors.put("model.decoder.embed_tokens.weight", shared);
            tensors.put("lm_head.weight", shared);
            try (BartModel plain = BartModel.load(fixture, Device.cpu());
                    BartModel copies = BartModel.load(folder(dir, tensors), Device.cpu())) {
                assertThat(logits(copies)).containsExactly(logits(plain));
            }
        }

        @Test
        @DisplayName("reads sharded checkpoints")
        void sharded(@TempDir Path dir) throws IOException {
            Map<String, Tensor> all = BartFixtures.tensors(fixture.resolve("model.safetensors"));
            Map<String, Tensor> first = new LinkedHashMap<>();
            Map<String, Tensor> second = new LinkedHashMap<>();
            Map<String, String> weightMap = new LinkedHashMap<>();
            all.forEach((name, t) -> {
                boolean encoder = name.startsWith("model.encoder.") || name.equals("model.shared.weight");
                (encoder ? first : second).put(name, t);
                weightMap.put(name, encoder ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            });
            Files.copy(fixture.resolve("config.json"), dir.resolve("config.json"));
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of());
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of());
            Files.writeString(dir.resolve("model.safetensors.index.json"), org.tcmrx.core.internal.Json.MAPPER
                    .writeValueAsString(Map.of("metadata", Map.of(), "weight_map", weightMap)));
            try (BartModel plain = BartModel.load(fixture, Device.cpu());
                    BartModel sharded = BartModel.load(dir, Device.cpu())) {
                assertThat(logits(sharded)).containsExactly(logits(plain));
            }
        }

        @Test
        @DisplayName("names the file and key of a missing tensor")
        void missing(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = BartFixtures.tensors(fixture.resolve("model.safetensors"));
            tensors.remove("model.decoder.layers.1.encoder_attn.k_proj.bias");
            folder(dir, tensors);
            assertThatThrownBy(() -> BartModel.load(dir, Device.cpu()))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(dir.resolve("model.safetensors") + ": model.decoder.layers.1.encoder_attn.k_proj.bias: "
                            + "missing tensor; config.json implies shape [64]");
        }

        @Test
        @DisplayName("names the file and key of a mis-shaped tensor")
        void misShaped(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = BartFixtures.tensors(fixture.resolve("model.safetensors"));
            tensors.put("model.encoder.layers.0.fc1.weight", Tensor.ofFloats(new long[] {64, 128}, new float[8192]));
            folder(dir, tensors);
            assertThatThrownBy(() -> BartModel.load(dir, Device.cpu()))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(dir.resolve("model.safetensors") + ": model.encoder.layers.0.fc1.weight: shape [64, 128]"
                            + " does not match config.json, which implies [128, 64]");
        }

        @Test
        @DisplayName("names the file and key of an unexpected tensor")
        void unexpected(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = BartFixtures.tensors(fixture.resolve("model.safetensors"));
            tensors.put("model.encoder.layers.2.fc1.bias", Tensor.ofFloats(new long[] {128}, new float[128]));
            folder(dir, tensors);
            assertThatThrownBy(() -> BartModel.load(dir, Device.cpu()))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(dir.resolve("model.safetensors") + ": model.encoder.layers.2.fc1.bias: unexpected "
                            + "tensor; a BartForConditionalGeneration with this config.json has none");
        }

        @Test
        @DisplayName("names config.json and the key of a bad config value")
        void badConfig(@TempDir Path dir) throws IOException {
            folder(dir, BartFixtures.tensors(fixture.resolve("model.safetensors")));
            String json = Files.readString(fixture.resolve("config.json"));
            Files.writeString(dir.resolve("config.json"),
                    json.replace("\"encoder_attention_heads\": 4", "\"encoder_attention_heads\": 5"));
            assertThatThrownBy(() -> BartModel.load(dir, Device.cpu()))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(dir.resolve("config.json") + ": encoder_attention_heads: 5 does not divide d_model 64");
        }
    }

    @Nested
    @DisplayName("saving and initialising")
    class SavingAndInit {
        @Test
        @DisplayName("save then load gives identical logits and config")
        void roundTrip(@TempDir Path dir) throws IOException {
            try (BartModel model = BartModel.load(fixture, Device.cpu())) {
                model.save(dir);
                try (BartModel back = BartModel.load(dir, Device.cpu());
                        SafetensorsFile saved = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
                    assertThat(back.config()).isEqualTo(model.config());
                    assertThat(logits(back)).containsExactly(logits(model));
                    assertThat(saved.names()).contains("model.shared.weight", "final_logits_bias")
                            .doesNotContain("lm_head.weight", "model.encoder.embed_tokens.weight");
                    assertThat(saved.metadata()).containsEntry("format", "pt");
                }
            }
        }

        @Test
        @DisplayName("random init is seeded and follows Hugging Face's _init_weights")
        void init() throws IOException {
            BartConfig config = BartConfig.read(fixture.resolve("config.json"));
            try (BartModel a = BartModel.init(config, 7, Device.cpu());
                    BartModel b = BartModel.init(config, 7, Device.cpu());
                    BartModel c = BartModel.init(config, 8, Device.cpu())) {
                assertThat(logits(a)).containsExactly(logits(b));
                assertThat(logits(a)).isNotEqualTo(logits(c));
                float[] shared = a.parameters().get("model.shared.weight").toFloatArray();
                assertThat(java.util.Arrays.copyOfRange(shared, 0, 64)).containsOnly(0f); // pad_token_id 0
                assertThat(a.parameters().get("model.encoder.layers.0.final_layer_norm.weight").toFloatArray())
                        .containsOnly(1f);
                assertThat(a.parameters().get("model.decoder.layers.1.fc2.bias").toFloatArray()).containsOnly(0f);
                float[] q = a.parameters().get("model.decoder.layers.0.self_attn.q_proj.weight").toFloatArray();
                double sq = 0;
                for (float v : q) {
                    sq += v * v;
                }
                assertThat(Math.sqrt(sq / q.length)).isBetween(0.018, 0.022); // init_std 0.02
            }
        }
    }

    @Nested
    @DisplayName("training")
    class Training {
        @Test
        @DisplayName("the loss back-propagates to every parameter")
        void gradients() throws IOException {
            BartConfig config = BartConfig.read(fixture.resolve("config.json"));
            try (BartModel model = BartModel.init(config, 1, Device.cpu())) {
                model.parameters().values().forEach(p -> p.setRequiresGradient(true));
                try (NDManager m = base.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(longs(m, expected, "input_ids"),
                            longs(m, expected, "attention_mask"), longs(m, expected, "decoder_input_ids"));
                    collector.backward(Seq2SeqLoss.loss(logits, longs(m, expected, "labels"), 0.1f));
                }
                for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
                    try (NDArray grad = p.getValue().getGradient()) {
                        float[] g = grad.toFloatArray();
                        float largest = maxAbsDiff(g, new float[g.length], null);
                        assertThat(largest).as(p.getKey()).isFinite();
                        // A key bias adds the same q.b to every score of a query, which the softmax cancels.
                        if (!p.getKey().endsWith("k_proj.bias")) {
                            assertThat(largest).as(p.getKey()).isGreaterThan(0f);
                        }
                    }
                }
            }
        }
    }
}
