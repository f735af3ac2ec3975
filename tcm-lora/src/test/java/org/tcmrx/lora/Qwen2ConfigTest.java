package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("Qwen2Config")
class Qwen2ConfigTest {
    /** qwen2-tiny-A's config.json, less the keys that have no component. */
    private static final Qwen2Config TINY = Qwen2Config.builder().optVocabSize(512).optHiddenSize(64)
            .optIntermediateSize(160).optNumHiddenLayers(2).optNumAttentionHeads(4).optNumKeyValueHeads(2)
            .optMaxPositionEmbeddings(128).optRopeTheta(1e6).optTieWordEmbeddings(true).optBosTokenId(511)
            .optEosTokenIds(List.of(511)).optSlidingWindow(128).optMaxWindowLayers(2).optTorchDtype("float32")
            .build();

    private static Path write(Path dir, String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return file;
    }

    @Nested
    @DisplayName("reading")
    class Reading {
        @Test
        @DisplayName("reads the qwen2-tiny-A config.json and keeps the keys it has no component for")
        void fixture() throws IOException {
            Qwen2Config config = Qwen2Config.read(Qwen2Fixtures.qwen2TinyA().resolve("config.json"));
            Map<String, Object> others = new LinkedHashMap<>();
            others.put("architectures", List.of("Qwen2ForCausalLM"));
            others.put("rope_scaling", null);
            others.put("transformers_version", "4.45.2");
            others.put("use_cache", true);
            assertThat(config).isEqualTo(TINY.toBuilder().optOtherKeys(others).build());
            assertThat(config.headDim()).isNull();
            assertThat(config.headSize()).isEqualTo(16);
            assertThat(config.eosTokenIds()).containsExactly(511);
        }

        @Test
        @DisplayName("gives missing keys Hugging Face's defaults, and num_key_value_heads the number of heads")
        void defaults(@TempDir Path dir) throws IOException {
            assertThat(Qwen2Config.read(write(dir, "{\"model_type\": \"qwen2\"}"))).isEqualTo(Qwen2Config.defaults());
            Qwen2Config d = Qwen2Config.defaults();
            assertThat(d.vocabSize()).isEqualTo(151936);
            assertThat(d.hiddenSize()).isEqualTo(4096);
            assertThat(d.ropeTheta()).isEqualTo(10000.0);
            assertThat(d.rmsNormEps()).isEqualTo(1e-6);
            assertThat(d.tieWordEmbeddings()).isFalse();
            assertThat(d.bosTokenId()).isNull();
            assertThat(d.eosTokenIds()).isEmpty();
            Qwen2Config mha = Qwen2Config.read(write(dir,
                    "{\"num_attention_heads\": 8, \"num_key_value_heads\": null}"));
            assertThat(mha.numKeyValueHeads()).isEqualTo(8);
        }

        @Test
        @DisplayName("accepts eos_token_id as a number, a list or null, and head_dim when present")
        void eosAndHeadDim(@TempDir Path dir) throws IOException {
            assertThat(Qwen2Config.read(write(dir, "{\"eos_token_id\": [151645, 151643]}")).eosTokenIds())
                    .containsExactly(151645, 151643);
            assertThat(Qwen2Config.read(write(dir, "{\"eos_token_id\": 151643}")).eosTokenIds())
                    .containsExactly(151643);
            assertThat(Qwen2Config.read(write(dir, "{\"eos_token_id\": null}")).eosTokenIds()).isEmpty();
            Qwen2Config wide = Qwen2Config.read(write(dir, "{\"hidden_size\": 64, \"num_attention_heads\": 8, "
                    + "\"head_dim\": 32}"));
            assertThat(wide.headSize()).isEqualTo(32);
        }

        @Test
        @DisplayName("writes and reads back the same values, other keys included, under Hugging Face's keys")
        void roundTrip(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("config.json");
            Qwen2Config config = TINY.toBuilder().optEosTokenIds(List.of(3, 4)).optHeadDim(32)
                    .optOtherKeys(Map.of("use_cache", false, "rope_scaling", Map.of("rope_type", "default"))).build();
            config.write(file);
            Map<String, Object> others = new LinkedHashMap<>(config.otherKeys());
            others.put("architectures", List.of("Qwen2ForCausalLM")); // added when absent
            assertThat(Qwen2Config.read(file)).isEqualTo(config.toBuilder().optOtherKeys(others).build());
            String json = Files.readString(file);
            assertThat(json).contains("\"hidden_size\" : 64", "\"eos_token_id\" : [ 3, 4 ]", "\"head_dim\" : 32",
                    "\"model_type\" : \"qwen2\"", "\"architectures\" : [ \"Qwen2ForCausalLM\" ]",
                    "\"use_cache\" : false");
            assertThat(json.indexOf("\"attention_dropout\"")).isLessThan(json.indexOf("\"vocab_size\""));

            TINY.write(file);
            json = Files.readString(file);
            assertThat(json).contains("\"eos_token_id\" : 511", "\"sliding_window\" : 128")
                    .doesNotContain("head_dim");
            assertThat(Qwen2Config.read(file)).isEqualTo(TINY.toBuilder()
                    .optOtherKeys(Map.of("architectures", List.of("Qwen2ForCausalLM"))).build());
            Qwen2Config.defaults().write(file);
            assertThat(Files.readString(file)).doesNotContain("bos_token_id", "eos_token_id", "torch_dtype");
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("names config.json and the key")
        void fileErrors(@TempDir Path dir) throws IOException {
            expect(dir, "{\"hidden_act\": \"gelu\"}", "hidden_act: unsupported value 'gelu'; supported: silu");
            expect(dir, "{\"model_type\": \"llama\"}", "model_type: unsupported value 'llama'; expected 'qwen2'");
            expect(dir, "{\"num_attention_heads\": 4, \"num_key_value_heads\": 3}",
                    "num_key_value_heads: 3 does not divide num_attention_heads 4");
            expect(dir, "{\"hidden_size\": 64, \"num_attention_heads\": 5, \"num_key_value_heads\": 5}",
                    "num_attention_heads: 5 does not divide hidden_size 64 (and there is no head_dim)");
            expect(dir, "{\"hidden_size\": 60, \"num_attention_heads\": 4}",
                    "head_dim: the head size 15 is odd; rotary embeddings rotate pairs");
            expect(dir, "{\"vocab_size\": 10, \"eos_token_id\": [1, 10]}",
                    "eos_token_id: 10 is outside the vocabulary [0, 10)");
            expect(dir, "{\"use_sliding_window\": true}", "use_sliding_window: true is not supported; expected false");
            expect(dir, "{\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}}",
                    "rope_scaling: unsupported value {\"factor\":4.0,\"type\":\"yarn\"}; only plain RoPE (null) is "
                            + "supported");
            expect(dir, "{\"rms_norm_eps\": 0}", "rms_norm_eps: must be a positive number, got 0.0");
            expect(dir, "{\"intermediate_size\": -1}", "intermediate_size: must be positive, got -1");
            Path type = write(dir, "{\"hidden_size\": \"wide\"}");
            assertThatThrownBy(() -> Qwen2Config.read(type)).isInstanceOf(MalformedDataException.class)
                    .satisfies(e -> assertThat(((MalformedDataException) e).field()).isEqualTo("hidden_size"))
                    .hasMessageStartingWith(type + ": hidden_size: ");
            Path eos = write(dir, "{\"eos_token_id\": \"</s>\"}");
            assertThatThrownBy(() -> Qwen2Config.read(eos)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(eos + ": eos_token_id[0]: ");
            Path notJson = write(dir, "{\"hidden_size\": 64,");
            assertThatThrownBy(() -> Qwen2Config.read(notJson)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(notJson + ":1: not valid JSON: ");
            Path array = write(dir, "[1]");
            assertThatThrownBy(() -> Qwen2Config.read(array)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(array + ": expected a JSON object");
            Path utf32 = write(dir, "{\u0000\u0000\u0000}");
            assertThatThrownBy(() -> Qwen2Config.read(utf32)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(utf32 + ": not valid JSON: Unexpected EOF in the middle of a 4-byte UTF-32 char: "
                            + "got 1, needed 4, at char #1, byte #5)");
        }

        private void expect(Path dir, String json, String message) throws IOException {
            Path file = write(dir, json);
            assertThatThrownBy(() -> Qwen2Config.read(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ": " + message)
                    .satisfies(e -> assertThat(((MalformedDataException) e).field())
                            .isEqualTo(message.substring(0, message.indexOf(':'))));
        }

        @Test
        @DisplayName("the builder names the key and value")
        void builderErrors() {
            assertThatThrownBy(() -> TINY.toBuilder().optNumKeyValueHeads(3).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("num_key_value_heads: 3 does not divide num_attention_heads 4");
            assertThatThrownBy(() -> TINY.toBuilder().optBosTokenId(512).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bos_token_id: 512 is outside the vocabulary [0, 512)");
            assertThatThrownBy(() -> TINY.toBuilder().optAttentionDropout(1.0).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("attention_dropout: must be in [0, 1), got 1.0");
            assertThatThrownBy(() -> TINY.toBuilder().optOtherKeys(Map.of("vocab_size", 3)).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("vocab_size: has a component of its own, so it cannot be one of the other keys");
            assertThat(TINY.toBuilder().optHeadDim(6).build().headSize()).isEqualTo(6);
        }
    }
}
