package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Sha256;

@DisplayName("SftJsonl")
class SftJsonlTest {
    static final String SAMPLES = "/org/tcmrx/lora/sft/tcm-sft.jsonl";
    static final String ALPACA = "/org/tcmrx/lora/sft/alpaca.jsonl";

    static List<SftSample> resource(String name) throws IOException {
        try (InputStream in = SftJsonlTest.class.getResourceAsStream(name)) {
            return SftJsonl.read(in, name);
        }
    }

    @Nested
    @DisplayName("formats")
    class Formats {
        @Test
        @DisplayName("the chat format gives conversations whose assistant messages are learnt")
        void chat() throws IOException {
            List<SftSample> samples = resource(SAMPLES);
            assertThat(samples).hasSize(36);
            SftSample first = samples.get(0);
            assertThat(first.completionOnly()).isFalse();
            assertThat(first.messages()).extracting(ChatMessage::role).containsExactly("user", "assistant");
            assertThat(first.messages().get(1).content()).startsWith("症状分析：").contains("处方推荐：", "处方解释：");
        }

        @Test
        @DisplayName("the alpaca format gives prompt-completion samples: instruction, a blank line, input")
        void alpaca() throws IOException {
            List<SftSample> samples = resource(ALPACA);
            assertThat(samples).hasSize(3).allMatch(SftSample::completionOnly);
            assertThat(samples.get(0).prompt()).containsExactly(
                    ChatMessage.user("根据症状推荐处方\n\n发热恶寒，无汗，头身疼痛，脉浮紧"));
            assertThat(samples.get(0).messages().get(1).content()).startsWith("症状分析：风寒束表");
            assertThat(samples.get(1).prompt()).containsExactly(
                    ChatMessage.user("患者发热恶风，汗出，鼻鸣干呕，脉浮缓，请推荐处方"));
            assertThat(samples.get(2).prompt()).containsExactly(ChatMessage.user("辨证"));
            assertThat(samples.get(2).messages().get(1)).isEqualTo(ChatMessage.assistant("症状分析：营卫不和，风邪袭表。"));
        }

        @Test
        @DisplayName("a file's source names it, its SHA-256 and its samples, blank lines not counted")
        void source(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("two.jsonl");
            Files.writeString(file, "{\"instruction\":\"问\",\"output\":\"答\"}\n\n"
                    + "{\"instruction\":\"问\",\"output\":\"答\"}\n");
            DataSource s = SftJsonl.source(file);
            assertThat(s.name()).isEqualTo("two.jsonl");
            assertThat(s.location()).isEqualTo(file.toAbsolutePath().normalize().toString());
            assertThat(s.records()).isEqualTo(2);
            assertThat(s.sha256()).isEqualTo(Sha256.of(file)).hasSize(64);
        }

        @Test
        @DisplayName("the two formats may be mixed in a file; lines are numbered from 1, blank lines counted")
        void mixed(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("mixed.jsonl");
            Files.writeString(file, "{\"instruction\":\"问\",\"output\":\"答\"}\n\n"
                    + "{\"messages\":[{\"role\":\"system\",\"content\":\"医\"},{\"role\":\"user\",\"content\":\"问\"},"
                    + "{\"role\":\"assistant\",\"content\":\"答\"}]}\n{\"messages\":[]}\n");
            assertThatThrownBy(() -> SftJsonl.read(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ":4: messages: empty conversation");
            Files.writeString(file, Files.readString(file).replace("{\"messages\":[]}\n", ""));
            assertThat(SftJsonl.read(file)).extracting(SftSample::completionOnly).containsExactly(true, false);
        }
    }

    @Nested
    @DisplayName("errors name the file, line and field")
    class Errors {
        private void fails(String line, String message) {
            assertThatThrownBy(() -> SftJsonl.parse(line, "data.jsonl", 7))
                    .isInstanceOf(MalformedDataException.class).hasMessage(message);
        }

        @Test
        @DisplayName("malformed JSON and non-objects")
        void notObjects() {
            assertThatThrownBy(() -> SftJsonl.parse("{\"messages\":", "data.jsonl", 7))
                    .isInstanceOf(MalformedDataException.class).hasMessageStartingWith("data.jsonl:7: not valid JSON: ");
            fails("[1, 2]", "data.jsonl:7: expected a JSON object, found array");
            fails("{\"prompt\":\"x\"}", "data.jsonl:7: expected a \"messages\" array (chat format) or \"instruction\" "
                    + "and \"output\" (alpaca format), found the fields [prompt]");
        }

        @Test
        @DisplayName("the chat format")
        void chat() {
            fails("{\"messages\":\"hi\"}", "data.jsonl:7: messages: expected an array of {role, content} objects, "
                    + "found \"hi\"");
            fails("{\"messages\":[\"hi\"]}", "data.jsonl:7: messages[0]: expected an object with role and content, "
                    + "found \"hi\"");
            fails("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"tool\",\"content\":\"b\"}]}",
                    "data.jsonl:7: messages[1].role: unsupported value 'tool'; supported: system, user, assistant");
            fails("{\"messages\":[{\"role\":\"user\"}]}", "data.jsonl:7: messages[0].content: missing");
            fails("{\"messages\":[{\"role\":\"user\",\"content\":3}]}",
                    "data.jsonl:7: messages[0].content: expected a string, found 3");
            fails("{\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"name\":\"x\"}]}",
                    "data.jsonl:7: messages[0].name: unknown field; expected one of role, content");
            fails("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}",
                    "data.jsonl:7: messages: no assistant message, so nothing to learn");
            fails("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"instruction\":\"b\"}",
                    "data.jsonl:7: instruction: unknown field; expected one of messages");
        }

        @Test
        @DisplayName("the alpaca format")
        void alpaca() {
            fails("{\"output\":\"答\"}", "data.jsonl:7: instruction: missing");
            fails("{\"instruction\":\" \",\"output\":\"答\"}", "data.jsonl:7: instruction: empty string");
            fails("{\"instruction\":\"问\"}", "data.jsonl:7: output: missing");
            fails("{\"instruction\":\"问\",\"output\":\"\"}", "data.jsonl:7: output: empty string");
            fails("{\"instruction\":\"问\",\"input\":[1],\"output\":\"答\"}",
                    "data.jsonl:7: input: expected a string, found [1]");
            fails("{\"instruction\":\"问\",\"output\":\"答\",\"history\":[]}",
                    "data.jsonl:7: history: unknown field; expected one of instruction, input, output");
        }
    }
}
