package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("WordPieceTokenizer (hand-made BERT vocabulary)")
class WordPieceTokenizerTest {
    // ids:                     0       1        2        3        4       5    6    7    8    9     10      11     12
    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "发", "热", "恶",
            "寒", "，", "fever", "##ish", "un");
    private final WordPieceTokenizer tokenizer = WordPieceTokenizer.of(VOCAB, true);

    @Nested
    @DisplayName("Chinese")
    class Chinese {
        @Test
        @DisplayName("splits every CJK character into its own token, with or without spaces")
        void perCharacter() {
            assertThat(tokenizer.tokenize("发热恶寒")).containsExactly("发", "热", "恶", "寒");
            assertThat(tokenizer.tokenize(" 发 热\t恶\n寒 ")).containsExactly("发", "热", "恶", "寒");
            assertThat(tokenizer.encode("发热恶寒")).containsExactly(5, 6, 7, 8);
        }

        @Test
        @DisplayName("splits full-width punctuation off and maps unknown characters to [UNK]")
        void punctuation() {
            assertThat(tokenizer.tokenize("发热，无汗")).containsExactly("发", "热", "，", "[UNK]", "[UNK]");
        }
    }

    @Nested
    @DisplayName("WordPiece")
    class Pieces {
        @Test
        @DisplayName("takes the longest match first and continues with ##")
        void greedy() {
            assertThat(tokenizer.tokenize("Feverish")).containsExactly("fever", "##ish");
        }

        @Test
        @DisplayName("a word that cannot be split entirely becomes one [UNK]")
        void unsplittable() {
            assertThat(tokenizer.tokenize("feverxyz")).containsExactly("[UNK]");
            assertThat(tokenizer.tokenize("un发")).containsExactly("un", "发");
        }

        @Test
        @DisplayName("a word over 100 characters becomes [UNK]")
        void long_() {
            assertThat(tokenizer.tokenize("un".repeat(51))).containsExactly("[UNK]");
        }

        @Test
        @DisplayName("special tokens stay whole, even glued to other text")
        void specials() {
            assertThat(tokenizer.tokenize("[CLS]发热[SEP]fever[SEP]")).containsExactly("[CLS]", "发", "热", "[SEP]",
                    "fever", "[SEP]");
        }

        @Test
        @DisplayName("control characters are dropped; accents are stripped when lower-casing")
        void cleaning() {
            assertThat(tokenizer.tokenize("fe\u0000ver\u200b")).containsExactly("fever");
            assertThat(tokenizer.tokenize("févér")).containsExactly("fever");
            assertThat(WordPieceTokenizer.of(VOCAB, false).tokenize("Fever")).containsExactly("[UNK]");
        }
    }

    @Nested
    @DisplayName("vocab.txt")
    class Files_ {
        @Test
        @DisplayName("reads ids from line numbers")
        void reads(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("vocab.txt");
            Files.writeString(f, String.join("\n", VOCAB) + "\n");
            WordPieceTokenizer t = WordPieceTokenizer.load(f, true);
            assertThat(t.size()).isEqualTo(VOCAB.size());
            assertThat(t.id("寒")).isEqualTo(8);
            assertThat(t.token(10)).isEqualTo("fever");
        }

        @Test
        @DisplayName("rejects an empty line and a missing [UNK] with the file and line")
        void malformed(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("vocab.txt");
            Files.writeString(f, "[PAD]\n\n[UNK]\n");
            assertThatThrownBy(() -> WordPieceTokenizer.load(f, true)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(f + ":2: empty token; every line of vocab.txt is one token");
            Files.writeString(f, "[PAD]\n发\n");
            assertThatThrownBy(() -> WordPieceTokenizer.load(f, true)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(f + ": no [UNK] token in 2 lines");
        }
    }
}
