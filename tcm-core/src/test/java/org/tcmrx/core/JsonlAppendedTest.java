package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Jsonl on files written by appending")
class JsonlAppendedTest {
    @TempDir
    Path dir;

    /** Two whole lines, then the first bytes of a third: what a writer killed in the middle of an append leaves. */
    private Path torn() throws IOException {
        Path f = dir.resolve("log.jsonl");
        Files.writeString(f, "{\"step\":1}\n{\"step\":2}\n{\"step\":3,\"lo", StandardCharsets.UTF_8);
        return f;
    }

    private static List<Object> steps(Path f) throws IOException {
        return Jsonl.read(f, Map.class).stream().map(m -> ((Map<?, ?>) m).get("step")).map(Object.class::cast)
                .toList();
    }

    @Nested
    @DisplayName("readAppended")
    class ReadAppended {
        @Test
        @DisplayName("leaves out a torn last line, which read reports")
        void tornLastLine() throws IOException {
            Path f = torn();
            assertThat(Jsonl.readAppended(f, Map.class)).hasSize(2);
            assertThatThrownBy(() -> Jsonl.read(f, Map.class)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(f + ":3: ");
        }

        @Test
        @DisplayName("leaves out a last line cut inside a character")
        void cutCharacter() throws IOException {
            Path f = dir.resolve("log.jsonl");
            byte[] line = "{\"herb\":\"桂枝\"}\n".getBytes(StandardCharsets.UTF_8);
            byte[] bytes = new byte[line.length + 10];
            System.arraycopy(line, 0, bytes, 0, line.length);
            System.arraycopy(line, 0, bytes, line.length, 10); // ends in the middle of 桂
            Files.write(f, bytes);
            assertThat(Jsonl.readAppended(f, Map.class)).containsExactly(Map.of("herb", "桂枝"));
        }

        @Test
        @DisplayName("keeps a whole last line that only lacks its newline")
        void wholeLastLine() throws IOException {
            Path f = dir.resolve("log.jsonl");
            Files.writeString(f, "{\"step\":1}\n{\"step\":2}");
            assertThat(Jsonl.readAppended(f, Map.class)).hasSize(2);
        }

        @Test
        @DisplayName("still reports a malformed line before the last, with its file and line")
        void malformedInside() throws IOException {
            Path f = dir.resolve("log.jsonl");
            Files.writeString(f, "{\"step\":1}\n{\"step\":\n{\"step\":3}\n");
            assertThatThrownBy(() -> Jsonl.readAppended(f, Map.class)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(f + ":2: ");
        }
    }

    @Nested
    @DisplayName("append")
    class Append {
        @Test
        @DisplayName("drops a torn last line before adding its own, so no line is ever mixed")
        void afterTornLine() throws IOException {
            Path f = torn();
            Jsonl.append(f, Map.of("step", 3));
            assertThat(Files.readString(f)).isEqualTo("{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n");
        }

        @Test
        @DisplayName("ends a whole last line without a newline before adding its own")
        void afterWholeLine() throws IOException {
            Path f = dir.resolve("pairs.jsonl");
            Files.writeString(f, "{\"step\":1}");
            Jsonl.append(f, Map.of("step", 2));
            assertThat(steps(f)).containsExactly(1, 2);
        }

        @Test
        @DisplayName("creates the file")
        void creates() throws IOException {
            Path f = dir.resolve("new.jsonl");
            Jsonl.append(f, Map.of("step", 1));
            assertThat(Files.readString(f)).isEqualTo("{\"step\":1}\n");
        }
    }

    @Nested
    @DisplayName("truncateBefore")
    class TruncateBefore {
        @Test
        @DisplayName("cuts before the first line selected, and counts what goes")
        void cuts() throws IOException {
            Path f = dir.resolve("log.jsonl");
            Files.writeString(f, "{\"step\":1}\n\n{\"step\":2}\n{\"step\":3}\n{\"step\":2}\n");
            int dropped = Jsonl.truncateBefore(f, Map.class, m -> ((Integer) m.get("step")) > 2);
            assertThat(dropped).isEqualTo(2);
            assertThat(Files.readString(f)).isEqualTo("{\"step\":1}\n\n{\"step\":2}\n");
        }

        @Test
        @DisplayName("drops a torn last line when no line is selected")
        void tornOnly() throws IOException {
            Path f = torn();
            assertThat(Jsonl.truncateBefore(f, Map.class, m -> false)).isEqualTo(1);
            assertThat(steps(f)).containsExactly(1, 2);
        }

        @Test
        @DisplayName("leaves a whole file alone")
        void nothing() throws IOException {
            Path f = dir.resolve("log.jsonl");
            Files.writeString(f, "{\"step\":1}\n{\"step\":2}");
            assertThat(Jsonl.truncateBefore(f, Map.class, m -> false)).isZero();
            assertThat(Files.readString(f)).isEqualTo("{\"step\":1}\n{\"step\":2}");
        }
    }
}
