package org.tcmrx.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Path;
import org.tcmrx.core.MalformedDataException;

/** The one Jackson configuration of TCM-Rx: ISO-8601 times, strict on unknown properties, sorted maps. */
public final class Json {
    private Json() {}

    /** The shared, thread-safe mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Reads a file that must hold one JSON object, such as a Hugging Face {@code config.json}. As Jackson does, the
     * encoding is UTF-8, or UTF-16 or UTF-32 when the first bytes say so.
     *
     * @param file the file
     * @return the object
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is not JSON, or not an object; the location is the file, with the
     *     line of a syntax error
     */
    public static ObjectNode readObject(Path file) throws IOException {
        String location = file.toString();
        JsonNode json;
        try {
            json = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(location, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    null, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (CharConversionException e) {
            // Bytes that look like UTF-32 but are not: Jackson reports its wrong guess as an I/O error.
            throw new MalformedDataException(location, 0, null, "not valid JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new MalformedDataException(location, 0, null, "expected a JSON object");
        }
        return (ObjectNode) json;
    }

    /**
     * Formats the JSON path of a mapping error as {@code a.b[2].c}, or returns null when it has none.
     *
     * @param e the error
     * @return the path, or null
     */
    public static String path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
