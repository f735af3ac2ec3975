package org.tcmrx.dpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.JsonLine;
import org.tcmrx.core.internal.TextLines;
import org.tcmrx.lora.ChatMessage;
import org.tcmrx.lora.internal.ChatMessageJson;

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
        return TextLines.parseNonBlank(file, PreferencePairJsonl::parse);
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
        return TextLines.parseNonBlank(stream, location, PreferencePairJsonl::parse);
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
        JsonLine at = new JsonLine(location, lineNumber);
        ObjectNode node = at.parseObject(line);
        at.rejectUnknown(node, null, FIELDS);
        JsonNode promptNode = at.required(node, PROMPT);
        boolean conversational;
        List<ChatMessage> prompt;
        if (promptNode.isTextual()) {
            conversational = false;
            prompt = List.of(ChatMessage.user(at.nonBlank(promptNode.asText(), PROMPT)));
        } else if (promptNode.isArray()) {
            conversational = true;
            prompt = ChatMessageJson.conversation(at, promptNode, PROMPT);
            if (prompt.get(prompt.size() - 1).role().equals(ChatMessage.ASSISTANT)) {
                throw at.fail(PROMPT, "ends with an assistant message; the prompt is the conversation before the "
                        + "answer");
            }
        } else {
            throw at.fail(PROMPT, "expected a string (standard format) or an array of {role, content} objects "
                    + "(conversational format), found " + promptNode);
        }
        String chosen = answer(at, node, CHOSEN, conversational);
        String rejected = answer(at, node, REJECTED, conversational);
        if (chosen.equals(rejected)) {
            throw at.fail(REJECTED, "the same text as chosen");
        }
        String id = at.nonBlank(at.string(node, ID), ID);
        if (!id.strip().equals(id)) {
            throw at.fail(ID, "surrounding white space in '" + id + "'");
        }
        double chosenScore = number(at, node, CHOSEN_SCORE);
        double rejectedScore = number(at, node, REJECTED_SCORE);
        String source = at.string(node, CHOSEN_SOURCE);
        if (!PreferencePair.SOURCES.contains(source)) {
            throw at.fail(CHOSEN_SOURCE, "unsupported value '" + source + "'; supported: "
                    + String.join(", ", PreferencePair.SOURCES));
        }
        Map<String, String> metadata = metadata(at, node.get(METADATA));
        try {
            return new PreferencePair(id, prompt, chosen, rejected, chosenScore, rejectedScore, source, metadata);
        } catch (IllegalArgumentException e) {
            throw at.fail(null, e.getMessage(), e);
        }
    }

    /** An answer: a string in the standard format, one assistant message in the conversational format. */
    private static String answer(JsonLine at, JsonNode node, String field, boolean conversational) {
        JsonNode v = at.required(node, field);
        if (!conversational) {
            if (!v.isTextual()) {
                throw at.fail(field, "expected a string, as the prompt is one (standard format), found " + v);
            }
            return at.nonBlank(v.asText(), field);
        }
        if (!v.isArray()) {
            throw at.fail(field, "expected an array of one assistant message, as the prompt is an array "
                    + "(conversational format), found " + v);
        }
        if (v.size() != 1) {
            throw at.fail(field, "expected one assistant message, found " + v.size() + " messages");
        }
        String path = field + "[0]";
        ChatMessage m = ChatMessageJson.message(at, v.get(0), path);
        if (!m.role().equals(ChatMessage.ASSISTANT)) {
            throw at.fail(path + ".role", "expected assistant, found " + m.role());
        }
        return at.nonBlank(m.content(), path + ".content");
    }

    private static double number(JsonLine at, JsonNode node, String field) {
        JsonNode v = at.required(node, field);
        if (!v.isNumber()) {
            throw at.fail(field, "expected a number, found " + v);
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw at.fail(field, "expected a finite number, found " + v);
        }
        return d;
    }

    private static Map<String, String> metadata(JsonLine at, JsonNode v) {
        Map<String, String> metadata = new TreeMap<>();
        if (v == null || v.isNull()) {
            return metadata;
        }
        if (!v.isObject()) {
            throw at.fail(METADATA, "expected an object of strings, found " + v);
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw at.fail(METADATA + "." + e.getKey(), "expected a string, found " + e.getValue());
            }
            metadata.put(e.getKey(), e.getValue().asText());
        }
        return metadata;
    }
}
