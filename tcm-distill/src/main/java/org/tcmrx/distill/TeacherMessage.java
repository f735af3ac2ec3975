package org.tcmrx.distill;

import java.util.List;

/**
 * One message of a chat with a teacher, as the OpenAI chat API has it.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the text
 */
public record TeacherMessage(String role, String content) {
    /** The roles a message may have. */
    public static final List<String> ROLES = List.of("system", "user", "assistant");

    /**
     * Validates the message.
     *
     * @param role the role
     * @param content the text
     * @throws IllegalArgumentException when the role is not one of {@link #ROLES} or the content is null
     */
    public TeacherMessage {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be one of " + String.join(", ", ROLES) + ", got '" + role
                    + "'");
        }
        if (content == null) {
            throw new IllegalArgumentException("content must not be null");
        }
    }

    /**
     * Makes a system message.
     *
     * @param content the text
     * @return the message
     */
    public static TeacherMessage system(String content) {
        return new TeacherMessage("system", content);
    }

    /**
     * Makes a user message.
     *
     * @param content the text
     * @return the message
     */
    public static TeacherMessage user(String content) {
        return new TeacherMessage("user", content);
    }

    /**
     * Makes an assistant message.
     *
     * @param content the text
     * @return the message
     */
    public static TeacherMessage assistant(String content) {
        return new TeacherMessage("assistant", content);
    }
}
