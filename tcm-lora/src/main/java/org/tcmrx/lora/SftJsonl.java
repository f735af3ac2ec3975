package org.tcmrx.lora;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.core.internal.TextLines;

/**
 * Reads supervised fine-tuning data as JSON Lines, one sample per line, in either of the two formats most SFT data sets
 * come in (the formats may be mixed within a file; blank lines are skipped):
 *
 * <pre>{@code
 * {"messages":[{"role":"user","content":"症状分析：……"},{"role":"assistant","content":"处方推荐：……"}]}
 * {"instruction":"根据症状推荐处方","input":"发热，恶寒","output":"处方推荐：麻黄汤……"}
 * }</pre>
 *
 * <p>The chat format ({@code messages}, as TRL's conversational data sets) gives a {@link SftSample#conversation}: every
 * assistant message is learnt. The alpaca format gives a {@link SftSample#promptCompletion} with one user message,
 * {@code instruction + "\n\n" + input} ({@code instruction} alone when {@code input} is absent, null or empty), and the
 * answer {@code output}. Unknown fields are rejected, so a misspelt field name is never silently ignored; errors name the
 * file, line and field.
 */
public final class SftJsonl {
    /** The field of the chat format. */
    public static final String MESSAGES = "messages";
    /** The fields of the alpaca format. */
    public static final List<String> ALPACA_FIELDS = List.of("instruction", "input", "output");

    private static final List<String> MESSAGE_FIELDS = List.of("role", "content");

    private SftJsonl() {}

    /**
     * Reads every sample of a file.
     *
     * @param file the JSON Lines file
     * @return the samples in file order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is malformed; the message gives file, line and field
     */
    public static List<SftSample> read(Path file) throws IOException {
        List<SftSample> samples = new ArrayList<>();
        String location = file.toString();
        TextLines.forEach(file, (n, line) -> parseLine(location, n, line, samples));
        return samples;
    }

    /**
     * Describes a file for a run's provenance: its name, absolute path, SHA-256 and number of samples (the file is
     * read and checked as {@link #read(Path)} does).
     *
     * @param file the JSON Lines file
     * @return the source, for {@link SftTrainer#withDataSources(List)}
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is malformed
     */
    public static DataSource source(Path file) throws IOException {
        int records = read(file).size();
        return new DataSource(String.valueOf(file.getFileName()), file.toAbsolutePath().normalize().toString(),
                Sha256.of(file), records);
    }

    /**
     * Reads every sample of a stream, e.g. a class-path resource.
     *
     * @param stream the stream, not closed here
     * @param location the name used in messages
     * @return the samples in stream order
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a line is malformed
     */
    public static List<SftSample> read(InputStream stream, String location) throws IOException {
        List<SftSample> samples = new ArrayList<>();
        TextLines.forEach(stream, location, (n, line) -> parseLine(location, n, line, samples));
        return samples;
    }

    /**
     * Parses one line.
     *
     * @param line the JSON text
     * @param location the file name for messages
     * @param lineNumber the 1-based line number for messages
     * @return the sample
     * @throws MalformedDataException when the line is not a valid sample
     */
    public static SftSample parse(String line, String location, long lineNumber) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(location, lineNumber, null, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        Line l = new Line(location, lineNumber);
        if (node == null || !node.isObject()) {
            throw l.fail(null, "expected a JSON object, found " + kind(node));
        }
        if (node.has(MESSAGES)) {
            return l.chat(node);
        }
        if (node.has("instruction") || node.has("output")) {
            return l.alpaca(node);
        }
        throw l.fail(null, "expected a \"messages\" array (chat format) or \"instruction\" and \"output\" (alpaca "
                + "format), found the fields " + fieldNames(node));
    }

    private static void parseLine(String location, long n, String line, List<SftSample> out) {
        if (!line.isBlank()) {
            out.add(parse(line, location, n));
        }
    }

    private static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Where a line is, and the checks of its two formats. */
    private record Line(String location, long number) {
        SftSample chat(JsonNode node) {
            rejectUnknown(node, null, List.of(MESSAGES));
            JsonNode array = node.get(MESSAGES);
            if (!array.isArray()) {
                throw fail(MESSAGES, "expected an array of {role, content} objects, found " + array);
            }
            if (array.isEmpty()) {
                throw fail(MESSAGES, "empty conversation");
            }
            List<ChatMessage> messages = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                String path = MESSAGES + "[" + i + "]";
                JsonNode m = array.get(i);
                if (!m.isObject()) {
                    throw fail(path, "expected an object with role and content, found " + m);
                }
                rejectUnknown(m, path, MESSAGE_FIELDS);
                String role = string(m, "role", path + ".role");
                if (!ChatMessage.ROLES.contains(role)) {
                    throw fail(path + ".role", "unsupported value '" + role + "'; supported: "
                            + String.join(", ", ChatMessage.ROLES));
                }
                messages.add(new ChatMessage(role, string(m, "content", path + ".content")));
            }
            if (messages.stream().noneMatch(m -> m.role().equals(ChatMessage.ASSISTANT))) {
                throw fail(MESSAGES, "no assistant message, so nothing to learn");
            }
            return SftSample.conversation(messages);
        }

        SftSample alpaca(JsonNode node) {
            rejectUnknown(node, null, ALPACA_FIELDS);
            String instruction = string(node, "instruction", "instruction");
            if (instruction.isBlank()) {
                throw fail("instruction", "empty string");
            }
            String input = "";
            JsonNode in = node.get("input");
            if (in != null && !in.isNull()) {
                input = string(node, "input", "input");
            }
            String output = string(node, "output", "output");
            if (output.isBlank()) {
                throw fail("output", "empty string");
            }
            String user = input.isEmpty() ? instruction : instruction + "\n\n" + input;
            return SftSample.promptCompletion(List.of(ChatMessage.user(user)), output);
        }

        private String string(JsonNode node, String key, String path) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw fail(path, "missing");
            }
            if (!v.isTextual()) {
                throw fail(path, "expected a string, found " + v);
            }
            return v.asText();
        }

        private void rejectUnknown(JsonNode node, String prefix, List<String> known) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String f = names.next();
                if (!known.contains(f)) {
                    throw fail(prefix == null ? f : prefix + "." + f, "unknown field; expected one of "
                            + String.join(", ", known));
                }
            }
        }

        MalformedDataException fail(String field, String problem) {
            return new MalformedDataException(location, number, field, problem);
        }
    }
}
