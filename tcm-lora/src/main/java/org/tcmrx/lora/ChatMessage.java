package org.tcmrx.lora;

import java.util.List;

/**
 * One message of a chat, as in Hugging Face's {@code {"role": ..., "content": ...}} dictionaries. Only the roles
 * Qwen2.5's template renders without tools are accepted: {@code system}, {@code user} and {@code assistant}.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the text, rendered verbatim (it may be empty)
 */
public record ChatMessage(String role, String content) {
    /** The role of instructions given before the conversation. */
    public static final String SYSTEM = "system";
    /** The role of the person asking. */
    public static final String USER = "user";
    /** The role of the model answering. */
    public static final String ASSISTANT = "assistant";
    /** The accepted roles. */
    public static final List<String> ROLES = List.of(SYSTEM, USER, ASSISTANT);

    /**
     * Validates the message.
     *
     * @param role {@code system}, {@code user} or {@code assistant}
     * @param content the text
     * @throws IllegalArgumentException when the role is null or not one of {@link #ROLES}, or the content is null
     */
    public ChatMessage {
        if (role == null) {
            throw new IllegalArgumentException("role must not be null");
        }
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role: unsupported value '" + role + "'; supported: "
                    + String.join(", ", ROLES));
        }
        if (content == null) {
            throw new IllegalArgumentException("content must not be null");
        }
    }

    /**
     * Creates a system message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage system(String content) {
        return new ChatMessage(SYSTEM, content);
    }

    /**
     * Creates a user message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage user(String content) {
        return new ChatMessage(USER, content);
    }

    /**
     * Creates an assistant message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(ASSISTANT, content);
    }
}
