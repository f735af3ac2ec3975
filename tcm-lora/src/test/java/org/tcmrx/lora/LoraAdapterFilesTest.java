package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.core.safetensors.SafetensorsWriter.Tensor;

@DisplayName("LoraAdapter files")
class LoraAdapterFilesTest {
    private static final String Q0_A = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    private static final String SOURCE = "adapter_config.json (r 4, target_modules [q_proj, v_proj, gate_proj, "
            + "down_proj])";

    private static Path base;
    private static Path fixture;
    private static SafetensorsFile expected;
    private static NDManager manager;

    @BeforeAll
    static void open() throws IOException {
        base = Qwen2Fixtures.qwen2TinyA();
        fixture = Qwen2Fixtures.peftLoraA();
        expected = SafetensorsFile.open(fixture.resolve("expected.safetensors"));
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        if (expected != null) {
            expected.close();
            manager.close();
        }
    }

    private static float[] logits(Qwen2Model model) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            return model.forward(Qwen2Fixtures.longs(m, expected, "input_ids"),
                    Qwen2Fixtures.longs(m, expected, "attention_mask")).toFloatArray();
        }
    }

    /** An adapter folder with the given config.json text and tensors. */
    private static Path folder(Path dir, String configJson, Map<String, Tensor> tensors) throws IOException {
        Files.writeString(dir.resolve(LoraAdapter.CONFIG_FILE), configJson);
        SafetensorsWriter.write(dir.resolve(LoraAdapter.WEIGHTS_FILE), tensors, Map.of());
        return dir;
    }

    private static String fixtureConfig() throws IOException {
        return Files.readString(fixture.resolve(LoraAdapter.CONFIG_FILE));
    }

    private static Map<String, Tensor> fixtureTensors() throws IOException {
        return Qwen2Fixtures.tensors(fixture.resolve(LoraAdapter.WEIGHTS_FILE));
    }

    @Nested
    @DisplayName("saving")
    class Saving {
        @Test
        @DisplayName("save then load gives identical logits, PEFT's keys and an adapter_config.json PEFT's fields "
                + "survive")
        void roundTrip(@TempDir Path dir) throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu());
                    Qwen2Model other = Qwen2Model.load(base, Device.cpu())) {
                model.loadAdapter(fixture).save(dir);
                LoraAdapter back = other.loadAdapter(dir);
                assertThat(logits(other)).containsExactly(logits(model));
                assertThat(back.config()).isEqualTo(model.adapterOrNull().config());
                assertThat(Json.MAPPER.readTree(dir.resolve(LoraAdapter.CONFIG_FILE).toFile()))
                        .isEqualTo(Json.MAPPER.readTree(fixture.resolve(LoraAdapter.CONFIG_FILE).toFile()));
                try (SafetensorsFile saved = SafetensorsFile.open(dir.resolve(LoraAdapter.WEIGHTS_FILE));
                        SafetensorsFile original = SafetensorsFile.open(fixture.resolve(LoraAdapter.WEIGHTS_FILE))) {
                    assertThat(saved.names()).containsExactlyElementsOf(back.parameters().keySet())
                            .containsExactlyInAnyOrderElementsOf(original.names());
                    assertThat(saved.metadata()).containsEntry("format", "pt").containsKey("version");
                    for (String name : original.names()) {
                        assertThat(saved.floats(name)).as(name).containsExactly(original.floats(name));
                    }
                }
            }
        }

        @Test
        @DisplayName("a fresh all-linear adapter saves the resolved target_modules and inference_mode true")
        void freshAdapter(@TempDir Path dir) throws IOException {
            LoraConfig config = LoraConfig.builder().optTargetModules(List.of("all-linear"))
                    .optInitLoraWeights(false).optR(2).build();
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu());
                    Qwen2Model other = Qwen2Model.load(base, Device.cpu())) {
                model.applyLora(config, 11).save(dir);
                LoraConfig saved = LoraConfig.read(dir.resolve(LoraAdapter.CONFIG_FILE));
                assertThat(saved.targetModules()).containsExactly("q_proj", "k_proj", "v_proj", "o_proj",
                        "gate_proj", "up_proj", "down_proj");
                assertThat(saved.inferenceMode()).isTrue();
                assertThat(model.adapterOrNull().config().inferenceMode()).isFalse();
                other.loadAdapter(dir);
                assertThat(logits(other)).containsExactly(logits(model));
            }
        }
    }

    @Nested
    @DisplayName("loading errors name the file and the key")
    class Errors {
        private void expectError(Path dir, Path file, String message) throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                NDManager weights = model.parameters().get("model.norm.weight").getManager();
                int before = weights.getManagedArrays().size();
                assertThatThrownBy(() -> model.loadAdapter(dir)).isInstanceOf(MalformedDataException.class)
                        .hasMessage(file + ": " + message);
                assertThat(model.adapterOrNull()).isNull();
                assertThat(weights.getManagedArrays()).hasSize(before);
            }
        }

        private void expectTensorError(Path dir, Map<String, Tensor> tensors, String message) throws IOException {
            folder(dir, fixtureConfig(), tensors);
            expectError(dir, dir.resolve(LoraAdapter.WEIGHTS_FILE), message);
        }

        @Test
        @DisplayName("a missing tensor")
        void missing(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            String key = "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight";
            tensors.remove(key);
            expectTensorError(dir, tensors, key + ": missing tensor; " + SOURCE + " and the model imply shape "
                    + "[64, 4]");
        }

        @Test
        @DisplayName("an unexpected tensor (a module the config does not target)")
        void unexpected(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            String key = "base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight";
            tensors.put(key, Tensor.ofFloats(new long[] {4, 64}, new float[4 * 64]));
            expectTensorError(dir, tensors, key + ": unexpected tensor; with " + SOURCE
                    + " the adapter of this model has none");
        }

        @Test
        @DisplayName("a mis-shaped tensor")
        void misShaped(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            tensors.put(Q0_A, Tensor.ofFloats(new long[] {8, 64}, new float[8 * 64]));
            expectTensorError(dir, tensors, Q0_A + ": shape [8, 64] does not match " + SOURCE
                    + " and the model, which imply [4, 64]");
        }

        @Test
        @DisplayName("an integer tensor")
        void integer(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = fixtureTensors();
            tensors.put(Q0_A, Tensor.ofLongs(new long[] {4, 64}, new long[4 * 64]));
            expectTensorError(dir, tensors, Q0_A + ": dtype I64 is not a floating-point type (F32, F16, BF16, F64)");
        }

        @Test
        @DisplayName("a config whose rank does not fit the tensors")
        void rankMismatch(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put(Q0_A, fixtureTensors().get(Q0_A));
            folder(dir, "{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"layers.0.self_attn.q_proj\"]}",
                    tensors);
            String missingB = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
            expectError(dir, dir.resolve(LoraAdapter.WEIGHTS_FILE), missingB + ": missing tensor; adapter_config.json "
                    + "(r 8, target_modules [layers.0.self_attn.q_proj]) and the model imply shape [64, 8]");
            tensors.put(missingB, Tensor.ofFloats(new long[] {64, 8}, new float[64 * 8]));
            folder(dir, "{\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"layers.0.self_attn.q_proj\"]}",
                    tensors);
            expectError(dir, dir.resolve(LoraAdapter.WEIGHTS_FILE), Q0_A + ": shape [4, 64] does not match "
                    + "adapter_config.json (r 8, target_modules [layers.0.self_attn.q_proj]) and the model, which "
                    + "imply [8, 64]");
        }

        @Test
        @DisplayName("a config that does not fit the model, or is not supported")
        void badConfig(@TempDir Path dir) throws IOException {
            Path config = dir.resolve(LoraAdapter.CONFIG_FILE);
            folder(dir, fixtureConfig().replace("\"q_proj\",", "\"c_attn\",").replace("\"v_proj\",", "")
                    .replace("\"gate_proj\",", "").replace("\"down_proj\"", "\"c_proj\""), fixtureTensors());
            expectError(dir, config, "target_modules: [c_attn, c_proj] select no module of this Qwen2 model; only "
                    + "the decoder layers' projections can be adapted (q_proj, k_proj, v_proj, o_proj, gate_proj, "
                    + "up_proj, down_proj)");
            folder(dir, fixtureConfig().replace("\"use_dora\": false", "\"use_dora\": true"), fixtureTensors());
            expectError(dir, config, "use_dora: true is not supported; only plain LoRA");
            folder(dir, fixtureConfig().replace("\"modules_to_save\": null", "\"modules_to_save\": [\"lm_head\"]"),
                    fixtureTensors());
            expectError(dir, config, "modules_to_save: unsupported value [\"lm_head\"]; only null is supported");
        }

        @Test
        @DisplayName("a missing weights file, or only PEFT's pickle")
        void missingFile(@TempDir Path dir) throws IOException {
            Files.writeString(dir.resolve(LoraAdapter.CONFIG_FILE), fixtureConfig());
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                assertThatThrownBy(() -> model.loadAdapter(dir)).isInstanceOf(NoSuchFileException.class)
                        .hasMessageContaining(dir.resolve(LoraAdapter.WEIGHTS_FILE).toString());
                Files.writeString(dir.resolve("adapter_model.bin"), "pickle");
                assertThatThrownBy(() -> model.loadAdapter(dir)).isInstanceOf(NoSuchFileException.class)
                        .hasMessage(dir.resolve(LoraAdapter.WEIGHTS_FILE) + ": only adapter_model.bin is there, a "
                                + "pickle that is not read; save the adapter with safe_serialization=True");
                assertThat(model.adapterOrNull()).isNull();
            }
        }
    }
}
