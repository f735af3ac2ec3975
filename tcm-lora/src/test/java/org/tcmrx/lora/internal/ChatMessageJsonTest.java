package org.tcmrx.lora.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.JsonLine;
import org.tcmrx.lora.ChatMessage;

@DisplayName("ChatMessageJson")
class ChatMessageJsonTest {
    private static final JsonLine AT = new JsonLine("chat.jsonl", 2);

    private static JsonNode messages(String array) {
        return AT.parseObject("{\"m\":" + array + "}").get("m");
    }

    @Test
    @DisplayName("an array of {role, content} objects gives the messages in order")
    void conversation() {
        JsonNode array = messages("[{\"role\":\"system\",\"content\":\"\"},{\"content\":\"发热\",\"role\":\"user\"},"
                + "{\"role\":\"assistant\",\"content\":\"麻黄汤\"}]");
        assertThat(ChatMessageJson.conversation(AT, array, "m")).containsExactly(
                ChatMessage.system(""), ChatMessage.user("发热"), ChatMessage.assistant("麻黄汤"));
    }

    @Test
    @DisplayName("an empty array is an empty conversation")
    void empty() {
        assertThatThrownBy(() -> ChatMessageJson.conversation(AT, messages("[]"), "m"))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("chat.jsonl:2: m: empty conversation");
    }

    @Test
    @DisplayName("an element's errors name its index and field")
    void elementErrors() {
        assertThatThrownBy(() -> ChatMessageJson.conversation(AT, messages("[{\"role\":\"user\",\"content\":\"a\"},"
                + "\"b\"]"), "m"))
                .hasMessage("chat.jsonl:2: m[1]: expected an object with role and content, found \"b\"");
        assertThatThrownBy(() -> ChatMessageJson.message(AT, messages("{\"role\":\"tool\",\"content\":\"a\"}"),
                "chosen[0]"))
                .hasMessage("chat.jsonl:2: chosen[0].role: unsupported value 'tool'; supported: system, user, "
                        + "assistant");
        assertThatThrownBy(() -> ChatMessageJson.message(AT, messages("{\"role\":\"user\",\"text\":\"a\"}"), "p[0]"))
                .hasMessage("chat.jsonl:2: p[0].text: unknown field; expected one of role, content");
        assertThatThrownBy(() -> ChatMessageJson.message(AT, messages("{\"role\":\"user\"}"), "p[0]"))
                .hasMessage("chat.jsonl:2: p[0].content: missing");
        assertThatThrownBy(() -> ChatMessageJson.message(AT, messages("{\"role\":1,\"content\":\"a\"}"), "p[0]"))
                .hasMessage("chat.jsonl:2: p[0].role: expected a string, found 1");
    }
}
