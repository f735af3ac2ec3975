package org.tcmrx.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.core.safetensors.SafetensorsTestFiles.f32;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.safetensors.SafetensorsTestFiles.Raw;

@DisplayName("SafetensorsCheckpoint")
class SafetensorsCheckpointTest {
    @TempDir
    Path dir;

    private Path index() {
        return dir.resolve("model.safetensors.index.json");
    }

    private void writeIndex(String json) throws IOException {
        Files.writeString(index(), json, StandardCharsets.UTF_8);
    }

    /** s1 holds a and c, s2 holds b. */
    private void twoShards() throws IOException {
        SafetensorsTestFiles.write(dir, "s1.safetensors", new Raw().add("a", "F32", "[2]", f32(1, 2))
                .add("c", "I64", "[1]", SafetensorsTestFiles.i64(7)).bytes());
        SafetensorsTestFiles.write(dir, "s2.safetensors", new Raw().add("b", "BF16", "[1]",
                SafetensorsTestFiles.u16(0x4040)).bytes());
    }

    private void assertRejected(String field, String problem) {
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage(index() + ": " + (field == null ? "" : field + ": ") + problem);
    }

    @Nested
    @DisplayName("opens")
    class Opens {
        @Test
        @DisplayName("a sharded folder: names in weight_map order, each read from its shard")
        void sharded() throws IOException {
            twoShards();
            writeIndex("{\"metadata\":{\"total_size\":18},\"weight_map\":{\"c\":\"s1.safetensors\","
                    + "\"b\":\"s2.safetensors\",\"a\":\"s1.safetensors\"}}");
            try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
                assertThat(ckpt.dir()).isEqualTo(dir);
                assertThat(ckpt.names()).containsExactly("c", "b", "a");
                assertThat(ckpt.fileOf("a")).isEqualTo(dir.resolve("s1.safetensors"));
                assertThat(ckpt.fileOf("b")).isEqualTo(dir.resolve("s2.safetensors"));
                assertThat(ckpt.floats("a")).containsExactly(1f, 2f);
                assertThat(ckpt.floats("b")).containsExactly(3f);
                assertThat(ckpt.longs("c")).containsExactly(7);
                assertThat(ckpt.contains("b")).isTrue();
                assertThat(ckpt.contains("d")).isFalse();
                assertThat(ckpt.contains(null)).isFalse();
                assertThat(ckpt.info("b").dtype()).isEqualTo(DType.BF16);
                FloatBuffer second = FloatBuffer.allocate(1);
                ckpt.readFloats("a", 1, second);
                assertThat(second.get(0)).isEqualTo(2f);
                ShortBuffer half = ShortBuffer.allocate(1);
                assertThat(ckpt.readFloat16("b", 0, half)).isZero();
                assertThat(half.get(0)).isEqualTo(HalfFloats.floatToF16(3f));
                assertThat(ckpt).hasToString("SafetensorsCheckpoint[" + dir + ", 3 tensors in 2 files]");
            }
        }

        @Test
        @DisplayName("model.safetensors, preferred to an index as from_pretrained does")
        void single() throws IOException {
            SafetensorsTestFiles.write(dir, "model.safetensors", new Raw().add("w", "F32", "[1]", f32(5)).bytes());
            writeIndex("{\"weight_map\":{\"x\":\"missing.safetensors\"}}");
            try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
                assertThat(ckpt.names()).containsExactly("w");
                assertThat(ckpt.fileOf("w")).isEqualTo(dir.resolve("model.safetensors"));
                assertThat(ckpt.floats("w")).containsExactly(5f);
            }
        }

        @Test
        @DisplayName("shards in a sub-folder of the model folder")
        void subFolder() throws IOException {
            SafetensorsTestFiles.write(dir, "weights/s.safetensors", new Raw().add("a", "F32", "[1]", f32(1))
                    .bytes());
            writeIndex("{\"weight_map\":{\"a\":\"weights/s.safetensors\"}}");
            try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
                assertThat(ckpt.fileOf("a")).isEqualTo(dir.resolve("weights/s.safetensors"));
            }
        }

        @Test
        @DisplayName("a folder with neither file")
        void neither() {
            assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessage(dir + ": no model.safetensors or model.safetensors.index.json");
        }

        @Test
        @DisplayName("absent tensors, closed checkpoints and null folders are caller mistakes")
        void callerMistakes() throws IOException {
            twoShards();
            writeIndex("{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}}");
            SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir);
            assertThatThrownBy(() -> ckpt.info("z")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no tensor 'z' in " + dir);
            assertThatThrownBy(() -> ckpt.fileOf("z")).hasMessage("no tensor 'z' in " + dir);
            assertThatThrownBy(() -> ckpt.floats("z")).hasMessage("no tensor 'z' in " + dir);
            ckpt.close();
            ckpt.close();
            assertThatThrownBy(() -> ckpt.floats("a")).isInstanceOf(IllegalStateException.class)
                    .hasMessage(dir + " is closed");
            assertThatThrownBy(() -> ckpt.longs("a")).hasMessage(dir + " is closed");
            assertThatThrownBy(() -> ckpt.readFloats("a", 0, FloatBuffer.allocate(1)))
                    .hasMessage(dir + " is closed");
            assertThat(ckpt.info("a").elementCount()).isEqualTo(2);
            assertThatThrownBy(() -> SafetensorsCheckpoint.open(null)).hasMessage("dir must not be null");
        }
    }

    @Nested
    @DisplayName("rejects a bad index")
    class BadIndex {
        @Test
        @DisplayName("a shard that does not exist")
        void missingShard() throws IOException {
            twoShards();
            writeIndex("{\"weight_map\":{\"a\":\"s1.safetensors\",\"n\":\"s3.safetensors\"}}");
            assertRejected("n", "shard s3.safetensors does not exist");
        }

        @Test
        @DisplayName("a tensor that is not in the shard the index names")
        void notInShard() throws IOException {
            twoShards();
            writeIndex("{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}");
            assertRejected("b", "listed in s1.safetensors, which has no such tensor");
        }

        @Test
        @DisplayName("the same tensor in two shards")
        void twoShardsOneTensor() throws IOException {
            twoShards();
            writeIndex("{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s3.safetensors\"}}");
            SafetensorsTestFiles.write(dir, "s3.safetensors", new Raw().add("b", "F32", "[1]", f32(9))
                    .add("a", "F32", "[1]", f32(9)).bytes());
            assertRejected("a", "is in both s1.safetensors and s3.safetensors; the index lists it in s1.safetensors");
        }

        @Test
        @DisplayName("a tensor listed twice in weight_map")
        void listedTwice() throws IOException {
            twoShards();
            writeIndex("{\"weight_map\":{\"a\":\"s1.safetensors\",\"a\":\"s2.safetensors\"}}");
            assertRejected("a", "listed twice in weight_map (s1.safetensors and s2.safetensors)");
        }

        @Test
        @DisplayName("no weight_map")
        void noWeightMap() throws IOException {
            writeIndex("{\"metadata\":{\"total_size\":0}}");
            assertRejected("weight_map", "missing; expected an object {tensor name: shard file}");
        }

        @Test
        @DisplayName("a weight_map that is not an object")
        void weightMapType() throws IOException {
            writeIndex("{\"weight_map\":[\"s1.safetensors\"]}");
            assertRejected("weight_map", "expected an object {tensor name: shard file}, found an array");
        }

        @Test
        @DisplayName("a shard that is not a string")
        void shardType() throws IOException {
            writeIndex("{\"weight_map\":{\"a\":{\"file\":\"s1.safetensors\"}}}");
            assertRejected("a", "shard is {\"file\":\"s1.safetensors\"}; expected a file name");
        }

        @Test
        @DisplayName("a shard outside the folder")
        void outside() throws IOException {
            writeIndex("{\"weight_map\":{\"a\":\"../s1.safetensors\"}}");
            assertRejected("a", "shard \"../s1.safetensors\" is not a file name inside " + dir);
        }

        @Test
        @DisplayName("an index that is not JSON")
        void notJson() throws IOException {
            writeIndex("{\"weight_map\": }");
            assertRejected(null, "not valid JSON: Unexpected character ('}' (code 125)): expected a value");
        }

        @Test
        @DisplayName("an index that is not an object")
        void notObject() throws IOException {
            writeIndex("[]");
            assertRejected(null, "expected a JSON object, found an array");
        }

        @Test
        @DisplayName("a malformed shard names the shard")
        void badShard() throws IOException {
            Path shard = SafetensorsTestFiles.write(dir, "s1.safetensors", new byte[3]);
            writeIndex("{\"weight_map\":{\"a\":\"s1.safetensors\"}}");
            assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(shard + ": header: the file has 3 bytes; expected at least 8 (the header length)");
        }
    }
}
