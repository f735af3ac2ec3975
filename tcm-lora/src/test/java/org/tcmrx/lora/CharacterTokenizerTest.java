package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("CharacterTokenizer")
class CharacterTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("one token per character in code-point order, then the special tokens; decoding gives the text back")
    void roundTrip() throws IOException {
        String text = "症状分析：恶寒发热。\n处方推荐：麻黄、桂枝";
        Path file = CharacterTokenizer.write(tmp.resolve("sub/tokenizer.json"), text);
        try (QwenTokenizer tokenizer = QwenTokenizer.load(file)) {
            long distinct = text.codePoints().distinct().count();
            assertThat(tokenizer.vocabSize()).isEqualTo(distinct + 3);
            assertThat(tokenizer.tokenId(QwenTokenizer.ENDOFTEXT)).isEqualTo(distinct);
            assertThat(tokenizer.tokenId(QwenTokenizer.IM_END)).isEqualTo(distinct + 2);
            long[] ids = tokenizer.encode(text);
            assertThat(ids).hasSize(text.codePointCount(0, text.length()));
            assertThat(tokenizer.decode(ids)).isEqualTo(text);
            assertThat(tokenizer.encode("\n")).containsExactly(0L); // the smallest code point comes first
        }
    }

    @Test
    @DisplayName("refuses an empty text and null arguments by name")
    void errors() {
        assertThatThrownBy(() -> CharacterTokenizer.write(tmp.resolve("t.json"), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("text must not be empty");
        assertThatThrownBy(() -> CharacterTokenizer.write(null, "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file");
    }
}
