package org.tcmrx.lora.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;

/**
 * What {@link org.tcmrx.lora.QwenTokenizer} needs from a Hugging Face {@code tokenizer.json} that DJL's tokenizer does
 * not expose (it has no {@code token_to_id} and no {@code get_vocab_size}): the added tokens and the size of the id
 * space. Only {@code added_tokens} and {@code model} are read; the merges and everything else are skipped, and the
 * full check of the file is left to the Rust library that loads it.
 *
 * @param addedTokens the content and id of every entry of {@code added_tokens}, in the file's order (id order in
 *     files Hugging Face writes)
 * @param vocabSize one more than the largest id of {@code model.vocab} and {@code added_tokens}
 */
public record TokenizerJson(Map<String, Integer> addedTokens, int vocabSize) {
    /** Only {@code model.type} {@code BPE}: Qwen's tokenizer is a byte-level BPE. */
    public static final String BPE = "BPE";

    private static final ObjectReader READER = Json.MAPPER.readerFor(Root.class);

    /**
     * Copies the added tokens.
     *
     * @param addedTokens the content and id of every added token
     * @param vocabSize the size of the id space
     */
    public TokenizerJson {
        addedTokens = Collections.unmodifiableMap(new LinkedHashMap<>(addedTokens));
    }

    /**
     * Reads the added tokens and the vocabulary size of a {@code tokenizer.json}.
     *
     * @param file the file
     * @return what was read
     * @throws IOException when the file cannot be read ({@link java.nio.file.NoSuchFileException} naming it when it
     *     does not exist)
     * @throws MalformedDataException when the file is not JSON, has no BPE model with a vocabulary, or has an id
     *     that is missing, negative or 2^31-1, or an added token twice; its field is the JSON path
     */
    public static TokenizerJson read(Path file) throws IOException {
        String location = file.toString();
        Root root;
        try (InputStream in = Files.newInputStream(file)) {
            root = READER.readValue(in);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            // Databind wraps a syntax error met while binding in a mapping error; the syntax is what went wrong.
            if (e instanceof JsonParseException || e.getCause() instanceof JsonParseException) {
                JsonParseException syntax = e instanceof JsonParseException p ? p : (JsonParseException) e.getCause();
                throw new MalformedDataException(location, line, null,
                        "not valid JSON: " + syntax.getOriginalMessage(), e);
            }
            String path = Json.path(e);
            if (path == null && e instanceof MismatchedInputException m && m.getTargetType() == Root.class) {
                throw new MalformedDataException(location, line, null, "expected a JSON object", e);
            }
            throw new MalformedDataException(location, line, path, e.getOriginalMessage(), e);
        } catch (CharConversionException e) {
            // Bytes that look like UTF-32 but are not: Jackson reports its wrong guess as an I/O error.
            throw new MalformedDataException(location, 0, null, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new MalformedDataException(location, 0, null, "expected a JSON object");
        }
        if (root.model == null) {
            throw new MalformedDataException(location, 0, "model", "missing; expected Qwen's byte-level BPE model");
        }
        if (!BPE.equals(root.model.type)) {
            throw new MalformedDataException(location, 0, "model.type", "unsupported value "
                    + (root.model.type == null ? "null" : "'" + root.model.type + "'") + "; expected '" + BPE + "'");
        }
        if (root.model.vocab == null) {
            throw new MalformedDataException(location, 0, "model.vocab", "missing; expected the token-to-id map");
        }
        int largest = -1;
        for (Map.Entry<String, Integer> e : root.model.vocab.entrySet()) {
            largest = Math.max(largest, checkedId(location, "model.vocab", e.getKey(), e.getValue()));
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        List<Added> entries = root.addedTokens == null ? List.of() : root.addedTokens;
        for (int i = 0; i < entries.size(); i++) {
            Added a = entries.get(i);
            String field = "added_tokens[" + i + "]";
            if (a == null || a.content == null) {
                throw new MalformedDataException(location, 0, field, "no content");
            }
            int id = checkedId(location, field, a.content, a.id);
            if (added.putIfAbsent(a.content, id) != null) {
                throw new MalformedDataException(location, 0, field, "'" + a.content + "' is added twice");
            }
            largest = Math.max(largest, id);
        }
        return new TokenizerJson(added, largest + 1);
    }

    private static int checkedId(String location, String field, String token, Integer id) {
        if (id == null || id < 0) {
            throw new MalformedDataException(location, 0, field, "token '" + token + "' has the id " + id
                    + "; expected a non-negative integer");
        }
        // The size of the id space, one more than the largest id, must be an int too.
        if (id == Integer.MAX_VALUE) {
            throw new MalformedDataException(location, 0, field, "token '" + token + "' has the id " + id
                    + "; the largest id an int-sized vocabulary holds is " + (Integer.MAX_VALUE - 1));
        }
        return id;
    }

    /** The two top-level keys read; the rest (normalizer, pre-tokenizer, decoder, ...) is skipped. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Root(@JsonProperty("added_tokens") List<Added> addedTokens, @JsonProperty("model") Model model) {}

    /** {@code model}: its type and vocabulary; the merges are skipped. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Model(@JsonProperty("type") String type, @JsonProperty("vocab") Map<String, Integer> vocab) {}

    /** One entry of {@code added_tokens}; its flags (special, lstrip, ...) matter only to the Rust library. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Added(@JsonProperty("id") Integer id, @JsonProperty("content") String content) {}
}
