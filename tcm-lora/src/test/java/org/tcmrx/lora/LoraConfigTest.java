package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;

@DisplayName("LoraConfig")
class LoraConfigTest {
    private static Path write(Path dir, String json) throws IOException {
        Path file = dir.resolve("adapter_config.json");
        Files.writeString(file, json);
        return file;
    }

    @Nested
    @DisplayName("reading and writing")
    class Reading {
        @Test
        @DisplayName("reads the peft-lora-A adapter_config.json: r 4, alpha 8, so scaling 2")
        void fixture() throws IOException {
            LoraConfig config = LoraConfig.read(Qwen2Fixtures.peftLoraA().resolve("adapter_config.json"));
            assertThat(config).isEqualTo(LoraConfig.builder().optR(4).optLoraAlpha(8).optLoraDropout(0.05)
                    .optTargetModules(List.of("q_proj", "v_proj", "gate_proj", "down_proj"))
                    .optBaseModelNameOrPath("qwen2-tiny-A").optInferenceMode(true).build());
            assertThat(config.scaling()).isEqualTo(2.0);
            assertThat(config.otherKeys()).containsEntry("megatron_core", "megatron.core")
                    .containsEntry("rank_pattern", Map.of()).containsEntry("modules_to_save", null)
                    .containsEntry("lora_bias", false).hasSize(12);
        }

        @Test
        @DisplayName("writes back every key of the fixture with the same value")
        void fixtureRoundTrip(@TempDir Path dir) throws IOException {
            Path fixture = Qwen2Fixtures.peftLoraA().resolve("adapter_config.json");
            Path file = dir.resolve("adapter_config.json");
            LoraConfig.read(fixture).write(file);
            JsonNode written = Json.MAPPER.readTree(file.toFile());
            assertThat(written).isEqualTo(Json.MAPPER.readTree(fixture.toFile()));
            List<String> keys = new ArrayList<>();
            written.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).isSorted();
        }

        @Test
        @DisplayName("defaults are PEFT's, with target_modules and task_type as PEFT saves them for Qwen2")
        void defaults(@TempDir Path dir) throws IOException {
            LoraConfig d = LoraConfig.defaults();
            assertThat(d.r()).isEqualTo(8);
            assertThat(d.loraAlpha()).isEqualTo(8);
            assertThat(d.loraDropout()).isEqualTo(0.0);
            assertThat(d.targetModules()).containsExactly("q_proj", "v_proj");
            assertThat(d.bias()).isEqualTo("none");
            assertThat(d.initLoraWeights()).isTrue();
            assertThat(d.useRslora() || d.fanInFanOut() || d.useDora() || d.inferenceMode()).isFalse();
            assertThat(d.peftType()).isEqualTo("LORA");
            assertThat(d.taskType()).isEqualTo("CAUSAL_LM");
            assertThat(d.baseModelNameOrPath()).isNull();
            assertThat(LoraConfig.read(write(dir, "{}"))).isEqualTo(d);
            assertThat(LoraConfig.read(write(dir, "{\"target_modules\": null, \"task_type\": null}")))
                    .isEqualTo(d.toBuilder().optTaskType(null).build());
        }

        @Test
        @DisplayName("round-trips all-linear as PEFT's string, unknown keys and nulls")
        void roundTrip(@TempDir Path dir) throws IOException {
            Map<String, Object> others = new HashMap<>(LoraConfig.defaults().otherKeys());
            others.put("peft_version", "0.15.2");
            others.put("eva_config", null);
            LoraConfig config = LoraConfig.builder().optTargetModules(List.of("ALL-LINEAR")).optTaskType(null)
                    .optUseRslora(true).optR(16).optOtherKeys(others).build();
            assertThat(config.targetModules()).containsExactly(LoraConfig.ALL_LINEAR);
            assertThat(config.scaling()).isEqualTo(8 / 4.0);
            Path file = dir.resolve("adapter_config.json");
            config.write(file);
            assertThat(Files.readString(file)).contains("\"target_modules\" : \"all-linear\"",
                    "\"task_type\" : null", "\"base_model_name_or_path\" : null", "\"peft_version\" : \"0.15.2\"",
                    "\"eva_config\" : null", "\"use_rslora\" : true");
            assertThat(LoraConfig.read(file)).isEqualTo(config);
            assertThat(LoraConfig.read(write(dir, "{\"target_modules\": \"all-linear\", \"lora_alpha\": 16.0}")))
                    .isEqualTo(LoraConfig.builder().optTargetModules(List.of("all-linear")).optLoraAlpha(16).build());
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("the builder names the key of an invalid or unsupported value")
        void builder() {
            expect(b -> b.optR(0), "r: must be positive, got 0");
            expect(b -> b.optLoraAlpha(-8), "lora_alpha: must be positive, got -8");
            expect(b -> b.optLoraDropout(1.0), "lora_dropout: must be in [0, 1), got 1.0");
            expect(b -> b.optTargetModules(List.of()), "target_modules: must name at least one module");
            expect(b -> b.optTargetModules(List.of("all-linear", "q_proj")),
                    "target_modules: 'all-linear' must stand alone, got [all-linear, q_proj]");
            expect(b -> b.optTargetModules(List.of("q_proj", " ")),
                    "target_modules: has a null or blank name: [q_proj,  ]");
            expect(b -> b.optBias("lora_only"), "bias: unsupported value 'lora_only'; only 'none' is supported "
                    + "(PEFT's 'all' and 'lora_only' train the base biases)");
            expect(b -> b.optFanInFanOut(true),
                    "fan_in_fan_out: true is not supported; Qwen2's nn.Linear stores [out, in]");
            expect(b -> b.optUseDora(true), "use_dora: true is not supported; only plain LoRA");
            expect(b -> b.optPeftType("IA3"), "peft_type: unsupported value 'IA3'; expected 'LORA'");
            expect(b -> b.optTaskType("SEQ_CLS"),
                    "task_type: unsupported value 'SEQ_CLS'; expected 'CAUSAL_LM' or null");
            expect(b -> b.optOtherKeys(Map.of("rank_pattern", Map.of("q_proj", 8))),
                    "rank_pattern: unsupported value {\"q_proj\":8}; only {} is supported");
            expect(b -> b.optOtherKeys(Map.of("modules_to_save", List.of("lm_head"))),
                    "modules_to_save: unsupported value [\"lm_head\"]; only null is supported");
            expect(b -> b.optOtherKeys(Map.of("r", 4)),
                    "r: has a component of its own, so it cannot be one of the other keys");
            // Neutral values of those keys are fine: PEFT treats an empty list like null.
            assertThat(LoraConfig.builder().optOtherKeys(Map.of("modules_to_save", List.of(), "layers_to_transform",
                    List.of())).build().otherKeys()).hasSize(2);
        }

        private void expect(UnaryOperator<LoraConfigBuilder> change, String message) {
            assertThatThrownBy(() -> change.apply(LoraConfig.builder()).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        }

        @Test
        @DisplayName("a file's error names the file and the key")
        void fileErrors(@TempDir Path dir) throws IOException {
            expectFile(dir, "{\"init_lora_weights\": \"pissa\"}", "init_lora_weights: unsupported value \"pissa\"; "
                    + "supported: true (PEFT's default initialisation), false (random)");
            expectFile(dir, "{\"target_modules\": \".*\\\\.(q|v)_proj\"}", "target_modules: the regular expression "
                    + "\".*\\\\.(q|v)_proj\" is not supported; give a list of module names or 'all-linear'");
            expectFile(dir, "{\"r\": 2.5}", "r: must be an integer, got 2.5");
            expectFile(dir, "{\"use_dora\": true}", "use_dora: true is not supported; only plain LoRA");
            expectFile(dir, "{\"bias\": \"all\"}", "bias: unsupported value 'all'; only 'none' is supported (PEFT's "
                    + "'all' and 'lora_only' train the base biases)");
            expectFile(dir, "{\"lora_bias\": true}", "lora_bias: unsupported value true; only false is supported");
            expectFile(dir, "{\"layers_to_transform\": [0]}",
                    "layers_to_transform: unsupported value [0]; only null is supported");
            expectFile(dir, "{\"peft_type\": \"PREFIX_TUNING\"}",
                    "peft_type: unsupported value 'PREFIX_TUNING'; expected 'LORA'");
            expectFile(dir, "[1]", "expected a JSON object");
            expectFile(dir, "{\u0000\u0000\u0000}", "not valid JSON: Unexpected EOF in the middle of a 4-byte UTF-32 "
                    + "char: got 1, needed 4, at char #1, byte #5)");
            Path file = write(dir, "{\"r\": \"four\"}");
            assertThatThrownBy(() -> LoraConfig.read(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(file + ": r: ");
            Path broken = write(dir, "{\"r\": 4,");
            assertThatThrownBy(() -> LoraConfig.read(broken)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(broken + ":1: not valid JSON: ");
        }

        private void expectFile(Path dir, String json, String message) throws IOException {
            Path file = write(dir, json);
            assertThatThrownBy(() -> LoraConfig.read(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ": " + message);
        }
    }

    @Test
    @DisplayName("keeps other keys in a stable, sorted order")
    void otherKeysSorted() {
        Map<String, Object> others = new LinkedHashMap<>();
        others.put("zeta", 1);
        others.put("alpha", 2);
        assertThat(LoraConfig.builder().optOtherKeys(others).build().otherKeys().keySet())
                .containsExactly("alpha", "zeta");
    }
}
