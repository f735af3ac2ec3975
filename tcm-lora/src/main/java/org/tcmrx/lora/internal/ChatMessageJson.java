package org.tcmrx.lora.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.JsonLine;
import org.tcmrx.lora.ChatMessage;

/**
 * Reads {@link ChatMessage}s written as Hugging Face's {@code {"role": ..., "content": ...}} objects, for the JSON
 * Lines readers of SFT samples and preference pairs. What a format asks of the conversation as a whole (an assistant
 * message somewhere, none at the end) stays with its reader.
 */
public final class ChatMessageJson {
    /** The fields of a message object. */
    public static final List<String> FIELDS = List.of("role", "content");

    private ChatMessageJson() {}

    /**
     * Reads a non-empty array of messages.
     *
     * @param at the line, for messages
     * @param array an array node; the caller rejects other nodes in the words of its format
     * @param field the array's path, e.g. {@code messages}; an element's path is {@code field[i]}
     * @return the messages in order
     * @throws MalformedDataException when the array is empty or an element is not a valid message
     */
    public static List<ChatMessage> conversation(JsonLine at, JsonNode array, String field) {
        if (array.isEmpty()) {
            throw at.fail(field, "empty conversation");
        }
        List<ChatMessage> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            messages.add(message(at, array.get(i), field + "[" + i + "]"));
        }
        return messages;
    }

    /**
     * Reads one message: an object with exactly {@code role}, one of {@link ChatMessage#ROLES}, and {@code content},
     * a string.
     *
     * @param at the line, for messages
     * @param node the node
     * @param path the node's path, e.g. {@code chosen[0]}
     * @return the message
     * @throws MalformedDataException when the node is not an object, has another field, or its role or content is
     *     missing or wrong
     */
    public static ChatMessage message(JsonLine at, JsonNode node, String path) {
        if (!node.isObject()) {
            throw at.fail(path, "expected an object with role and content, found " + node);
        }
        at.rejectUnknown(node, path, FIELDS);
        String role = at.string(node, path, "role");
        if (!ChatMessage.ROLES.contains(role)) {
            throw at.fail(JsonLine.path(path, "role"), "unsupported value '" + role + "'; supported: "
                    + String.join(", ", ChatMessage.ROLES));
        }
        return new ChatMessage(role, at.string(node, path, "content"));
    }
}
