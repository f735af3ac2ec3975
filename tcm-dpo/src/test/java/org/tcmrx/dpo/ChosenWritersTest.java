package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.dpo.PairFixtures.PROMPT;
import static org.tcmrx.dpo.PairFixtures.answer;
import static org.tcmrx.dpo.PairFixtures.candidate;
import static org.tcmrx.dpo.PairFixtures.herbs;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.lora.CharacterTokenizer;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTokenizer;

@DisplayName("ChosenWriter implementations")
class ChosenWritersTest {
    private static final ChatTemplate CHAT = ChatTemplate.builder().optNoDefaultSystemMessage().build();
    private static final PreferenceCandidate CANDIDATE = candidate(answer("大枣"), "麻黄", "杏仁");

    @Nested
    @DisplayName("KnowledgeChosenWriter")
    class Knowledge {
        private final KnowledgeChosenWriter writer = new KnowledgeChosenWriter();

        @Test
        @DisplayName("writes about the record's findings and the given herbs, not the record's own")
        void writes() {
            String text = writer.write(CANDIDATE, herbs("麻黄", "杏仁"));
            ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(text);
            assertThat(parse.clean()).isTrue();
            assertThat(parse.answerOrNull().herbs()).containsExactly("麻黄", "杏仁");
            assertThat(parse.answerOrNull().analysis()).contains("发热", "脉浮紧", "风寒束表");
            assertThat(parse.answerOrNull().explanation()).startsWith("麻黄：").contains("杏仁：")
                    .doesNotContain("桂枝");
            assertThat(writer.write(CANDIDATE, herbs("麻黄", "杏仁"))).as("deterministic").isEqualTo(text);
            assertThat(writer.name()).isEqualTo("knowledge");
        }

        @Test
        @DisplayName("an empty or repeating prescription is refused")
        void invalid() {
            assertThatThrownBy(() -> writer.write(CANDIDATE, List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prescription must not be empty");
            assertThatThrownBy(() -> writer.write(CANDIDATE, herbs("麻黄", "麻黄")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("prescription contains 麻黄 twice");
            assertThatThrownBy(() -> writer.write(null, herbs("麻黄"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("candidate must not be null");
        }
    }

    @Nested
    @DisplayName("ForcedPrescriptionWriter around a scripted generation step")
    class Scripted {
        private final List<String> contexts = new ArrayList<>();

        private ForcedPrescriptionWriter writer(String... generated) {
            Iterator<String> replies = List.of(generated).iterator();
            return new ForcedPrescriptionWriter(context -> {
                contexts.add(context);
                return replies.next();
            }, CHAT, new KnowledgeChosenWriter());
        }

        @Test
        @DisplayName("forces the prescription between the generated analysis and explanation")
        void forces() {
            ForcedPrescriptionWriter w = writer("风寒束表，卫阳被遏。\n**处方推荐**：桂枝", " 发汗解表，宣肺平喘。\n处方解释：又一遍");
            String text = w.write(CANDIDATE, herbs("麻黄", "杏仁"));
            assertThat(text).isEqualTo("症状分析：风寒束表，卫阳被遏。\n处方推荐：麻黄、杏仁\n处方解释：发汗解表，宣肺平喘。");
            String prompt = CHAT.render(PROMPT, true) + "症状分析：";
            assertThat(contexts).containsExactly(prompt,
                    prompt + "风寒束表，卫阳被遏。\n处方推荐：麻黄、杏仁\n处方解释：");
            assertThat(w.statistics()).isEqualTo(new ForcedPrescriptionWriter.Statistics(1, 0));
            assertThat(w.name()).isEqualTo("forced-prescription(fallback=knowledge)");
        }

        @Test
        @DisplayName("an answer that does not parse cleanly (here an empty analysis) goes to the fallback")
        void fallback() {
            ForcedPrescriptionWriter w = writer("\n### 处方推荐：桂枝", "发汗解表。");
            String text = w.write(CANDIDATE, herbs("麻黄", "杏仁"));
            assertThat(text).isEqualTo(new KnowledgeChosenWriter().write(CANDIDATE, herbs("麻黄", "杏仁")));
            assertThat(w.statistics()).isEqualTo(new ForcedPrescriptionWriter.Statistics(0, 1));
        }

        @Test
        @DisplayName("a herb name that would not read back as itself is refused before generating")
        void unreadableHerb() {
            ForcedPrescriptionWriter w = writer();
            assertThatThrownBy(() -> w.write(CANDIDATE, herbs("麻黄", "桂枝6g")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("herbs: '桂枝6g' is not a herb name as parse reads it");
            assertThatThrownBy(() -> w.write(CANDIDATE, List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prescription must not be empty");
            assertThat(contexts).isEmpty();
        }

        @Test
        @DisplayName("cut: before the first section name, without the marks before it or surrounding white space")
        void cut() {
            assertThat(ForcedPrescriptionWriter.cut(" 风寒。 ")).isEqualTo("风寒。");
            assertThat(ForcedPrescriptionWriter.cut("风寒。\n**处方推荐**：麻黄")).isEqualTo("风寒。");
            assertThat(ForcedPrescriptionWriter.cut("风寒。\n### 【处方解释】")).isEqualTo("风寒。");
            assertThat(ForcedPrescriptionWriter.cut("风寒**重**。\n症状分析：")).isEqualTo("风寒**重**。");
            assertThat(ForcedPrescriptionWriter.cut("故处方推荐如下")).isEqualTo("故");
            assertThat(ForcedPrescriptionWriter.cut("风寒**")).as("no cut, marks kept").isEqualTo("风寒**");
            assertThat(ForcedPrescriptionWriter.cut("风寒\uFFFD")).isEqualTo("风寒");
            assertThat(ForcedPrescriptionWriter.cut("\n处方推荐")).isEmpty();
        }

        @Test
        @DisplayName("the builder needs a model and a tokenizer")
        void builder() {
            assertThatThrownBy(() -> ForcedPrescriptionWriter.builder().build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("model must not be null");
        }
    }

    @Nested
    @DisplayName("ForcedPrescriptionWriter on a tiny random Qwen2 with a character tokenizer")
    class TinyModel {
        @TempDir
        Path tmp;

        @Test
        @DisplayName("the model's garbage surrounds exactly the forced prescription, which parses")
        void forcedSectionParses() throws IOException {
            String chars = CHAT.render(PROMPT, true) + "症状分析处方推荐解释：、\n麻黄杏仁桂枝甘草风寒表";
            try (QwenTokenizer tokenizer = QwenTokenizer.load(CharacterTokenizer.write(tmp.resolve("tokenizer.json"),
                    chars));
                    Qwen2Model model = Qwen2Model.init(Qwen2Config.builder().optVocabSize(tokenizer.vocabSize())
                            .optHiddenSize(32).optIntermediateSize(64).optNumHiddenLayers(1)
                            .optNumAttentionHeads(4).optNumKeyValueHeads(2).build(), 11, Device.cpu())) {
                ForcedPrescriptionWriter w = ForcedPrescriptionWriter.builder().setModel(model)
                        .setTokenizer(tokenizer).optChatTemplate(CHAT).optMaxNewTokens(16).build();
                String text = w.write(CANDIDATE, herbs("麻黄", "杏仁"));
                assertThat(w.statistics()).as(text).isEqualTo(new ForcedPrescriptionWriter.Statistics(1, 0));
                assertThat(text).startsWith("症状分析：").contains("\n处方推荐：麻黄、杏仁\n处方解释：");
                ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(text);
                assertThat(parse.clean()).as(text).isTrue();
                assertThat(parse.answerOrNull().herbs()).containsExactly("麻黄", "杏仁");
                assertThat(w.write(CANDIDATE, herbs("麻黄", "杏仁"))).as("greedy, so the same").isEqualTo(text);

                assertThatThrownBy(() -> ForcedPrescriptionWriter.builder().setModel(model).setTokenizer(tokenizer)
                        .optMaxNewTokens(0).build()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("maxNewTokens must be at least 1, got 0");
            }
        }
    }
}
