package org.tcmrx.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.tcmrx.core.MalformedDataException;

/**
 * Where one record of a JSON Lines file is, with the field checks shared by the readers that walk a record's tree
 * by hand: each failure is a {@link MalformedDataException} naming the file, the line and the field's path, e.g.
 * {@code pairs.jsonl:3: prompt[0].role: missing}.
 *
 * <p>A field's path is its key on the record's top-level object, and {@code prefix.key} on a nested one (the prefix
 * being the nested object's own path, such as {@code messages[2]}); a null prefix means the top level.
 *
 * @param location the file or resource name
 * @param number the 1-based line number
 */
public record JsonLine(String location, long number) {
    /**
     * Parses the line's text, which must be one JSON object.
     *
     * @param text the JSON text
     * @return the object
     * @throws MalformedDataException when the text is not valid JSON, or is JSON but not an object
     */
    public ObjectNode parseObject(String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw fail(null, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            String found = node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
            throw fail(null, "expected a JSON object, found " + found);
        }
        return (ObjectNode) node;
    }

    /**
     * Returns a field's path.
     *
     * @param prefix the path of the object holding the field, or null for the top level
     * @param key the field's key
     * @return {@code key}, or {@code prefix.key}
     */
    public static String path(String prefix, String key) {
        return prefix == null ? key : prefix + "." + key;
    }

    /**
     * Rejects any field of an object whose key is not listed, so a misspelt name is never silently ignored.
     *
     * @param object the object
     * @param prefix the object's path, or null for the top level
     * @param known the accepted keys, listed in the message
     * @throws MalformedDataException naming the first unknown field
     */
    public void rejectUnknown(JsonNode object, String prefix, List<String> known) {
        Iterator<String> keys = object.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (!known.contains(key)) {
                throw fail(path(prefix, key), "unknown field; expected one of " + String.join(", ", known));
            }
        }
    }

    /**
     * Returns a top-level field that must be present and not null.
     *
     * @param object the record's object
     * @param key the field's key
     * @return the value
     * @throws MalformedDataException when the field is absent or null
     */
    public JsonNode required(JsonNode object, String key) {
        return required(object, null, key);
    }

    /**
     * Returns a field that must be present and not null.
     *
     * @param object the object holding the field
     * @param prefix the object's path, or null for the top level
     * @param key the field's key
     * @return the value
     * @throws MalformedDataException when the field is absent or null
     */
    public JsonNode required(JsonNode object, String prefix, String key) {
        JsonNode v = object.get(key);
        if (v == null || v.isNull()) {
            throw fail(path(prefix, key), "missing");
        }
        return v;
    }

    /**
     * Returns a top-level field that must be a string (possibly empty).
     *
     * @param object the record's object
     * @param key the field's key
     * @return the text
     * @throws MalformedDataException when the field is absent, null or not a string
     */
    public String string(JsonNode object, String key) {
        return string(object, null, key);
    }

    /**
     * Returns a field that must be a string (possibly empty).
     *
     * @param object the object holding the field
     * @param prefix the object's path, or null for the top level
     * @param key the field's key
     * @return the text
     * @throws MalformedDataException when the field is absent, null or not a string
     */
    public String string(JsonNode object, String prefix, String key) {
        JsonNode v = required(object, prefix, key);
        if (!v.isTextual()) {
            throw fail(path(prefix, key), "expected a string, found " + v);
        }
        return v.asText();
    }

    /**
     * Returns text read from a field when it is not blank.
     *
     * @param text the text
     * @param field the field's path, for the message
     * @return {@code text}
     * @throws MalformedDataException when the text is empty or only white space
     */
    public String nonBlank(String text, String field) {
        if (text.isBlank()) {
            throw fail(field, "empty string");
        }
        return text;
    }

    /**
     * Makes the exception for a problem on this line, for the caller to throw.
     *
     * @param field the field's path, or null when the problem concerns the whole line
     * @param problem what is wrong
     * @return the exception
     */
    public MalformedDataException fail(String field, String problem) {
        return new MalformedDataException(location, number, field, problem);
    }

    /**
     * Makes the exception for a problem on this line found as another exception, for the caller to throw.
     *
     * @param field the field's path, or null when the problem concerns the whole line
     * @param problem what is wrong
     * @param cause the exception that revealed it
     * @return the exception
     */
    public MalformedDataException fail(String field, String problem, Throwable cause) {
        return new MalformedDataException(location, number, field, problem, cause);
    }
}
