package org.tcmrx.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.JsonLine;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.core.internal.TextLines;
import org.tcmrx.lora.internal.ChatMessageJson;

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
        return TextLines.parseNonBlank(file, SftJsonl::parse);
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
        return TextLines.parseNonBlank(stream, location, SftJsonl::parse);
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
        JsonLine at = new JsonLine(location, lineNumber);
        ObjectNode node = at.parseObject(line);
        if (node.has(MESSAGES)) {
            return chat(at, node);
        }
        if (node.has("instruction") || node.has("output")) {
            return alpaca(at, node);
        }
        List<String> fields = new ArrayList<>();
        node.fieldNames().forEachRemaining(fields::add);
        throw at.fail(null, "expected a \"messages\" array (chat format) or \"instruction\" and \"output\" (alpaca "
                + "format), found the fields " + fields);
    }

    private static SftSample chat(JsonLine at, JsonNode node) {
        at.rejectUnknown(node, null, List.of(MESSAGES));
        JsonNode array = node.get(MESSAGES);
        if (!array.isArray()) {
            throw at.fail(MESSAGES, "expected an array of {role, content} objects, found " + array);
        }
        List<ChatMessage> messages = ChatMessageJson.conversation(at, array, MESSAGES);
        if (messages.stream().noneMatch(m -> m.role().equals(ChatMessage.ASSISTANT))) {
            throw at.fail(MESSAGES, "no assistant message, so nothing to learn");
        }
        return SftSample.conversation(messages);
    }

    private static SftSample alpaca(JsonLine at, JsonNode node) {
        at.rejectUnknown(node, null, ALPACA_FIELDS);
        String instruction = at.nonBlank(at.string(node, "instruction"), "instruction");
        String input = "";
        JsonNode in = node.get("input");
        if (in != null && !in.isNull()) {
            input = at.string(node, "input");
        }
        String output = at.nonBlank(at.string(node, "output"), "output");
        String user = input.isEmpty() ? instruction : instruction + "\n\n" + input;
        return SftSample.promptCompletion(List.of(ChatMessage.user(user)), output);
    }
}
