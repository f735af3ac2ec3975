package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.lora.CausalLmLoss;
import org.tcmrx.lora.CharacterTokenizer;
import org.tcmrx.lora.ChatMessage;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.QwenTokenizer;

@DisplayName("PairEncoder")
class PairEncoderTest {
    private static final ChatTemplate TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();

    @TempDir
    Path tmp;

    private static PreferencePair pair(String prompt, String chosen, String rejected) {
        return new PreferencePair("p", List.of(ChatMessage.user(prompt)), chosen, rejected, 1, 0, PreferencePair.BART,
                Map.of());
    }

    @Test
    @DisplayName("both sequences share the prompt; labels are the completion and <|im_end|> only; keys differ")
    void encodes() throws IOException {
        try (QwenTokenizer tokenizer = QwenTokenizer.load(CharacterTokenizer.write(tmp.resolve("t.json"),
                "userassistant\n甲乙丙丁戊"))) {
            PairEncoder.Encoding e = new PairEncoder(TEMPLATE, tokenizer, 512, 1024)
                    .encode(List.of(pair("甲乙", "丙", "丁戊"), pair("甲乙", "丁戊", "丙")));
            assertThat(e.truncated()).isZero();
            PairEncoder.EncodedPair p = e.pairs().get(0);
            long[] promptIds = tokenizer.encode(TEMPLATE.render(List.of(ChatMessage.user("甲乙")), true));
            assertThat(Arrays.copyOf(p.chosenIds(), promptIds.length)).isEqualTo(promptIds);
            assertThat(Arrays.copyOf(p.rejectedIds(), promptIds.length)).isEqualTo(promptIds);
            assertThat(p.chosenCount()).isEqualTo(2); // 丙 and <|im_end|>
            assertThat(p.rejectedCount()).isEqualTo(3);
            for (int t = 0; t < promptIds.length; t++) {
                assertThat(p.chosenLabels()[t]).isEqualTo(CausalLmLoss.IGNORE_INDEX);
            }
            assertThat(p.key()).isNotEqualTo(e.pairs().get(1).key()).hasSize(64);
        }
    }

    @Test
    @DisplayName("a long prompt keeps its end and a long completion loses its end")
    void truncates() throws IOException {
        try (QwenTokenizer tokenizer = QwenTokenizer.load(CharacterTokenizer.write(tmp.resolve("t.json"),
                "userassistant\n甲乙丙丁戊"))) {
            String prompt = "甲".repeat(40) + "乙";
            PairEncoder.Encoding e = new PairEncoder(TEMPLATE, tokenizer, 8, 12)
                    .encode(List.of(pair(prompt, "丙".repeat(30), "丁")));
            assertThat(e.truncated()).isEqualTo(1);
            PairEncoder.EncodedPair p = e.pairs().get(0);
            assertThat(p.chosenIds()).hasSize(12);
            assertThat(p.chosenCount()).isEqualTo(4); // 12 - 8 prompt tokens
            long[] promptIds = tokenizer.encode(TEMPLATE.render(List.of(ChatMessage.user(prompt)), true));
            assertThat(Arrays.copyOf(p.rejectedIds(), 8))
                    .isEqualTo(Arrays.copyOfRange(promptIds, promptIds.length - 8, promptIds.length));
        }
    }
}
