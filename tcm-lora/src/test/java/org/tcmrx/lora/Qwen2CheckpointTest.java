package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.lora.Qwen2Fixtures.longs;
import static org.tcmrx.lora.Qwen2Fixtures.maxAbsDiff;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.internal.Autograd;

@DisplayName("Qwen2Model checkpoints")
class Qwen2CheckpointTest {
    private static Path fixture;
    private static SafetensorsFile expected;
    private static NDManager base;

    @BeforeAll
    static void open() throws IOException {
        fixture = Qwen2Fixtures.qwen2TinyA();
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

    private static Map<String, Tensor> fixtureTensors() throws IOException {
        return Qwen2Fixtures.tensors(fixture.resolve("model.safetensors"));
    }

    private static float[] logits(Qwen2Model model) throws IOException {
        try (NDManager m = base.newSubManager()) {
            return model.forward(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"))
                    .toFloatArray();
        }
    }

    private static void expectLoadError(Path dir, String message) {
        assertThatThrownBy(() -> Qwen2Model.load(dir, Device.cpu())).isInstanceOf(MalformedDataException.class)
                .hasMessage(message);
    }

    @Nested
    @DisplayName("loading")
    class Loading {
        @Test
        @DisplayName("accepts the lm_head.weight copy of a tied table")
        void tiedCopy(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            tensors.put("lm_head.weight", tensors.get("model.embed_tokens.weight"));
            try (Qwen2Model plain = Qwen2Model.load(fixture, Device.cpu());
                    Qwen2Model copy = Qwen2Model.load(folder(dir, tensors), Device.cpu())) {
                assertThat(logits(copy)).containsExactly(logits(plain));
                assertThat(copy.parameters()).doesNotContainKey("lm_head.weight");
            }
        }

        @Test
        @DisplayName("names the file and key of a missing tensor")
        void missing(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            tensors.remove("model.layers.1.self_attn.k_proj.bias");
            folder(dir, tensors);
            expectLoadError(dir, dir.resolve("model.safetensors") + ": model.layers.1.self_attn.k_proj.bias: missing "
                    + "tensor; config.json implies shape [32]");
        }

        @Test
        @DisplayName("names the file and key of an unexpected tensor")
        void unexpected(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            tensors.put("model.layers.0.self_attn.o_proj.bias", Tensor.ofFloats(new long[] {64}, new float[64]));
            folder(dir, tensors);
            expectLoadError(dir, dir.resolve("model.safetensors") + ": model.layers.0.self_attn.o_proj.bias: "
                    + "unexpected tensor; a Qwen2ForCausalLM with this config.json has none");
        }

        @Test
        @DisplayName("names the file and key of a mis-shaped tensor")
        void misShaped(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            // Full-size k_proj, as if num_key_value_heads were 4.
            tensors.put("model.layers.0.self_attn.k_proj.weight", Tensor.ofFloats(new long[] {64, 64},
                    new float[64 * 64]));
            folder(dir, tensors);
            expectLoadError(dir, dir.resolve("model.safetensors") + ": model.layers.0.self_attn.k_proj.weight: shape "
                    + "[64, 64] does not match config.json, which implies [32, 64]");
        }

        @Test
        @DisplayName("names the file and key of an integer tensor")
        void integer(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            tensors.put("model.norm.weight", Tensor.ofLongs(new long[] {64}, new long[64]));
            folder(dir, tensors);
            expectLoadError(dir, dir.resolve("model.safetensors") + ": model.norm.weight: dtype I64 is not a "
                    + "floating-point type (F32, F16, BF16, F64)");
        }

        @Test
        @DisplayName("names config.json and the key of a bad config value")
        void badConfig(@TempDir Path dir) throws IOException {
            folder(dir, fixtureTensors());
            String json = Files.readString(fixture.resolve("config.json"));
            Files.writeString(dir.resolve("config.json"),
                    json.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
            expectLoadError(dir, dir.resolve("config.json") + ": num_key_value_heads: 3 does not divide "
                    + "num_attention_heads 4");
        }
    }

    @Nested
    @DisplayName("saving and initialising")
    class SavingAndInit {
        @Test
        @DisplayName("save then load gives identical logits and config, without lm_head.weight")
        void roundTrip(@TempDir Path dir) throws IOException {
            try (Qwen2Model model = Qwen2Model.load(fixture, Device.cpu())) {
                model.save(dir);
                try (Qwen2Model back = Qwen2Model.load(dir, Device.cpu());
                        SafetensorsFile saved = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
                    assertThat(back.config()).isEqualTo(model.config());
                    assertThat(logits(back)).containsExactly(logits(model));
                    assertThat(saved.names()).containsExactlyElementsOf(model.parameters().keySet())
                            .doesNotContain("lm_head.weight");
                    assertThat(saved.metadata()).containsEntry("format", "pt").containsKey("version");
                }
            }
        }

        @Test
        @DisplayName("a bf16 checkpoint saves as float32 and says so in config.json")
        void bf16RoundTrip(@TempDir Path dir) throws IOException {
            try (Qwen2Model model = Qwen2Model.load(fixture.resolve("model-bf16"), Device.cpu())) {
                model.save(dir);
                try (Qwen2Model back = Qwen2Model.load(dir, Device.cpu())) {
                    assertThat(back.config().torchDtype()).isEqualTo("float32");
                    assertThat(back.config()).isEqualTo(model.config().toBuilder().optTorchDtype("float32").build());
                    assertThat(logits(back)).containsExactly(logits(model));
                }
            }
        }

        @Test
        @DisplayName("random init is seeded and follows Hugging Face's _init_weights; untied models get lm_head")
        void init() throws IOException {
            Qwen2Config config = Qwen2Config.read(fixture.resolve("config.json"));
            try (Qwen2Model a = Qwen2Model.init(config, 7, Device.cpu());
                    Qwen2Model b = Qwen2Model.init(config, 7, Device.cpu());
                    Qwen2Model c = Qwen2Model.init(config, 8, Device.cpu())) {
                assertThat(logits(a)).containsExactly(logits(b));
                assertThat(logits(a)).isNotEqualTo(logits(c));
                assertThat(a.parameters().get("model.layers.0.input_layernorm.weight").toFloatArray())
                        .containsOnly(1f);
                assertThat(a.parameters().get("model.norm.weight").toFloatArray()).containsOnly(1f);
                assertThat(a.parameters().get("model.layers.1.self_attn.v_proj.bias").toFloatArray())
                        .containsOnly(0f);
                float[] q = a.parameters().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
                double sq = 0;
                for (float v : q) {
                    sq += v * v;
                }
                assertThat(Math.sqrt(sq / q.length)).isBetween(0.018, 0.022); // initializer_range 0.02
                List<String> names = new ArrayList<>(a.parameters().keySet());
                assertThat(names).hasSize(1 + 2 * 12 + 1).startsWith("model.embed_tokens.weight",
                        "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.q_proj.bias")
                        .endsWith("model.layers.1.post_attention_layernorm.weight", "model.norm.weight");
            }
            try (Qwen2Model untied = Qwen2Model.init(config.toBuilder().optTieWordEmbeddings(false).build(), 7,
                    Device.cpu())) {
                assertThat(untied.parameters().keySet()).endsWith("model.norm.weight", "lm_head.weight");
                assertThat(untied.parameters().get("lm_head.weight").getShape().getShape()).containsExactly(512, 64);
                assertThat(logits(untied)).hasSize(2 * 12 * 512);
            }
        }
    }

    @Nested
    @DisplayName("training")
    class Training {
        @Test
        @DisplayName("the causal-LM loss back-propagates finite gradients to every parameter")
        void gradients() throws IOException {
            Qwen2Config config = Qwen2Config.read(fixture.resolve("config.json"));
            for (boolean tied : new boolean[] {true, false}) {
                try (Qwen2Model model = Qwen2Model.init(config.toBuilder().optTieWordEmbeddings(tied).build(), 1,
                        Device.cpu()); ParameterStore store = new ParameterStore()) {
                    model.parameters().forEach(store::add);
                    try (NDManager m = store.manager().newSubManager();
                            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(longs(m, expected, "input_ids"),
                                longs(m, expected, "attention_mask"));
                        collector.backward(CausalLmLoss.loss(logits, longs(m, expected, "labels")));
                    }
                    for (String name : store.names()) {
                        try (NDArray grad = Autograd.gradientOrNull(store.get(name))) {
                            assertThat(grad).as(name).isNotNull();
                            float[] g = grad.toFloatArray();
                            float largest = maxAbsDiff(g, new float[g.length], null);
                            // Unlike BART's, the key bias matters: RoPE rotates it by the key's position.
                            assertThat(largest).as(name).isFinite().isGreaterThan(0f);
                        }
                    }
                }
            }
        }
    }
}
