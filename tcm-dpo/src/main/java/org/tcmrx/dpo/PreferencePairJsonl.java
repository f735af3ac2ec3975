package org.tcmrx.dpo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.TextLines;
import org.tcmrx.lora.ChatMessage;

/**
 * Preference pairs as JSON Lines, one pair per line, in TRL's conversational preference format (what
 * {@code DPOTrainer} reads), with TCM-Rx's fields after TRL's:
 *
 * <pre>{@code
 * {"prompt":[{"role":"user","content":"……"}],
 *  "chosen":[{"role":"assistant","content":"症状分析：……"}],
 *  "rejected":[{"role":"assistant","content":"症状分析：……"}],
 *  "id":"case-17","chosen_score":0.5,"rejected_score":0.2,"chosen_source":"bart","metadata":{"metric":"f1",……}}
 * }</pre>
 * (one line in the file). Writing always uses this format. Reading also accepts TRL's standard format, where
 * {@code prompt}, {@code chosen} and {@code rejected} are strings and the prompt becomes one user message; the form
 * of {@code prompt} decides the format of its line, and {@code chosen} and {@code rejected} must follow it. In both
 * formats {@code id}, {@code chosen_score}, {@code rejected_score} and {@code chosen_source} are required and
 * {@code metadata} (an object of strings) is optional. Unknown fields are rejected, so a misspelt name is never
 * silently ignored; blank lines are skipped; errors name the file, line and field, e.g.
 * {@code pairs.jsonl:3: chosen: missing}.
 */
public final class PreferencePairJsonl {
    /** The conversation before the answer. */
    public static final String PROMPT = "prompt";
    /** The preferred answer. */
    public static final String CHOSEN = "chosen";
    /** The other answer. */
    public static final String REJECTED = "rejected";
    /** The record's id. */
    public static final String ID = "id";
    /** The chosen answer's score. */
    public static final String CHOSEN_SCORE = "chosen_score";
    /** The rejected answer's score. */
    public static final String REJECTED_SCORE = "rejected_score";
    /** Whose prescription the chosen answer carries. */
    public static final String CHOSEN_SOURCE = "chosen_source";
    /** How the pair was made. */
    public static final String METADATA = "metadata";
    /** Every field, in the order written. */
    public static final List<String> FIELDS = List.of(PROMPT, CHOSEN, REJECTED, ID, CHOSEN_SCORE, REJECTED_SCORE,
            CHOSEN_SOURCE, METADATA);

    private static final List<String> MESSAGE_FIELDS = List.of("role", "content");

    private PreferencePairJsonl() {}

    /**
     * Writes pairs, replacing the file atomically (the old file stays whole if anything fails).
     *
     * @param file the file; missing folders are created
     * @param pairs the pairs, in order
     * @throws IOException when writing fails
     * @throws IllegalArgumentException when an argument is null or a pair is null
     */
    public static void write(Path file, Iterable<PreferencePair> pairs) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(pairs, "pairs");
        List<ObjectNode> lines = new ArrayList<>();
        for (PreferencePair p : pairs) {
            lines.add(toJson(p));
        }
        Jsonl.write(file, lines);
    }

    /**
     * Appends one pair as a line with a single write, creating the file when needed, so a run that stops leaves whole
     * lines only.
     *
     * @param file the file
     * @param pair the pair
     * @throws IOException when writing fails
     * @throws IllegalArgumentException when an argument is null
     */
    public static void append(Path file, PreferencePair pair) throws IOException {
        Checks.notNull(file, "file");
        Jsonl.append(file, toJson(pair));
    }

    /**
     * Returns a pair's line as a JSON object, fields in the order of {@link #FIELDS}.
     *
     * @param pair the pair
     * @return the object
     * @throws IllegalArgumentException when the pair is null
     */
    public static ObjectNode toJson(PreferencePair pair) {
        Checks.notNull(pair, "pair");
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode prompt = root.putArray(PROMPT);
        for (ChatMessage m : pair.prompt()) {
            prompt.addObject().put("role", m.role()).put("content", m.content());
        }
        root.putArray(CHOSEN).addObject().put("role", ChatMessage.ASSISTANT).put("content", pair.chosen());
        root.putArray(REJECTED).addObject().put("role", ChatMessage.ASSISTANT).put("content", pair.rejected());
        root.put(ID, pair.id());
        root.put(CHOSEN_SCORE, pair.chosenScore());
        root.put(REJECTED_SCORE, pair.rejectedScore());
        root.put(CHOSEN_SOURCE, pair.chosenSource());
        ObjectNode metadata = root.putObject(METADATA);
        pair.metadata().forEach(metadata::put);
        return root;
    }

    /**
     * Reads every pair of a file.
     *
     * @param file the JSON Lines file
     * @return the pairs in file order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is malformed; the message gives file, line and field
     */
    public static List<PreferencePair> read(Path file) throws IOException {
        Checks.notNull(file, "file");
        List<PreferencePair> pairs = new ArrayList<>();
        String location = file.toString();
        TextLines.forEach(file, (n, line) -> {
            if (!line.isBlank()) {
                pairs.add(parse(line, location, n));
            }
        });
        return pairs;
    }

    /**
     * Reads every pair of a stream, e.g. a class-path resource.
     *
     * @param stream the stream, not closed here
     * @param location the name used in messages
     * @return the pairs in stream order
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a line is malformed
     */
    public static List<PreferencePair> read(InputStream stream, String location) throws IOException {
        Checks.notNull(stream, "stream");
        List<PreferencePair> pairs = new ArrayList<>();
        TextLines.forEach(stream, location, (n, line) -> {
            if (!line.isBlank()) {
                pairs.add(parse(line, location, n));
            }
        });
        return pairs;
    }

    /**
     * Parses one line.
     *
     * @param line the JSON text
     * @param location the file name for messages
     * @param lineNumber the 1-based line number for messages
     * @return the pair
     * @throws MalformedDataException when the line is not a valid pair
     */
    public static PreferencePair parse(String line, String location, long lineNumber) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(location, lineNumber, null, "not valid JSON: " + e.getOriginalMessage(),
                    e);
        }
        Line l = new Line(location, lineNumber);
        if (node == null || !node.isObject()) {
            throw l.fail(null, "expected a JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return l.pair(node);
    }

    /** Where a line is, and the checks of its fields. */
    private record Line(String location, long number) {
        PreferencePair pair(JsonNode node) {
            rejectUnknown(node, null, FIELDS);
            JsonNode promptNode = required(node, PROMPT);
            boolean conversational;
            List<ChatMessage> prompt;
            if (promptNode.isTextual()) {
                conversational = false;
                prompt = List.of(ChatMessage.user(nonBlank(promptNode.asText(), PROMPT)));
            } else if (promptNode.isArray()) {
                conversational = true;
                prompt = messages(promptNode);
            } else {
                throw fail(PROMPT, "expected a string (standard format) or an array of {role, content} objects "
                        + "(conversational format), found " + promptNode);
            }
            String chosen = answer(node, CHOSEN, conversational);
            String rejected = answer(node, REJECTED, conversational);
            if (chosen.equals(rejected)) {
                throw fail(REJECTED, "the same text as chosen");
            }
            String id = string(node, ID, ID);
            if (id.isBlank()) {
                throw fail(ID, "empty string");
            }
            if (!id.strip().equals(id)) {
                throw fail(ID, "surrounding white space in '" + id + "'");
            }
            double chosenScore = number(node, CHOSEN_SCORE);
            double rejectedScore = number(node, REJECTED_SCORE);
            String source = string(node, CHOSEN_SOURCE, CHOSEN_SOURCE);
            if (!PreferencePair.SOURCES.contains(source)) {
                throw fail(CHOSEN_SOURCE, "unsupported value '" + source + "'; supported: "
                        + String.join(", ", PreferencePair.SOURCES));
            }
            Map<String, String> metadata = metadata(node.get(METADATA));
            try {
                return new PreferencePair(id, prompt, chosen, rejected, chosenScore, rejectedScore, source, metadata);
            } catch (IllegalArgumentException e) {
                throw new MalformedDataException(location, number, null, e.getMessage(), e);
            }
        }

        private List<ChatMessage> messages(JsonNode array) {
            if (array.isEmpty()) {
                throw fail(PROMPT, "empty conversation");
            }
            List<ChatMessage> messages = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                messages.add(message(array.get(i), PROMPT + "[" + i + "]"));
            }
            if (messages.get(messages.size() - 1).role().equals(ChatMessage.ASSISTANT)) {
                throw fail(PROMPT, "ends with an assistant message; the prompt is the conversation before the answer");
            }
            return messages;
        }

        private ChatMessage message(JsonNode m, String path) {
            if (!m.isObject()) {
                throw fail(path, "expected an object with role and content, found " + m);
            }
            rejectUnknown(m, path, MESSAGE_FIELDS);
            String role = string(m, "role", path + ".role");
            if (!ChatMessage.ROLES.contains(role)) {
                throw fail(path + ".role", "unsupported value '" + role + "'; supported: "
                        + String.join(", ", ChatMessage.ROLES));
            }
            return new ChatMessage(role, string(m, "content", path + ".content"));
        }

        /** An answer: a string in the standard format, one assistant message in the conversational format. */
        private String answer(JsonNode node, String field, boolean conversational) {
            JsonNode v = required(node, field);
            if (!conversational) {
                if (!v.isTextual()) {
                    throw fail(field, "expected a string, as the prompt is one (standard format), found " + v);
                }
                return nonBlank(v.asText(), field);
            }
            if (!v.isArray()) {
                throw fail(field, "expected an array of one assistant message, as the prompt is an array "
                        + "(conversational format), found " + v);
            }
            if (v.size() != 1) {
                throw fail(field, "expected one assistant message, found " + v.size() + " messages");
            }
            String path = field + "[0]";
            ChatMessage m = message(v.get(0), path);
            if (!m.role().equals(ChatMessage.ASSISTANT)) {
                throw fail(path + ".role", "expected assistant, found " + m.role());
            }
            return nonBlank(m.content(), path + ".content");
        }

        private Map<String, String> metadata(JsonNode v) {
            Map<String, String> metadata = new TreeMap<>();
            if (v == null || v.isNull()) {
                return metadata;
            }
            if (!v.isObject()) {
                throw fail(METADATA, "expected an object of strings, found " + v);
            }
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!e.getValue().isTextual()) {
                    throw fail(METADATA + "." + e.getKey(), "expected a string, found " + e.getValue());
                }
                metadata.put(e.getKey(), e.getValue().asText());
            }
            return metadata;
        }

        private JsonNode required(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw fail(field, "missing");
            }
            return v;
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

        private double number(JsonNode node, String field) {
            JsonNode v = required(node, field);
            if (!v.isNumber()) {
                throw fail(field, "expected a number, found " + v);
            }
            double d = v.asDouble();
            if (!Double.isFinite(d)) {
                throw fail(field, "expected a finite number, found " + v);
            }
            return d;
        }

        private String nonBlank(String text, String path) {
            if (text.isBlank()) {
                throw fail(path, "empty string");
            }
            return text;
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
