package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;

@DisplayName("QwenTokenizer")
class QwenTokenizerTest {
    /** Qwen's added tokens, from 151643 on, as the fixture README lists them. */
    private static final List<String> ADDED = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>",
            "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>",
            "<|quad_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
            "<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>",
            "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>", "</think>");
    private static final int ENDOFTEXT = 151643;
    private static final int IM_START = 151644;
    private static final int IM_END = 151645;
    private static final int NEWLINE = 198;

    /** The 11 MB fixture tokenizer, loaded once, on first use. */
    private static QwenTokenizer qwen;

    /** Returns {@code qwen-tokenizer/}, or skips the test. */
    private static Path fixture() {
        String dir = System.getProperty("tcmrx.fixtures.dir");
        assumeTrue(dir != null, "tcmrx.fixtures.dir is not set");
        Path folder = Path.of(dir).resolve("qwen-tokenizer");
        assumeTrue(Files.isRegularFile(folder.resolve("tokenizer.json")), "no fixture at " + folder);
        return folder;
    }

    private static QwenTokenizer qwen() throws IOException {
        if (qwen == null) {
            qwen = QwenTokenizer.load(fixture().resolve("tokenizer.json"));
        }
        return qwen;
    }

    @AfterAll
    static void close() {
        if (qwen != null) {
            qwen.close();
        }
    }

    private static JsonNode cases() throws IOException {
        return Json.MAPPER.readTree(fixture().resolve("expected_encodings.json").toFile()).get("cases");
    }

    private static long[] ids(JsonNode idArray) {
        long[] ids = new long[idArray.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idArray.get(i).asLong();
        }
        return ids;
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(LongStream::of).toArray();
    }

    private static boolean[] repeat(boolean value, int n) {
        boolean[] out = new boolean[n];
        Arrays.fill(out, value);
        return out;
    }

    private static boolean[] concat(boolean[]... parts) {
        List<Boolean> all = new ArrayList<>();
        for (boolean[] p : parts) {
            for (boolean b : p) {
                all.add(b);
            }
        }
        boolean[] out = new boolean[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    /**
     * Writes a tiny tokenizer.json with Qwen's three special tokens (ids 3, 4, 5) over the vocabulary a, b, ab;
     * {@code extra} is appended inside the top-level object.
     */
    private static Path tiny(Path dir, String addedTokens, String extra) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"added_tokens\": [" + addedTokens + "],\n"
                + "\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, "
                + "\"merges\": [[\"a\", \"b\"]]}"
                + extra + "}");
        return file;
    }

    private static String added(int id, String content) {
        return "{\"id\": " + id + ", \"content\": \"" + content + "\", \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}";
    }

    private static final String QWEN_SPECIALS = added(3, "<|endoftext|>") + ", " + added(4, "<|im_start|>") + ", "
            + added(5, "<|im_end|>");

    @Nested
    @DisplayName("matches Hugging Face on the real Qwen tokenizer")
    class Golden {
        @Test
        @DisplayName("encodes every case of expected_encodings.json to its ids and decodes them back to the text")
        void expectedEncodings() throws IOException {
            JsonNode cases = cases();
            assertThat(cases).hasSize(5);
            for (JsonNode c : cases) {
                String text = c.get("text").asText();
                long[] ids = qwen().encode(text);
                assertThat(ids).as(text).containsExactly(ids(c.get("ids")));
                assertThat(qwen().decode(ids)).as(text).isEqualTo(c.get("decoded").asText()).isEqualTo(text);
            }
        }

        @Test
        @DisplayName("special tokens are single ids: <|endoftext|> 151643, <|im_start|> 151644, <|im_end|> 151645")
        void specialTokens() throws IOException {
            assertThat(qwen().tokenId("<|endoftext|>")).isEqualTo(ENDOFTEXT);
            assertThat(qwen().tokenId("<|im_start|>")).isEqualTo(IM_START);
            assertThat(qwen().tokenId("<|im_end|>")).isEqualTo(IM_END);
            assertThat(qwen().encode("<|im_start|><|im_end|><|endoftext|>")).containsExactly(IM_START, IM_END,
                    ENDOFTEXT);
            assertThat(qwen().encode("x<|im_end|>y")).containsExactly(87, IM_END, 88);
            assertThat(qwen().eosTokenIds()).containsExactly(IM_END, ENDOFTEXT);
            assertThat(qwen().addedTokens().keySet()).containsExactlyElementsOf(ADDED);
            for (int i = 0; i < ADDED.size(); i++) {
                assertThat(qwen().tokenId(ADDED.get(i))).isEqualTo(151643 + i);
            }
            assertThat(qwen().vocabSize()).isEqualTo(151643 + ADDED.size());
            assertThat(qwen().file()).isEqualTo(fixture().resolve("tokenizer.json"));
        }

        @Test
        @DisplayName("does not truncate: 40 lines of 15 tokens give 600 ids")
        void noTruncation() throws IOException {
            JsonNode first = cases().get(0);
            long[] line = concat(ids(first.get("ids")), new long[] {NEWLINE});
            String text = (first.get("text").asText() + "\n").repeat(40);
            long[] expected = new long[0];
            for (int i = 0; i < 40; i++) {
                expected = concat(expected, line);
            }
            long[] ids = qwen().encode(text);
            assertThat(ids).hasSize(600).containsExactly(expected);
            assertThat(qwen().decode(ids)).isEqualTo(text);
        }

        @Test
        @DisplayName("decode skips only the special added tokens when asked, and keeps them by default")
        void skipSpecialTokens() throws IOException {
            JsonNode chat = cases().get(3);
            long[] ids = ids(chat.get("ids"));
            assertThat(qwen().decode(ids, false)).isEqualTo(chat.get("text").asText());
            assertThat(qwen().decode(ids, true)).isEqualTo("system\nYou are a TCM assistant.\nuser\n头痛，咳嗽\n"
                    + "assistant\n");
            long think = qwen().tokenId("<think>");
            assertThat(qwen().decode(new long[] {think, IM_END}, true)).isEqualTo("<think>");
            assertThat(qwen().decode(new long[] {think, IM_END})).isEqualTo("<think><|im_end|>");
            assertThat(qwen().decode(new long[0])).isEmpty();
            assertThat(qwen().encode("")).isEmpty();
        }
    }

    @Nested
    @DisplayName("assistant masks")
    class Masks {
        @Test
        @DisplayName("mark exactly the assistant content tokens and <|im_end|>, not the prompt or the last newline")
        void promptCompletion() throws IOException {
            List<ChatMessage> prompt = List.of(ChatMessage.system("你是中医助手。"),
                    ChatMessage.user("恶寒发热，无汗，头身疼痛，脉浮紧"));
            String completion = cases().get(1).get("text").asText();
            QwenTokenizer.MaskedIds m = qwen().encode(ChatTemplate.qwen25().renderTraining(prompt, completion));
            long[] promptIds = qwen().encode(ChatTemplate.qwen25().render(prompt, true));
            long[] content = ids(cases().get(1).get("ids"));
            assertThat(m.ids()).containsExactly(concat(promptIds, content, new long[] {IM_END, NEWLINE}));
            assertThat(m.mask()).containsExactly(concat(repeat(false, promptIds.length),
                    repeat(true, content.length + 1), repeat(false, 1)));
            long[] labels = m.labels();
            assertThat(Arrays.copyOfRange(labels, promptIds.length, promptIds.length + content.length + 1))
                    .containsExactly(concat(content, new long[] {IM_END}));
            assertThat(Arrays.stream(labels).filter(l -> l == CausalLmLoss.IGNORE_INDEX).count())
                    .isEqualTo(promptIds.length + 1);
        }

        @Test
        @DisplayName("count characters after an emoji in the prompt right (DJL's spans are in code points)")
        void afterEmoji() throws IOException {
            List<ChatMessage> prompt = List.of(ChatMessage.user(cases().get(4).get("text").asText()));
            QwenTokenizer.MaskedIds m = qwen().encode(ChatTemplate.qwen25().renderTraining(prompt, "麻黄"));
            long[] promptIds = qwen().encode(ChatTemplate.qwen25().render(prompt, true));
            long[] content = qwen().encode("麻黄");
            assertThat(content).hasSize(2);
            assertThat(m.ids()).containsExactly(concat(promptIds, content, new long[] {IM_END, NEWLINE}));
            assertThat(m.mask()).containsExactly(concat(repeat(false, promptIds.length), repeat(true, 3),
                    repeat(false, 1)));
        }

        @Test
        @DisplayName("mark every assistant turn of a conversation, and only the completion of a prompt/completion pair")
        void turns() throws IOException {
            List<ChatMessage> prompt = List.of(ChatMessage.user("头痛"), ChatMessage.assistant("桂枝"),
                    ChatMessage.user("咳嗽"));
            List<ChatMessage> conversation = new ArrayList<>(prompt);
            conversation.add(ChatMessage.assistant("杏仁"));
            long[] head = qwen().encode(ChatTemplate.qwen25().render(prompt.subList(0, 1), true));
            long[] gui = qwen().encode("桂枝");
            long[] middle = qwen().encode("\n<|im_start|>user\n咳嗽<|im_end|>\n<|im_start|>assistant\n");
            long[] xing = qwen().encode("杏仁");

            QwenTokenizer.MaskedIds all = qwen().encode(ChatTemplate.qwen25().renderTraining(conversation));
            assertThat(all.ids()).containsExactly(concat(head, gui, new long[] {IM_END}, middle, xing,
                    new long[] {IM_END, NEWLINE}));
            assertThat(all.mask()).containsExactly(concat(repeat(false, head.length), repeat(true, gui.length + 1),
                    repeat(false, middle.length), repeat(true, xing.length + 1), repeat(false, 1)));

            QwenTokenizer.MaskedIds last = qwen().encode(ChatTemplate.qwen25().renderTraining(prompt, "杏仁"));
            assertThat(last.ids()).containsExactly(all.ids());
            assertThat(last.mask()).containsExactly(concat(repeat(false, head.length + gui.length + 1 + middle.length),
                    repeat(true, xing.length + 1), repeat(false, 1)));
        }

        @Test
        @DisplayName("mark a newline token that straddles the start of the content, and <|im_end|> of empty content")
        void boundaries() throws IOException {
            List<ChatMessage> prompt = List.of(ChatMessage.user("头痛"));
            long[] promptIds = qwen().encode(ChatTemplate.qwen25().render(prompt, true));
            QwenTokenizer.MaskedIds straddle = qwen().encode(ChatTemplate.qwen25().renderTraining(prompt, "\n桂枝"));
            long[] ids = straddle.ids();
            int n = promptIds.length;
            // "assistant\n" + "\n桂枝": the two newlines become one token, "\n\n" (271), which holds content.
            assertThat(Arrays.copyOf(ids, n - 1)).containsExactly(Arrays.copyOf(promptIds, n - 1));
            assertThat(ids[n - 1]).isEqualTo(271);
            assertThat(straddle.mask()).containsExactly(concat(repeat(false, n - 1), repeat(true, ids.length - n),
                    repeat(false, 1)));

            QwenTokenizer.MaskedIds empty = qwen().encode(ChatTemplate.qwen25().renderTraining(prompt, ""));
            assertThat(empty.ids()).containsExactly(concat(promptIds, new long[] {IM_END, NEWLINE}));
            assertThat(empty.mask()).containsExactly(concat(repeat(false, n), new boolean[] {true, false}));
        }

        @Test
        @DisplayName("MaskedIds copies its arrays, compares by content and checks lengths")
        void maskedIds() {
            long[] ids = {1, 2};
            boolean[] mask = {false, true};
            QwenTokenizer.MaskedIds m = new QwenTokenizer.MaskedIds(ids, mask);
            ids[0] = 9;
            mask[0] = true;
            assertThat(m).isEqualTo(new QwenTokenizer.MaskedIds(new long[] {1, 2}, new boolean[] {false, true}))
                    .hasSameHashCodeAs(new QwenTokenizer.MaskedIds(new long[] {1, 2}, new boolean[] {false, true}));
            assertThat(m.labels()).containsExactly(CausalLmLoss.IGNORE_INDEX, 2);
            assertThat(m).hasToString("MaskedIds[ids=[1, 2], mask=[false, true]]");
            assertThatThrownBy(() -> new QwenTokenizer.MaskedIds(new long[2], new boolean[1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("2 ids but a mask of 1");
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {
        @Test
        @DisplayName("a missing file or a folder without tokenizer.json: NoSuchFileException naming the file")
        void missing(@TempDir Path dir) {
            assertThatThrownBy(() -> QwenTokenizer.load(dir.resolve("nope.json")))
                    .isInstanceOf(NoSuchFileException.class).hasMessage(dir.resolve("nope.json").toString());
            assertThatThrownBy(() -> QwenTokenizer.load(dir)).isInstanceOf(NoSuchFileException.class)
                    .hasMessage(dir.resolve("tokenizer.json").toString());
            assertThatThrownBy(() -> QwenTokenizer.load(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("path must not be null");
        }

        @Test
        @DisplayName("a malformed tokenizer.json: MalformedDataException naming the file, the line and the field")
        void malformed(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("tokenizer.json");
            Files.writeString(file, "{\"model\": {");
            assertThatThrownBy(() -> QwenTokenizer.load(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(file + ":1: not valid JSON: ");
            Files.writeString(file, "[1]");
            assertThatThrownBy(() -> QwenTokenizer.load(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ":1: expected a JSON object");
            Files.write(file, new byte[] {'{', 0, 0, 0, '}'});
            expect(file, "not valid JSON: Unexpected EOF in the middle of a 4-byte UTF-32 char: got 1, needed 4, at "
                    + "char #1, byte #5)");
            Files.writeString(file, "{\"added_tokens\": []}");
            expect(file, "model: missing; expected Qwen's byte-level BPE model");
            Files.writeString(file, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
            expect(file, "model.type: unsupported value 'WordPiece'; expected 'BPE'");
            Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -1}}}");
            expect(file, "model.vocab: token 'a' has the id -1; expected a non-negative integer");
            Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}, \"added_tokens\": [{\"id\": 3}]}");
            expect(file, "added_tokens[0]: no content");
            tiny(dir, QWEN_SPECIALS + ", " + added(6, "<|im_end|>"), "");
            expect(file, "added_tokens[3]: '<|im_end|>' is added twice");
            tiny(dir, added(3, "<|endoftext|>") + ", " + added(4, "<|im_start|>"), "");
            expect(file, "added_tokens: no <|im_end|>; a Qwen tokenizer adds <|endoftext|>, <|im_start|> and "
                    + "<|im_end|>");
            tiny(dir, QWEN_SPECIALS, ",\n\"pre_tokenizer\": {\"type\": \"Nope\"}");
            assertThatThrownBy(() -> QwenTokenizer.load(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ":3: not a tokenizer Hugging Face can load: data did not match any variant "
                            + "of untagged enum PreTokenizerUntagged (column 34)")
                    .satisfies(e -> assertThat(((MalformedDataException) e).line()).isEqualTo(3));
        }

        @Test
        @DisplayName("an id of 2^31-1, whose vocabulary size would overflow an int")
        void largestId(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("tokenizer.json");
            Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 2147483647}}}");
            expect(file, "model.vocab: token 'a' has the id 2147483647; the largest id an int-sized vocabulary "
                    + "holds is 2147483646");
            Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}, \"added_tokens\": "
                    + "[{\"id\": 2147483647, \"content\": \"<|im_end|>\"}]}");
            expect(file, "added_tokens[0]: token '<|im_end|>' has the id 2147483647; the largest id an int-sized "
                    + "vocabulary holds is 2147483646");
        }

        private void expect(Path file, String message) {
            assertThatThrownBy(() -> QwenTokenizer.load(file)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ": " + message)
                    .satisfies(e -> assertThat(((MalformedDataException) e).location()).isEqualTo(file.toString()));
        }

        @Test
        @DisplayName("an unknown added token, an id outside the vocabulary, null: IllegalArgumentException naming it")
        void callerMistakes() throws IOException {
            QwenTokenizer q = qwen(); // not in a lambda, where a skipped fixture would pass for the exception
            assertThatThrownBy(() -> q.tokenId("<|im_middle|>")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token: '<|im_middle|>' is not an added token; the added tokens are "
                            + String.join(", ", ADDED));
            assertThatThrownBy(() -> q.decode(new long[] {IM_START, 151669}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ids[1]: 151669 is outside the vocabulary [0, 151669)");
            assertThatThrownBy(() -> q.decode(new long[] {CausalLmLoss.IGNORE_INDEX}, true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ids[0]: -100 is outside the vocabulary [0, 151669)");
            assertThatThrownBy(() -> q.tokenId(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token must not be null");
            assertThatThrownBy(() -> q.encode((String) null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("text must not be null");
            assertThatThrownBy(() -> q.encode((ChatTemplate.TrainingText) null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("training must not be null");
            assertThatThrownBy(() -> q.decode(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ids must not be null");
        }

        @Test
        @DisplayName("a tiny tokenizer loads from its folder, and fails clearly once closed")
        void tinyAndClosed(@TempDir Path dir) throws IOException {
            Path file = tiny(dir, QWEN_SPECIALS, "");
            QwenTokenizer tiny = QwenTokenizer.load(dir);
            try (tiny) {
                assertThat(tiny.file()).isEqualTo(file);
                assertThat(tiny.encode("ab<|im_end|>")).containsExactly(2, 5);
                assertThat(tiny.vocabSize()).isEqualTo(6);
                assertThat(tiny.eosTokenIds()).containsExactly(5, 3);
            }
            assertThatThrownBy(() -> tiny.encode("ab")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the tokenizer of " + file + " is closed");
            assertThatThrownBy(() -> tiny.decode(new long[] {2})).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the tokenizer of " + file + " is closed");
            tiny.close();
        }
    }
}
