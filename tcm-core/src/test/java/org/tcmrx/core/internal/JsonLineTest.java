package org.tcmrx.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.MalformedDataException;

@DisplayName("JsonLine")
class JsonLineTest {
    private static final JsonLine AT = new JsonLine("cases.jsonl", 7);

    private static JsonNode object(String json) {
        return AT.parseObject(json);
    }

    @Nested
    @DisplayName("parseObject")
    class ParseObject {
        @Test
        @DisplayName("returns the object of a line")
        void object() {
            assertThat(AT.parseObject("{\"id\":\"a\"}").get("id").asText()).isEqualTo("a");
        }

        @Test
        @DisplayName("text that is not JSON is reported with the parser's words and kept as the cause")
        void notJson() {
            assertThatThrownBy(() -> AT.parseObject("{\"id\":"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith("cases.jsonl:7: not valid JSON: ")
                    .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
        }

        @Test
        @DisplayName("JSON other than an object names what it found")
        void notObject() {
            assertThatThrownBy(() -> AT.parseObject("[1, 2]"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("cases.jsonl:7: expected a JSON object, found array");
            assertThatThrownBy(() -> AT.parseObject("\"text\""))
                    .hasMessage("cases.jsonl:7: expected a JSON object, found string");
        }
    }

    @Nested
    @DisplayName("fields")
    class Fields {
        @Test
        @DisplayName("a nested field's path is prefix.key; a null prefix is the top level")
        void path() {
            assertThat(JsonLine.path(null, "id")).isEqualTo("id");
            assertThat(JsonLine.path("messages[2]", "role")).isEqualTo("messages[2].role");
        }

        @Test
        @DisplayName("an unknown key is named with its path and the accepted keys")
        void unknown() {
            JsonNode node = object("{\"role\":\"user\",\"contents\":\"x\"}");
            assertThatThrownBy(() -> AT.rejectUnknown(node, "messages[0]", List.of("role", "content")))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("cases.jsonl:7: messages[0].contents: unknown field; expected one of role, content");
            assertThatThrownBy(() -> AT.rejectUnknown(node, null, List.of("role")))
                    .hasMessage("cases.jsonl:7: contents: unknown field; expected one of role");
        }

        @Test
        @DisplayName("an absent or null field is missing")
        void missing() {
            JsonNode node = object("{\"a\":null,\"b\":{}}");
            assertThatThrownBy(() -> AT.required(node, "a")).hasMessage("cases.jsonl:7: a: missing");
            assertThatThrownBy(() -> AT.string(node.get("b"), "b", "c")).hasMessage("cases.jsonl:7: b.c: missing");
            assertThat(AT.required(node, "b").isObject()).isTrue();
        }

        @Test
        @DisplayName("a string field returns its text, empty included, and rejects other values")
        void string() {
            JsonNode node = object("{\"id\":\"\",\"n\":3}");
            assertThat(AT.string(node, "id")).isEmpty();
            assertThatThrownBy(() -> AT.string(node, "n")).hasMessage("cases.jsonl:7: n: expected a string, found 3");
        }

        @Test
        @DisplayName("blank text is an empty string")
        void nonBlank() {
            assertThat(AT.nonBlank(" a ", "id")).isEqualTo(" a ");
            assertThatThrownBy(() -> AT.nonBlank(" \t", "id")).hasMessage("cases.jsonl:7: id: empty string");
        }

        @Test
        @DisplayName("a failure keeps location, line and field apart")
        void fail() {
            MalformedDataException e = AT.fail(null, "bad");
            assertThat(e).hasMessage("cases.jsonl:7: bad");
            assertThat(e.location()).isEqualTo("cases.jsonl");
            assertThat(e.line()).isEqualTo(7);
            assertThat(e.field()).isNull();
            assertThat(AT.fail("id", "bad").field()).isEqualTo("id");
        }
    }

    @Test
    @DisplayName("TextLines.parseNonBlank parses every non-blank line with its own number")
    void parseNonBlank() throws IOException {
        byte[] text = "{\"id\":\"a\"}\n\n  \n{\"id\":\"b\"}\n".getBytes(StandardCharsets.UTF_8);
        List<String> ids = TextLines.parseNonBlank(new ByteArrayInputStream(text), "ids.jsonl",
                (line, location, n) -> {
                    JsonLine at = new JsonLine(location, n);
                    return location + ":" + n + "=" + at.string(at.parseObject(line), "id");
                });
        assertThat(ids).containsExactly("ids.jsonl:1=a", "ids.jsonl:4=b");
    }
}
