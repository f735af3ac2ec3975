package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.internal.Json;
import org.tcmrx.lora.ChatTemplate.AssistantTurn;
import org.tcmrx.lora.ChatTemplate.TrainingText;

@DisplayName("ChatTemplate")
class ChatTemplateTest {
    private static final ChatMessage S = ChatMessage.system("S");
    private static final ChatMessage U = ChatMessage.user("U");
    private static final ChatMessage A = ChatMessage.assistant("A");
    /** The fixture README's rendering of [system S, user U, assistant A]. */
    private static final String SUA =
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n";
    private static final String QWEN25_SYSTEM =
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n";

    @Nested
    @DisplayName("renders as Qwen2.5's apply_chat_template")
    class Rendering {
        @Test
        @DisplayName("[system S, user U, assistant A] exactly as the fixture README gives it")
        void readme() {
            assertThat(ChatTemplate.qwen25().render(List.of(S, U, A), false)).isEqualTo(SUA);
        }

        @Test
        @DisplayName("with add_generation_prompt, ends with <|im_start|>assistant\\n")
        void generationPrompt() {
            assertThat(ChatTemplate.qwen25().render(List.of(S, U), true))
                    .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n"
                            + "<|im_start|>assistant\n");
            assertThat(ChatTemplate.qwen25().render(List.of(S, U, A), true)).isEqualTo(SUA + "<|im_start|>assistant\n");
        }

        @Test
        @DisplayName("inserts Qwen2.5's default system message when the first message is not a system message")
        void defaultSystem() {
            assertThat(ChatTemplate.qwen25().defaultSystemMessage())
                    .isEqualTo("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.");
            assertThat(ChatTemplate.qwen25().render(List.of(U, A), false))
                    .isEqualTo(QWEN25_SYSTEM + "<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n");
            assertThat(ChatTemplate.qwen25().render(List.of(A), false))
                    .isEqualTo(QWEN25_SYSTEM + "<|im_start|>assistant\nA<|im_end|>\n");
            assertThat(ChatTemplate.builder().build().render(List.of(U), true))
                    .isEqualTo(ChatTemplate.qwen25().render(List.of(U), true));
        }

        @Test
        @DisplayName("takes another default system message, an empty one, or none from the builder")
        void configuredSystem() {
            assertThat(ChatTemplate.builder().optDefaultSystemMessage("You are a TCM assistant.").build()
                    .render(List.of(U), true)).isEqualTo("<|im_start|>system\nYou are a TCM assistant.<|im_end|>\n"
                            + "<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
            assertThat(ChatTemplate.builder().optDefaultSystemMessage("").build().render(List.of(U), false))
                    .isEqualTo("<|im_start|>system\n<|im_end|>\n<|im_start|>user\nU<|im_end|>\n");
            ChatTemplate none = ChatTemplate.builder().optNoDefaultSystemMessage().build();
            assertThat(none.defaultSystemMessage()).isNull();
            assertThat(none.render(List.of(U, A), false))
                    .isEqualTo("<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n");
            assertThat(none.render(List.of(S, U, A), false)).isEqualTo(SUA);
        }

        @Test
        @DisplayName("renders a later system message where it stands, as Qwen2.5's template does")
        void laterSystem() {
            assertThat(ChatTemplate.qwen25().render(List.of(U, S), false))
                    .isEqualTo(QWEN25_SYSTEM + "<|im_start|>user\nU<|im_end|>\n<|im_start|>system\nS<|im_end|>\n");
        }

        @Test
        @DisplayName("gives the ChatML text of expected_encodings.json")
        void fixtureCase() throws IOException {
            String dir = System.getProperty("tcmrx.fixtures.dir");
            assumeTrue(dir != null, "tcmrx.fixtures.dir is not set");
            Path file = Path.of(dir).resolve("qwen-tokenizer").resolve("expected_encodings.json");
            assumeTrue(Files.isRegularFile(file), "no fixture at " + file);
            JsonNode chat = Json.MAPPER.readTree(file.toFile()).get("cases").get(3);
            assertThat(ChatTemplate.qwen25().render(List.of(ChatMessage.system("You are a TCM assistant."),
                    ChatMessage.user("头痛，咳嗽")), true)).isEqualTo(chat.get("text").asText());
        }
    }

    @Nested
    @DisplayName("renders for training")
    class Training {
        @Test
        @DisplayName("a prompt/completion pair: the prompt with its generation prompt, then the completion's turn")
        void promptCompletion() {
            List<ChatMessage> prompt = List.of(S, U);
            TrainingText t = ChatTemplate.qwen25().renderTraining(prompt, "麻黄汤");
            assertThat(t.text())
                    .isEqualTo(ChatTemplate.qwen25().render(List.of(S, U, ChatMessage.assistant("麻黄汤")), false));
            String head = ChatTemplate.qwen25().render(prompt, true);
            assertThat(t.assistantTurns()).containsExactly(new AssistantTurn(head.length(), head.length() + 3));
            AssistantTurn turn = t.assistantTurns().get(0);
            assertThat(t.text().substring(0, turn.contentStart())).isEqualTo(head);
            assertThat(t.text().substring(turn.contentStart(), turn.contentEnd())).isEqualTo("麻黄汤");
            assertThat(t.text().substring(turn.contentStart(), turn.end())).isEqualTo("麻黄汤<|im_end|>");
            assertThat(t.text().substring(turn.end())).isEqualTo("\n");
        }

        @Test
        @DisplayName("a prompt/completion pair learns only the completion, even after assistant turns in the prompt")
        void onlyCompletion() {
            TrainingText t = ChatTemplate.qwen25().renderTraining(List.of(U, A, U), "B");
            assertThat(t.assistantTurns()).hasSize(1);
            assertThat(t.text().substring(t.assistantTurns().get(0).contentStart())).isEqualTo("B<|im_end|>\n");
            TrainingText empty = ChatTemplate.qwen25().renderTraining(List.of(), "B");
            assertThat(empty.text()).isEqualTo(QWEN25_SYSTEM + "<|im_start|>assistant\nB<|im_end|>\n");
        }

        @Test
        @DisplayName("a conversation learns every assistant turn, in order")
        void conversation() {
            TrainingText t = ChatTemplate.qwen25().renderTraining(List.of(S, U, A, U, ChatMessage.assistant("BB")));
            assertThat(t.text())
                    .isEqualTo(SUA + "<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nBB<|im_end|>\n");
            assertThat(t.assistantTurns()).extracting(turn -> t.text().substring(turn.contentStart(), turn.end()))
                    .containsExactly("A<|im_end|>", "BB<|im_end|>");
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {
        @Test
        @DisplayName("messages: null, empty, holding null")
        void messages() {
            ChatTemplate t = ChatTemplate.qwen25();
            assertThatThrownBy(() -> t.render(null, true)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("messages must not be null");
            assertThatThrownBy(() -> t.render(List.of(), true)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("messages must not be empty");
            assertThatThrownBy(() -> t.render(Arrays.asList(U, null), true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("messages[1] must not be null");
            assertThatThrownBy(() -> t.renderTraining(null, "A")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prompt must not be null");
            assertThatThrownBy(() -> t.renderTraining(List.of(U), null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("completion must not be null");
            assertThatThrownBy(() -> t.renderTraining(Arrays.asList(null, U), "A"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("prompt[0] must not be null");
            assertThatThrownBy(() -> t.renderTraining(List.of(S, U))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("conversation has no assistant message, so nothing to learn");
            assertThatThrownBy(() -> t.renderTraining(List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("conversation must not be empty");
        }

        @Test
        @DisplayName("ChatMessage: a role other than system, user, assistant, or a null role or content")
        void chatMessage() {
            assertThatThrownBy(() -> new ChatMessage("tool", "x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("role: unsupported value 'tool'; supported: system, user, assistant");
            assertThatThrownBy(() -> new ChatMessage("User", "x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("role: unsupported value 'User'; supported: system, user, assistant");
            assertThatThrownBy(() -> new ChatMessage(null, "x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("role must not be null");
            assertThatThrownBy(() -> ChatMessage.user(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("content must not be null");
            assertThat(ChatMessage.assistant("")).isEqualTo(new ChatMessage("assistant", ""));
        }

        @Test
        @DisplayName("builder: a null default system message")
        void builder() {
            assertThatThrownBy(() -> ChatTemplate.builder().optDefaultSystemMessage(null).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("defaultSystemMessage must not be null; use optNoDefaultSystemMessage() for none");
        }

        @Test
        @DisplayName("TrainingText and AssistantTurn: turns outside the text, out of order or not ended by <|im_end|>")
        void trainingText() {
            String text = "x<|im_end|>y<|im_end|>";
            assertThat(new TrainingText(text, List.of(new AssistantTurn(0, 1), new AssistantTurn(11, 12)))
                    .assistantTurns()).hasSize(2);
            assertThatThrownBy(() -> new TrainingText(text, List.of(new AssistantTurn(0, 2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("assistantTurns[0]: [0, 2) is not content followed by <|im_end|> after the turn "
                            + "before");
            assertThatThrownBy(() -> new TrainingText(text,
                    List.of(new AssistantTurn(11, 12), new AssistantTurn(0, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("assistantTurns[1]: [0, 1) is not content followed by <|im_end|> after the turn "
                            + "before");
            assertThatThrownBy(() -> new TrainingText(text, List.of(new AssistantTurn(11, 30))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("assistantTurns[0]: [11, 30) is not content followed by <|im_end|> after the turn "
                            + "before");
            assertThatThrownBy(() -> new TrainingText(null, List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("text must not be null");
            assertThatThrownBy(() -> new TrainingText(text, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("assistantTurns must not be null");
            assertThatThrownBy(() -> new AssistantTurn(3, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("[3, 2) is not a range of non-negative indices");
        }
    }
}
