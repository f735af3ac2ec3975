package org.tcmrx.lora;

import java.util.ArrayList;
import java.util.List;

/**
 * One example for supervised fine-tuning, in one of TRL's two conversational forms: a whole conversation whose every
 * assistant message is learnt ({@code assistant_only_loss}), or a prompt and its completion, where only the completion
 * is learnt and assistant messages inside the prompt are context.
 *
 * @param messages the conversation; for a prompt-completion sample the prompt followed by the completion as the last
 *     (assistant) message
 * @param completionOnly true when only the last message is learnt, false when every assistant message is
 */
public record SftSample(List<ChatMessage> messages, boolean completionOnly) {
    /**
     * Validates and copies the messages.
     *
     * @param messages the conversation
     * @param completionOnly whether only the last message is learnt
     * @throws IllegalArgumentException when the list is null, empty or holds null, has no assistant message, or, for
     *     a prompt-completion sample, does not end with an assistant message
     */
    public SftSample {
        if (messages == null) {
            throw new IllegalArgumentException("messages must not be null");
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw new IllegalArgumentException("messages[" + i + "] must not be null");
            }
        }
        messages = List.copyOf(messages);
        if (completionOnly && !messages.get(messages.size() - 1).role().equals(ChatMessage.ASSISTANT)) {
            throw new IllegalArgumentException("a prompt-completion sample must end with an assistant message, got "
                    + messages.get(messages.size() - 1).role());
        }
        if (messages.stream().noneMatch(m -> m.role().equals(ChatMessage.ASSISTANT))) {
            throw new IllegalArgumentException("messages have no assistant message, so nothing to learn");
        }
    }

    /**
     * Creates a conversation sample: every assistant message is learnt.
     *
     * @param messages the conversation, with at least one assistant message
     * @return the sample
     * @throws IllegalArgumentException as the constructor
     */
    public static SftSample conversation(List<ChatMessage> messages) {
        return new SftSample(messages, false);
    }

    /**
     * Creates a prompt-completion sample: only the completion is learnt.
     *
     * @param prompt the messages before the answer; may be empty
     * @param completion the assistant's answer
     * @return the sample
     * @throws IllegalArgumentException when an argument is null or the prompt holds null
     */
    public static SftSample promptCompletion(List<ChatMessage> prompt, String completion) {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        List<ChatMessage> all = new ArrayList<>(prompt);
        all.add(ChatMessage.assistant(completion));
        return new SftSample(all, true);
    }

    /**
     * Returns the context before the first learnt message.
     *
     * @return for a prompt-completion sample all messages but the last; for a conversation the messages before its
     *     first assistant message
     */
    public List<ChatMessage> prompt() {
        if (completionOnly) {
            return messages.subList(0, messages.size() - 1);
        }
        int first = 0;
        while (!messages.get(first).role().equals(ChatMessage.ASSISTANT)) {
            first++;
        }
        return messages.subList(0, first);
    }

    /**
     * Renders the sample for training with a chat template.
     *
     * @param template the template, e.g. {@link ChatTemplate#qwen25()}
     * @return the text and the assistant turns to learn
     * @throws IllegalArgumentException when the template is null
     */
    public ChatTemplate.TrainingText render(ChatTemplate template) {
        if (template == null) {
            throw new IllegalArgumentException("template must not be null");
        }
        return completionOnly
                ? template.renderTraining(prompt(), messages.get(messages.size() - 1).content())
                : template.renderTraining(messages);
    }
}
