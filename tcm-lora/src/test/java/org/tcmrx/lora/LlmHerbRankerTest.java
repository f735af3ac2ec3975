package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.HerbVocabulary;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;
import org.tcmrx.core.Symptom;

@DisplayName("LlmHerbRanker")
class LlmHerbRankerTest {
    private static final List<Herb> VOCABULARY = List.of(Herb.of("麻黄"), Herb.of("桂枝"), Herb.of("杏仁"),
            Herb.of("炙甘草"), Herb.of("白术"));
    private static final Query QUERY = new Query(List.of(Symptom.of("恶寒"), Symptom.of("发热")), "无汗而喘",
            "舌淡苔白", "脉浮紧", List.of("风寒束表"));

    /** A ranker whose model always answers {@code answer}, remembering the prompts it was given. */
    private static LlmHerbRanker fake(String answer, List<String> prompts, HerbNormalizer normalizer) {
        Function<String, String> generate = prompt -> {
            prompts.add(prompt);
            return answer;
        };
        return new LlmHerbRanker(generate, "LLM", LlmHerbRanker.DEFAULT_PROMPT_TEMPLATE, VOCABULARY, normalizer);
    }

    private static LlmHerbRanker fake(String answer) {
        return fake(answer, new ArrayList<>(), HerbNormalizer.standard());
    }

    @Nested
    @DisplayName("prompt")
    class Prompt {
        @Test
        @DisplayName("lists the findings present, in order, inside the default template")
        void defaultTemplate() {
            List<String> prompts = new ArrayList<>();
            fake("", prompts, HerbNormalizer.standard()).rank(QUERY, 3);
            assertThat(prompts).containsExactly("请根据以下患者的四诊信息进行辨证论治。\n"
                    + "症状：恶寒、发热\n舌象：舌淡苔白\n脉象：脉浮紧\n证候：风寒束表\n病情描述：无汗而喘\n"
                    + "请按以下格式回答：\n症状分析：分析病因病机\n处方推荐：药名、药名、药名\n处方解释：说明君臣佐使与配伍理由");
        }

        @Test
        @DisplayName("leaves out absent findings; a custom template is used as given")
        void custom() {
            LlmHerbRanker ranker = new LlmHerbRanker(p -> "", "Qwen", "病人：\n{findings}\n开方。", VOCABULARY,
                    HerbNormalizer.standard());
            assertThat(ranker.prompt(Query.of("头痛"))).isEqualTo("病人：\n症状：头痛\n开方。");
            assertThat(ranker.name()).isEqualTo("Qwen");
        }

        @Test
        @DisplayName("a template without the placeholder is rejected")
        void noPlaceholder() {
            assertThatThrownBy(() -> new LlmHerbRanker(p -> "", "LLM", "开方", VOCABULARY, HerbNormalizer.standard()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("promptTemplate must contain {findings}: '开方'");
        }
    }

    @Nested
    @DisplayName("ranking")
    class Ranks {
        @Test
        @DisplayName("herbs in generation order, scored n - i, cut at k, outsiders dropped and counted")
        void order() {
            LlmHerbRanker ranker = fake("症状分析：风寒。\n处方推荐：杏仁9g、人参、麻黄 6克、桂枝(6g)、附子\n处方解释：略");
            Ranking ranking = ranker.rank(QUERY, 10);
            assertThat(ranking.entries()).containsExactly(new ScoredHerb(Herb.of("杏仁"), 3),
                    new ScoredHerb(Herb.of("麻黄"), 2), new ScoredHerb(Herb.of("桂枝"), 1));
            assertThat(ranker.rank(QUERY, 2).herbs()).containsExactly(Herb.of("杏仁"), Herb.of("麻黄"));
            assertThat(ranker.statistics()).isEqualTo(new LlmHerbRanker.Statistics(2, 0, 4));
        }

        @Test
        @DisplayName("with rescoring, the herbs kept are ordered by their scores, ties in generation order")
        void rescored() {
            List<String> seen = new ArrayList<>();
            LlmHerbRanker.Rescorer rescorer = (prompt, analysis, herbs) -> {
                seen.add(analysis + " " + herbs);
                return new double[] {-3.0, -1.0, -3.0};
            };
            LlmHerbRanker ranker = new LlmHerbRanker(p -> "症状分析：风寒。\n处方推荐：杏仁、人参、麻黄、桂枝\n处方解释：略",
                    rescorer, "LLM", LlmHerbRanker.DEFAULT_PROMPT_TEMPLATE, VOCABULARY, HerbNormalizer.standard());
            assertThat(ranker.rank(QUERY, 10).entries()).containsExactly(new ScoredHerb(Herb.of("麻黄"), -1.0),
                    new ScoredHerb(Herb.of("杏仁"), -3.0), new ScoredHerb(Herb.of("桂枝"), -3.0));
            assertThat(seen).containsExactly("风寒。 [杏仁, 麻黄, 桂枝]");
        }

        @Test
        @DisplayName("names are normalized before the vocabulary is consulted; duplicates after it are dropped")
        void normalized() {
            HerbNormalizer rules = HerbNormalizer.builder().addRule("炒白术", "白术", "same herb").build();
            LlmHerbRanker ranker = fake("症状分析：a\n处方推荐：甘草（炙）、炒白术、白术、麻 黄\n处方解释：b", new ArrayList<>(),
                    rules);
            LlmHerbRanker.Answer answer = ranker.answer(QUERY);
            assertThat(answer.herbs()).containsExactly(Herb.of("炙甘草"), Herb.of("白术"));
            // "麻 黄" is two items, 麻 and 黄, both outside the vocabulary.
            assertThat(answer.outsideVocabulary()).containsExactly(Herb.of("麻"), Herb.of("黄"));
            assertThat(ranker.statistics()).isEqualTo(new LlmHerbRanker.Statistics(1, 0, 2));
        }

        @Test
        @DisplayName("an answer that cannot be parsed gives the empty ranking and is counted")
        void unparsed() {
            LlmHerbRanker ranker = fake("处方推荐：麻黄、桂枝");
            assertThat(ranker.rank(QUERY, 5)).isEqualTo(Ranking.EMPTY);
            LlmHerbRanker.Answer answer = ranker.answer(QUERY);
            assertThat(answer.text()).isEqualTo("处方推荐：麻黄、桂枝");
            assertThat(answer.parse().problems()).containsExactly("missing section 症状分析", "missing section 处方解释");
            assertThat(ranker.statistics()).isEqualTo(new LlmHerbRanker.Statistics(0, 2, 0));
        }

        @Test
        @DisplayName("a null answer counts as unparsed")
        void nullAnswer() {
            LlmHerbRanker ranker = fake(null);
            assertThat(ranker.rank(QUERY, 5)).isEqualTo(Ranking.EMPTY);
            assertThat(ranker.statistics()).isEqualTo(new LlmHerbRanker.Statistics(0, 1, 0));
        }

        @Test
        @DisplayName("the caller's mistakes are named")
        void mistakes() {
            LlmHerbRanker ranker = fake("");
            assertThatThrownBy(() -> ranker.rank(QUERY, 0)).hasMessage("k must be at least 1, got 0");
            assertThatThrownBy(() -> ranker.rank((Query) null, 1)).hasMessage("query must not be null");
            assertThatThrownBy(() -> new LlmHerbRanker(p -> "", "LLM", LlmHerbRanker.DEFAULT_PROMPT_TEMPLATE,
                    List.of(), HerbNormalizer.standard())).hasMessage("vocabulary must not be empty");
            assertThatThrownBy(() -> LlmHerbRanker.builder().build()).hasMessage("model must not be null");
        }

        @Test
        @DisplayName("the counters are exact under concurrent calls")
        void concurrent() throws Exception {
            LlmHerbRanker ranker = fake("症状分析：a\n处方推荐：麻黄、人参\n处方解释：b");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Ranking>> futures = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    futures.add(pool.submit(() -> ranker.rank(QUERY, 3)));
                }
                for (Future<Ranking> f : futures) {
                    assertThat(f.get().herbs()).containsExactly(Herb.of("麻黄"));
                }
            } finally {
                pool.shutdown();
            }
            assertThat(ranker.statistics()).isEqualTo(new LlmHerbRanker.Statistics(400, 0, 400));
        }
    }

    @Nested
    @DisplayName("on a tiny random Qwen2 with a character tokenizer")
    class Smoke {
        @TempDir
        Path tmp;

        @Test
        @DisplayName("runs end to end, plain and constrained with rescoring, and returns a ranking without throwing")
        void endToEnd() throws IOException {
            ChatTemplate chat = ChatTemplate.builder().optNoDefaultSystemMessage().build();
            String prompt = chat.render(List.of(ChatMessage.user(LlmHerbRanker.DEFAULT_PROMPT_TEMPLATE.replace(
                    LlmHerbRanker.FINDINGS, LlmHerbRanker.findings(QUERY)))), true);
            String chars = prompt + "症状分析处方推荐解释：、，, \n" + String.join("",
                    VOCABULARY.stream().map(Herb::name).toList());
            try (QwenTokenizer tokenizer = QwenTokenizer.load(Qwen2Fixtures.charTokenizer(tmp.resolve("tokenizer.json"), chars));
                    Qwen2Model model = Qwen2Model.init(Qwen2Config.builder().optVocabSize(tokenizer.vocabSize())
                            .optHiddenSize(32).optIntermediateSize(64).optNumHiddenLayers(2)
                            .optNumAttentionHeads(4).optNumKeyValueHeads(2).optTieWordEmbeddings(true).build(),
                            7, Device.cpu())) {
                for (boolean constrained : List.of(false, true)) {
                    LlmHerbRanker ranker = LlmHerbRanker.builder().setModel(model).setTokenizer(tokenizer)
                            .setVocabulary(HerbVocabulary.of(VOCABULARY)).optChatTemplate(chat)
                            .optConstrained(constrained).optRescoring(constrained)
                            .optGenerationConfig(GenerationConfig.builder().optMaxNewTokens(12)
                                    .optEosTokenIds(tokenizer.eosTokenIds()).build())
                            .build();
                    Ranking ranking = ranker.rank(QUERY, 5);
                    assertThat(ranking.size()).isLessThanOrEqualTo(5);
                    assertThat(VOCABULARY).containsAll(ranking.herbs());
                    LlmHerbRanker.Statistics s = ranker.statistics();
                    assertThat(s.answersParsed() + s.answersNotParsed()).isEqualTo(1);
                    assertThat(ranker.name()).isEqualTo("LLM");
                }
            }
        }
    }
}
