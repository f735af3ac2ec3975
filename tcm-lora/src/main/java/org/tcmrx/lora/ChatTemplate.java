package org.tcmrx.lora;

import static org.tcmrx.lora.QwenTokenizer.IM_END;
import static org.tcmrx.lora.QwenTokenizer.IM_START;

import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2.5's chat template (ChatML), written in Java: what {@code tokenizer.apply_chat_template(messages,
 * tokenize=False, add_generation_prompt=...)} returns for Qwen2.5 Instruct models when no tools are given.
 *
 * <p>Every message is rendered as {@code <|im_start|>{role}\n{content}<|im_end|>\n}, in order, whatever its role and
 * position (a system message after the first is rendered where it stands, as Qwen2.5's template does). When the
 * first message is not a system message, a system message with the default system text is rendered first:
 * Qwen2.5's {@value #QWEN25_SYSTEM_MESSAGE} unless the builder sets another text or none. A generation prompt is
 * {@code <|im_start|>assistant\n}. Content is copied verbatim: special tokens written in it are not escaped, as in
 * Hugging Face.
 *
 * <p>For training, {@link #renderTraining(List, String)} and {@link #renderTraining(List)} also say where the
 * assistant text lies, so that {@link QwenTokenizer#encode(TrainingText)} can mark the tokens the loss is taken on.
 */
public final class ChatTemplate {
    /** The system message Qwen2.5's template inserts when the first message is not a system message. */
    public static final String QWEN25_SYSTEM_MESSAGE =
            "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    private static final ChatTemplate QWEN25 = new ChatTemplate(QWEN25_SYSTEM_MESSAGE);

    /** The default system text, or null for none. */
    private final String defaultSystemMessage;

    private ChatTemplate(String defaultSystemMessage) {
        this.defaultSystemMessage = defaultSystemMessage;
    }

    /**
     * Returns Qwen2.5's template, with its default system message.
     *
     * @return the template
     */
    public static ChatTemplate qwen25() {
        return QWEN25;
    }

    /**
     * Starts a template from Qwen2.5's.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the system text rendered when the first message is not a system message.
     *
     * @return the text, or null when none is inserted
     */
    public String defaultSystemMessage() {
        return defaultSystemMessage;
    }

    /**
     * Renders messages as Qwen2.5's {@code apply_chat_template} does.
     *
     * @param messages the messages, at least one
     * @param addGenerationPrompt whether to end with {@code <|im_start|>assistant\n}, the prompt for the model's
     *     answer
     * @return the text
     * @throws IllegalArgumentException when the list is null or empty or holds null
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(checked(messages, "messages"), addGenerationPrompt, Integer.MAX_VALUE, null);
    }

    /**
     * Renders a prompt and its completion for supervised fine-tuning: the text of {@code prompt} followed by the
     * assistant message {@code completion}, with only the completion to be learnt (TRL's prompt-completion
     * format: assistant messages inside the prompt are context, not targets). The text up to
     * {@link AssistantTurn#contentStart()} is {@code render(prompt, true)} when the prompt is not empty.
     *
     * @param prompt the messages before the completion; may be empty
     * @param completion the assistant's answer
     * @return the text and the one assistant turn to learn
     * @throws IllegalArgumentException when an argument is null or the prompt holds null
     */
    public TrainingText renderTraining(List<ChatMessage> prompt, String completion) {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        if (completion == null) {
            throw new IllegalArgumentException("completion must not be null");
        }
        List<ChatMessage> messages = new ArrayList<>(prompt.size() + 1);
        messages.addAll(prompt);
        messages.add(ChatMessage.assistant(completion));
        List<AssistantTurn> turns = new ArrayList<>(1);
        String text = render(checked(messages, "prompt"), false, prompt.size(), turns);
        return new TrainingText(text, turns);
    }

    /**
     * Renders a whole conversation for supervised fine-tuning with every assistant message to be learnt, as TRL's
     * {@code assistant_only_loss} does.
     *
     * @param conversation the messages, with at least one assistant message
     * @return the text and its assistant turns, in order
     * @throws IllegalArgumentException when the list is null or empty, holds null, or has no assistant message
     */
    public TrainingText renderTraining(List<ChatMessage> conversation) {
        List<AssistantTurn> turns = new ArrayList<>();
        String text = render(checked(conversation, "conversation"), false, 0, turns);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("conversation has no assistant message, so nothing to learn");
        }
        return new TrainingText(text, turns);
    }

    /**
     * Renders messages, recording the assistant turns from index {@code learnFrom} on when {@code turns} is not
     * null.
     */
    private String render(List<ChatMessage> messages, boolean addGenerationPrompt, int learnFrom,
            List<AssistantTurn> turns) {
        StringBuilder text = new StringBuilder();
        if (!messages.get(0).role().equals(ChatMessage.SYSTEM) && defaultSystemMessage != null) {
            text.append(IM_START).append(ChatMessage.SYSTEM).append('\n').append(defaultSystemMessage)
                    .append(IM_END).append('\n');
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            text.append(IM_START).append(m.role()).append('\n');
            int start = text.length();
            text.append(m.content());
            if (turns != null && i >= learnFrom && m.role().equals(ChatMessage.ASSISTANT)) {
                turns.add(new AssistantTurn(start, text.length()));
            }
            text.append(IM_END).append('\n');
        }
        if (addGenerationPrompt) {
            text.append(IM_START).append(ChatMessage.ASSISTANT).append('\n');
        }
        return text.toString();
    }

    private static List<ChatMessage> checked(List<ChatMessage> messages, String what) {
        if (messages == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (messages.isEmpty()) {
            // Qwen2.5's template reads messages[0] and fails on an empty list too.
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw new IllegalArgumentException(what + "[" + i + "] must not be null");
            }
        }
        return messages;
    }

    /**
     * Where one assistant message lies in a rendered text, in {@code char} (UTF-16) indices.
     *
     * @param contentStart the index of the content's first character, right after {@code <|im_start|>assistant\n}
     * @param contentEnd the index after the content's last character, where its {@code <|im_end|>} starts
     */
    public record AssistantTurn(int contentStart, int contentEnd) {
        /**
         * Validates the indices.
         *
         * @param contentStart the index of the content's first character
         * @param contentEnd the index after the content's last character
         * @throws IllegalArgumentException when they are not a range of non-negative indices
         */
        public AssistantTurn {
            if (contentStart < 0 || contentEnd < contentStart) {
                throw new IllegalArgumentException("[" + contentStart + ", " + contentEnd
                        + ") is not a range of non-negative indices");
            }
        }

        /**
         * Returns the end of what is learnt: the content and its {@code <|im_end|>}, so that the model learns to
         * stop. The newline after {@code <|im_end|>} is not included, as in TRL's assistant masks.
         *
         * @return {@code contentEnd() + "<|im_end|>".length()}
         */
        public int end() {
            return contentEnd + IM_END.length();
        }
    }

    /**
     * A rendered conversation and the assistant turns to learn.
     *
     * @param text the rendered text
     * @param assistantTurns the turns to learn, in order
     */
    public record TrainingText(String text, List<AssistantTurn> assistantTurns) {
        /**
         * Validates that every turn lies in the text, in order, and is followed by {@code <|im_end|>}.
         *
         * @param text the rendered text
         * @param assistantTurns the turns to learn, in order
         * @throws IllegalArgumentException when an argument is null or holds null, or a turn overlaps the one
         *     before it or is not followed by {@code <|im_end|>} in the text
         */
        public TrainingText {
            if (text == null) {
                throw new IllegalArgumentException("text must not be null");
            }
            assistantTurns = List.copyOf(checkedTurns(text, assistantTurns));
        }

        private static List<AssistantTurn> checkedTurns(String text, List<AssistantTurn> turns) {
            if (turns == null) {
                throw new IllegalArgumentException("assistantTurns must not be null");
            }
            int previousEnd = 0;
            for (int i = 0; i < turns.size(); i++) {
                AssistantTurn t = turns.get(i);
                if (t == null) {
                    throw new IllegalArgumentException("assistantTurns[" + i + "] must not be null");
                }
                if (t.contentStart() < previousEnd || !text.startsWith(IM_END, t.contentEnd())) {
                    throw new IllegalArgumentException("assistantTurns[" + i + "]: [" + t.contentStart() + ", "
                            + t.contentEnd() + ") is not content followed by " + IM_END + " after the turn before");
                }
                previousEnd = t.end();
            }
            return turns;
        }
    }

    /** Builds a {@link ChatTemplate}, starting from Qwen2.5's. */
    public static final class Builder {
        private String defaultSystemMessage = QWEN25_SYSTEM_MESSAGE;
        private boolean none;

        private Builder() {}

        /**
         * Sets the system text rendered when the first message is not a system message.
         *
         * @param text the text (may be empty); Qwen2.5's {@value ChatTemplate#QWEN25_SYSTEM_MESSAGE} by default
         * @return this builder
         */
        public Builder optDefaultSystemMessage(String text) {
            defaultSystemMessage = text;
            none = false;
            return this;
        }

        /**
         * Renders no system message when the first message is not one (as Qwen3's template does).
         *
         * @return this builder
         */
        public Builder optNoDefaultSystemMessage() {
            defaultSystemMessage = null;
            none = true;
            return this;
        }

        /**
         * Builds the template.
         *
         * @return the template
         * @throws IllegalArgumentException when the default system text was set to null
         */
        public ChatTemplate build() {
            if (!none && defaultSystemMessage == null) {
                throw new IllegalArgumentException(
                        "defaultSystemMessage must not be null; use optNoDefaultSystemMessage() for none");
            }
            return new ChatTemplate(defaultSystemMessage);
        }
    }
}
