package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;
import org.tcmrx.lora.ChatMessage;

@DisplayName("PreferencePairJsonl")
class PreferencePairJsonlTest {
    private static final PreferencePair FIRST = new PreferencePair("case-1",
            List.of(ChatMessage.system("你是中医。"), ChatMessage.user("症状：发热\n脉象：浮")), "症状分析：甲\n处方推荐：麻黄",
            "症状分析：乙", 1.0, 0.25, PreferencePair.BART, Map.of("writer", "knowledge", "metric", "f1"));
    private static final PreferencePair SECOND = new PreferencePair("case-2", List.of(ChatMessage.user("问")), "好答",
            "差答 \"引号\"", 0.5, 0.0, PreferencePair.LLM, Map.of());

    @Nested
    @DisplayName("writing and reading")
    class RoundTrip {
        @TempDir
        Path dir;

        @Test
        @DisplayName("write then read gives the same pairs")
        void roundTrip() throws IOException {
            Path file = dir.resolve("out/pairs.jsonl");
            PreferencePairJsonl.write(file, List.of(FIRST, SECOND));
            assertThat(PreferencePairJsonl.read(file)).containsExactly(FIRST, SECOND);
            assertThat(Files.readAllLines(file)).hasSize(2);
        }

        @Test
        @DisplayName("append adds whole lines, creating the file")
        void append() throws IOException {
            Path file = dir.resolve("pairs.jsonl");
            PreferencePairJsonl.append(file, FIRST);
            PreferencePairJsonl.append(file, SECOND);
            assertThat(PreferencePairJsonl.read(file)).containsExactly(FIRST, SECOND);
        }

        @Test
        @DisplayName("a line is TRL's conversational preference format, then TCM-Rx's fields")
        void format() throws JsonProcessingException {
            assertThat(Json.MAPPER.writeValueAsString(PreferencePairJsonl.toJson(SECOND))).isEqualTo(
                    "{\"prompt\":[{\"role\":\"user\",\"content\":\"问\"}],"
                            + "\"chosen\":[{\"role\":\"assistant\",\"content\":\"好答\"}],"
                            + "\"rejected\":[{\"role\":\"assistant\",\"content\":\"差答 \\\"引号\\\"\"}],"
                            + "\"id\":\"case-2\",\"chosen_score\":0.5,\"rejected_score\":0.0,\"chosen_source\":\"llm\","
                            + "\"metadata\":{}}");
        }

        @Test
        @DisplayName("TRL's standard format is read too: the prompt string is one user message, metadata optional")
        void standard() throws IOException {
            String line = "{\"prompt\":\"问\",\"chosen\":\"好答\",\"rejected\":\"差答\",\"id\":\"c\","
                    + "\"chosen_score\":1,\"rejected_score\":0.5,\"chosen_source\":\"bart\"}";
            assertThat(PreferencePairJsonl.parse(line, "pairs.jsonl", 1)).isEqualTo(new PreferencePair("c",
                    List.of(ChatMessage.user("问")), "好答", "差答", 1.0, 0.5, "bart", Map.of()));
        }

        @Test
        @DisplayName("blank lines are skipped but counted in line numbers")
        void blankLines() throws IOException {
            String good = Json.MAPPER.writeValueAsString(PreferencePairJsonl.toJson(FIRST));
            byte[] bytes = (good + "\n\n" + good.replace("\"chosen\"", "\"chosen2\"") + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> PreferencePairJsonl.read(new ByteArrayInputStream(bytes), "pairs.jsonl"))
                    .isInstanceOf(MalformedDataException.class).hasMessageStartingWith("pairs.jsonl:3: chosen2: ");
            Path file = dir.resolve("blank.jsonl");
            Files.writeString(file, good + "\n\n" + good + "\n");
            assertThat(PreferencePairJsonl.read(file)).containsExactly(FIRST, FIRST);
        }

        @Test
        @DisplayName("a file's errors name the file")
        void fileErrors() throws IOException {
            Path file = dir.resolve("bad.jsonl");
            ObjectNode node = PreferencePairJsonl.toJson(FIRST);
            node.remove("chosen");
            Files.writeString(file, Json.MAPPER.writeValueAsString(PreferencePairJsonl.toJson(FIRST)) + "\n"
                    + Json.MAPPER.writeValueAsString(node) + "\n");
            assertThatThrownBy(() -> PreferencePairJsonl.read(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ":2: chosen: missing");
        }
    }

    @Nested
    @DisplayName("errors name the file, line and field")
    class Errors {
        /** FIRST's line, changed. */
        private String line(Consumer<ObjectNode> change) throws JsonProcessingException {
            ObjectNode node = PreferencePairJsonl.toJson(FIRST);
            change.accept(node);
            return Json.MAPPER.writeValueAsString(node);
        }

        private void fails(String line, String message) {
            assertThatThrownBy(() -> PreferencePairJsonl.parse(line, "pairs.jsonl", 3))
                    .isInstanceOf(MalformedDataException.class).hasMessage(message);
        }

        private void fails(Consumer<ObjectNode> change, String message) throws JsonProcessingException {
            fails(line(change), message);
        }

        @Test
        @DisplayName("malformed JSON, non-objects, unknown and missing fields")
        void structure() throws JsonProcessingException {
            assertThatThrownBy(() -> PreferencePairJsonl.parse("{\"prompt\":", "pairs.jsonl", 3))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith("pairs.jsonl:3: not valid JSON: ");
            fails("[1]", "pairs.jsonl:3: expected a JSON object, found array");
            fails(n -> n.put("score", 1), "pairs.jsonl:3: score: unknown field; expected one of prompt, chosen, "
                    + "rejected, id, chosen_score, rejected_score, chosen_source, metadata");
            for (String field : List.of("prompt", "chosen", "rejected", "id", "chosen_score", "rejected_score",
                    "chosen_source")) {
                fails(n -> n.remove(field), "pairs.jsonl:3: " + field + ": missing");
            }
            fails(n -> n.putNull("chosen"), "pairs.jsonl:3: chosen: missing");
            assertThat(PreferencePairJsonl.parse(line(n -> n.remove("metadata")), "pairs.jsonl", 3).metadata())
                    .isEmpty();
        }

        @Test
        @DisplayName("the prompt")
        void prompt() throws JsonProcessingException {
            fails(n -> n.put("prompt", 3), "pairs.jsonl:3: prompt: expected a string (standard format) or an array "
                    + "of {role, content} objects (conversational format), found 3");
            fails(n -> n.putArray("prompt"), "pairs.jsonl:3: prompt: empty conversation");
            fails(n -> n.put("prompt", " "), "pairs.jsonl:3: prompt: empty string");
            fails(n -> n.withArray("prompt").addObject().put("role", "assistant").put("content", "答"),
                    "pairs.jsonl:3: prompt: ends with an assistant message; the prompt is the conversation before the "
                            + "answer");
            fails(n -> ((ObjectNode) n.withArray("prompt").get(1)).put("role", "tool"),
                    "pairs.jsonl:3: prompt[1].role: unsupported value 'tool'; supported: system, user, assistant");
            fails(n -> ((ObjectNode) n.withArray("prompt").get(0)).remove("content"),
                    "pairs.jsonl:3: prompt[0].content: missing");
            fails(n -> ((ObjectNode) n.withArray("prompt").get(0)).put("name", "x"),
                    "pairs.jsonl:3: prompt[0].name: unknown field; expected one of role, content");
            fails(n -> n.withArray("prompt").add("hi"),
                    "pairs.jsonl:3: prompt[2]: expected an object with role and content, found \"hi\"");
        }

        @Test
        @DisplayName("the answers")
        void answers() throws JsonProcessingException {
            fails(n -> n.put("chosen", "答"), "pairs.jsonl:3: chosen: expected an array of one assistant message, "
                    + "as the prompt is an array (conversational format), found \"答\"");
            fails(n -> n.withArray("chosen").addObject().put("role", "assistant").put("content", "再答"),
                    "pairs.jsonl:3: chosen: expected one assistant message, found 2 messages");
            fails(n -> n.putArray("rejected"), "pairs.jsonl:3: rejected: expected one assistant message, found 0 "
                    + "messages");
            fails(n -> ((ObjectNode) n.withArray("chosen").get(0)).put("role", "user"),
                    "pairs.jsonl:3: chosen[0].role: expected assistant, found user");
            fails(n -> ((ObjectNode) n.withArray("rejected").get(0)).put("content", " "),
                    "pairs.jsonl:3: rejected[0].content: empty string");
            fails(n -> ((ObjectNode) n.withArray("rejected").get(0)).put("content", FIRST.chosen()),
                    "pairs.jsonl:3: rejected: the same text as chosen");
            fails("{\"prompt\":\"问\",\"chosen\":\"答\",\"rejected\":[{\"role\":\"assistant\",\"content\":\"答\"}]}",
                    "pairs.jsonl:3: rejected: expected a string, as the prompt is one (standard format), found "
                            + "[{\"role\":\"assistant\",\"content\":\"答\"}]");
        }

        @Test
        @DisplayName("id, scores, source and metadata")
        void fields() throws JsonProcessingException {
            fails(n -> n.put("id", ""), "pairs.jsonl:3: id: empty string");
            fails(n -> n.put("id", " x"), "pairs.jsonl:3: id: surrounding white space in ' x'");
            fails(n -> n.put("id", 7), "pairs.jsonl:3: id: expected a string, found 7");
            fails(n -> n.put("chosen_score", "high"), "pairs.jsonl:3: chosen_score: expected a number, found "
                    + "\"high\"");
            fails(n -> n.put("chosen_source", "gpt"), "pairs.jsonl:3: chosen_source: unsupported value 'gpt'; "
                    + "supported: bart, llm");
            fails(n -> n.put("metadata", "x"), "pairs.jsonl:3: metadata: expected an object of strings, found \"x\"");
            fails(n -> n.withObject("metadata").put("margin", 0.1),
                    "pairs.jsonl:3: metadata.margin: expected a string, found 0.1");
        }
    }
}
