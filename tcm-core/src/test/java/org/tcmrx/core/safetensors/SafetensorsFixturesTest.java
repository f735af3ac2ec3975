package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.internal.Json;

@DisplayName("Safetensors golden fixtures")
class SafetensorsFixturesTest {
    @Nested
    @DisplayName("safetensors-dtypes")
    class Dtypes {
        @Test
        @DisplayName("every tensor equals expected.json: dtype, shape, values widened to float32, raw bits")
        void expected() throws IOException {
            Path dir = SafetensorsTestFiles.fixture("safetensors-dtypes");
            JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected.json").toFile());
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(expected.get("file").textValue()))) {
                Map<String, String> metadata = Json.MAPPER.convertValue(expected.get("metadata"),
                        Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class));
                assertThat(f.metadata()).isEqualTo(metadata);
                List<String> names = new ArrayList<>();
                expected.get("tensors").fieldNames().forEachRemaining(names::add);
                assertThat(f.names()).containsExactlyInAnyOrderElementsOf(names);
                for (String name : names) {
                    JsonNode e = expected.get("tensors").get(name);
                    TensorInfo info = f.info(name);
                    assertThat(info.dtype()).as(name).isEqualTo(DType.parse(e.get("dtype").textValue()));
                    assertThat(info.shape()).as(name).containsExactly(longs(e.get("shape")));
                    if (e.has("values_as_float32")) {
                        float[] values = f.floats(name);
                        JsonNode want = e.get("values_as_float32");
                        assertThat(values).as(name).hasSize(want.size());
                        for (int i = 0; i < values.length; i++) {
                            assertThat(values[i]).as("%s[%d]", name, i).isEqualTo((float) want.get(i).doubleValue());
                        }
                    }
                    if (e.has("values")) {
                        assertThat(f.longs(name)).as(name).containsExactly(longs(e.get("values")));
                    }
                    if (e.has("raw_bits_hex")) {
                        ByteBuffer raw = f.bytes(name);
                        JsonNode bits = e.get("raw_bits_hex");
                        for (int i = 0; i < bits.size(); i++) {
                            int want = Integer.parseInt(bits.get(i).textValue().substring(2), 16);
                            assertThat(raw.getShort(2 * i) & 0xFFFF).as("%s[%d]", name, i).isEqualTo(want);
                        }
                    }
                }
                assertThat(f.info("f32_scalar").shape()).isEmpty();
                assertThat(f.info("f32_empty_0x4").elementCount()).isZero();
            }
        }

        private static long[] longs(JsonNode array) {
            long[] out = new long[array.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = array.get(i).longValue();
            }
            return out;
        }
    }

    @Nested
    @DisplayName("qwen2-tiny-A")
    class Qwen2TinyA {
        @Test
        @DisplayName("model.safetensors, model-bf16 and model-sharded open with the same names, no lm_head (tied)")
        void names() throws IOException {
            Path dir = SafetensorsTestFiles.fixture("qwen2-tiny-A");
            try (SafetensorsCheckpoint single = SafetensorsCheckpoint.open(dir);
                    SafetensorsCheckpoint bf16 = SafetensorsCheckpoint.open(dir.resolve("model-bf16"));
                    SafetensorsCheckpoint sharded = SafetensorsCheckpoint.open(dir.resolve("model-sharded"))) {
                Set<String> names = new HashSet<>(single.names());
                assertThat(names).contains("model.embed_tokens.weight", "model.norm.weight",
                        "model.layers.1.self_attn.q_proj.bias").doesNotContain("lm_head.weight");
                assertThat(sharded.names()).containsExactlyInAnyOrderElementsOf(names);
                assertThat(bf16.names()).containsExactlyInAnyOrderElementsOf(names);
                assertThat(single.info("model.embed_tokens.weight").shape()).containsExactly(512, 64);
                assertThat(single.info("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(32, 64);
                assertThat(bf16.info("model.norm.weight").dtype()).isEqualTo(DType.BF16);
                // Embeddings and layer 0 in the first shard, layer 1 and the norm in the second.
                assertThat(sharded.fileOf("model.embed_tokens.weight").getFileName())
                        .hasToString("model-00001-of-00002.safetensors");
                assertThat(sharded.fileOf("model.layers.0.mlp.up_proj.weight").getFileName())
                        .hasToString("model-00001-of-00002.safetensors");
                assertThat(sharded.fileOf("model.norm.weight").getFileName())
                        .hasToString("model-00002-of-00002.safetensors");
            }
        }

        @Test
        @DisplayName("the shards hold the single file's values; bf16 holds them rounded to nearest even")
        void values() throws IOException {
            Path dir = SafetensorsTestFiles.fixture("qwen2-tiny-A");
            try (SafetensorsCheckpoint single = SafetensorsCheckpoint.open(dir);
                    SafetensorsCheckpoint bf16 = SafetensorsCheckpoint.open(dir.resolve("model-bf16"));
                    SafetensorsCheckpoint sharded = SafetensorsCheckpoint.open(dir.resolve("model-sharded"))) {
                int checked = 0;
                for (String name : single.names()) {
                    float[] fp32 = single.floats(name);
                    assertThat(sharded.floats(name)).as(name).containsExactly(fp32);
                    float[] rounded = bf16.floats(name);
                    assertThat(rounded).as(name).hasSameSizeAs(fp32);
                    for (int i = 0; i < fp32.length; i++) {
                        float expected = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(fp32[i]));
                        assertThat(rounded[i]).as("%s[%d] = %s", name, i, fp32[i]).isEqualTo(expected);
                        checked++;
                    }
                }
                assertThat(checked).isGreaterThan(100_000);
                // A few by hand: bf16 keeps the top 16 bits, plus one when the lower 16 are above half (or half
                // with an odd top).
                float first = single.floats("model.embed_tokens.weight")[0];
                int bits = Float.floatToRawIntBits(first);
                int top = bits >>> 16;
                int low = bits & 0xFFFF;
                int rne = low > 0x8000 || (low == 0x8000 && (top & 1) == 1) ? top + 1 : top;
                assertThat(Float.floatToRawIntBits(bf16.floats("model.embed_tokens.weight")[0]) >>> 16)
                        .isEqualTo(rne);
            }
        }

        @Test
        @DisplayName("expected.safetensors: I64 ids and masks, F32 logits")
        void expectedOutputs() throws IOException {
            Path dir = SafetensorsTestFiles.fixture("qwen2-tiny-A");
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("expected.safetensors"))) {
                assertThat(f.info("input_ids").shape()).containsExactly(2, 12);
                long[] mask = f.longs("attention_mask");
                assertThat(mask).hasSize(24);
                assertThat(java.util.Arrays.stream(mask, 12, 24).sum()).isEqualTo(7);
                long[] labels = f.longs("labels");
                assertThat(labels[23]).isEqualTo(-100);
                assertThat(f.info("logits").shape()).containsExactly(2, 12, 512);
                assertThat(f.floats("logits")).hasSize(2 * 12 * 512);
                assertThat(f.metadata()).containsEntry("format", "pt");
            }
        }
    }
}
