package org.tcmrx.lora;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;

/**
 * Writes a character-level tokenizer in Hugging Face's {@code tokenizer.json} format, for models trained from
 * scratch on a small corpus: one token per distinct character (Unicode code point) of a text, ids in code-point
 * order, followed by Qwen's special tokens {@code <|endoftext|>}, {@code <|im_start|>} and {@code <|im_end|>}. The
 * file is a BPE model without merges (so each character is one token), no normalizer or pre-tokenizer, and a
 * {@code Fuse} decoder; {@link QwenTokenizer#load(Path)} reads it like any other tokenizer, and a character that
 * was not in the text cannot be encoded.
 */
public final class CharacterTokenizer {
    /** The special tokens, in id order after the characters. */
    public static final List<String> SPECIAL_TOKENS =
            List.of(QwenTokenizer.ENDOFTEXT, QwenTokenizer.IM_START, QwenTokenizer.IM_END);

    private CharacterTokenizer() {}

    /**
     * Writes the tokenizer of a text's characters, replacing the file as a whole.
     *
     * @param file the {@code tokenizer.json} to write; missing folders are created
     * @param text every text the tokenizer must encode, e.g. the rendered training samples and the prompts
     * @return {@code file}
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException when an argument is null or {@code text} is empty
     */
    public static Path write(Path file, CharSequence text) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(text, "text");
        if (text.length() == 0) {
            throw new IllegalArgumentException("text must not be empty");
        }
        TreeSet<Integer> codePoints = new TreeSet<>();
        text.codePoints().forEach(codePoints::add);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = Json.MAPPER.createObjectNode();
        int id = 0;
        for (int c : codePoints) {
            vocab.put(new String(Character.toChars(c)), id++);
        }
        for (String special : SPECIAL_TOKENS) {
            added.addObject().put("id", id++).put("content", special).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        for (String key : List.of("normalizer", "pre_tokenizer", "post_processor")) {
            root.putNull(key);
        }
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        for (String key : List.of("dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix")) {
            model.putNull(key);
        }
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        model.putArray("merges");
        byte[] bytes = Json.MAPPER.writeValueAsBytes(root);
        AtomicFiles.write(file, out -> out.write(bytes));
        return file;
    }
}
