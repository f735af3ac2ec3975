package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.tcmrx.eval.PropertyContradiction.Attribute.FLAVOUR;
import static org.tcmrx.eval.PropertyContradiction.Attribute.MERIDIAN;
import static org.tcmrx.eval.PropertyContradiction.Attribute.NATURE;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.HerbProperties;

@DisplayName("AnswerFaithfulness")
class AnswerFaithfulnessTest {
    static final String ANALYSIS = "症状分析：恶寒发热，无汗而喘，脉浮紧，乃风寒束表之证。\n";
    static final List<Herb> VOCABULARY = List.of("麻黄", "桂枝", "苦杏仁", "甘草", "白芍", "生姜", "大枣", "姜", "川芎")
            .stream().map(Herb::of).toList();
    /** Rows of tcm-distill's herb-knowledge.tsv. */
    static final Map<Herb, HerbProperties> KNOWLEDGE = knowledge(
            "麻黄", "温", "辛、微苦", "肺、膀胱",
            "桂枝", "温", "辛、甘", "心、肺、膀胱",
            "苦杏仁", "微温", "苦", "肺、大肠",
            "炙甘草", "平", "甘", "心、肺、脾、胃",
            "甘草", "平", "甘", "心、肺、脾、胃",
            "白芍", "微寒", "苦、酸", "肝、脾",
            "川芎", "温", "辛", "肝、胆、心包");

    static final AnswerFaithfulness CHECKER = AnswerFaithfulness.builder().setVocabulary(VOCABULARY)
            .optKnowledge(KNOWLEDGE).build();

    static Map<Herb, HerbProperties> knowledge(String... rows) {
        Map<Herb, HerbProperties> out = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i += 4) {
            out.put(Herb.of(rows[i]), new HerbProperties(rows[i + 1], List.of(rows[i + 2].split("、")),
                    List.of(rows[i + 3].split("、"))));
        }
        return out;
    }

    static String answer(String herbs, String explanation) {
        return ANALYSIS + "处方推荐：" + herbs + "\n处方解释：" + explanation;
    }

    /** The explained, the unexplained and the explained-but-not-prescribed herbs: {@code "麻黄 桂枝 | 苦杏仁 | 白芍"}. */
    static String named(FaithfulnessCase c) {
        return String.join(" ", c.explained()) + " | " + String.join(" ", c.unexplained()) + " | "
                + String.join(" ", c.explainedNotPrescribed());
    }

    static Stream<Arguments> maskingCases() {
        return Stream.of(
                arguments("炙甘草 prescribed and named is not also a mention of 甘草", "麻黄、炙甘草", "麻黄为君，炙甘草调和诸药。",
                        "麻黄 炙甘草 |  | "),
                arguments("甘草 prescribed is not explained by a mention of 炙甘草, which is not prescribed", "麻黄、甘草",
                        "麻黄为君，炙甘草调和诸药。", "麻黄 | 甘草 | 炙甘草"),
                arguments("both prescribed, each named apart", "炙甘草、甘草", "炙甘草补中，甘草解毒。", "炙甘草 甘草 |  | "),
                arguments("both prescribed, only 炙甘草 named", "炙甘草、甘草", "炙甘草补中。", "炙甘草 | 甘草 | "));
    }

    static PropertyContradiction contradiction(String herb, PropertyContradiction.Attribute attribute, String stated,
            String... table) {
        return new PropertyContradiction(herb, attribute, stated, List.of(table));
    }

    @Nested
    @DisplayName("herbs explained")
    class Explained {
        @Test
        @DisplayName("a faithful answer: every herb explained, nothing extra, every claim consistent")
        void perfect() {
            FaithfulnessCase c = CHECKER.check(answer("麻黄9g、桂枝、苦杏仁、炙甘草",
                    "麻黄：性温，味辛、微苦，归肺、膀胱经，发汗散寒为君；桂枝：性温，味辛甘，入心肺膀胱经，解肌为臣；"
                            + "苦杏仁：性微温，味苦，归肺、大肠经，降气平喘为佐；炙甘草：性平，味甘，归心、肺、脾、胃经，调和诸药为使。"));
            assertThat(c).isEqualTo(new FaithfulnessCase(true, List.of("麻黄", "桂枝", "苦杏仁", "炙甘草"),
                    List.of("麻黄", "桂枝", "苦杏仁", "炙甘草"), List.of(), List.of(), List.of(), 5 + 6 + 4 + 6,
                    List.of()));
        }

        @Test
        @DisplayName("a herb the explanation does not name is unexplained")
        void missing() {
            FaithfulnessCase c = CHECKER.check(answer("麻黄、桂枝、苦杏仁", "麻黄发汗为君，桂枝解肌为臣。"));
            assertThat(named(c)).isEqualTo("麻黄 桂枝 | 苦杏仁 | ");
            assertThat(c.propertyClaims()).isZero();
        }

        @Test
        @DisplayName("the normalized name counts as a mention")
        void normalized() {
            assertThat(named(CHECKER.check(answer("炙麻黄、甘草(炙)", "麻黄宣肺为君，炙甘草调和诸药。"))))
                    .isEqualTo("炙麻黄 甘草(炙) |  | ");
        }

        @Test
        @DisplayName("herbs named but not prescribed, once each, in order of appearance; one-character names ignored")
        void notPrescribed() {
            assertThat(named(CHECKER.check(answer("麻黄、桂枝", "麻黄发汗，桂枝解肌，生姜和中，白芍敛阴，再用生姜，姜枣调和。"))))
                    .isEqualTo("麻黄 桂枝 |  | 生姜 白芍");
        }

        @Test
        @DisplayName("names of the knowledge table count as known herbs too")
        void knowledgeNames() {
            AnswerFaithfulness checker = AnswerFaithfulness.builder().setVocabulary(List.of(Herb.of("麻黄")))
                    .optNormalizer(HerbNormalizer.standard()).optKnowledge(KNOWLEDGE).build();
            assertThat(named(checker.check(answer("麻黄", "麻黄发汗，炙甘草调和。")))).isEqualTo("麻黄 |  | 炙甘草");
        }

        @Test
        @DisplayName("prescribed herbs whose normalized name is not in the vocabulary, as written")
        void outsideVocabulary() {
            FaithfulnessCase c = CHECKER.check(answer("麻黄、龙眼肉、炒白术、甘草(炙)",
                    "麻黄发汗，龙眼肉养血，炒白术健脾，炙甘草调和。"));
            assertThat(c.outsideVocabulary()).containsExactly("龙眼肉", "炒白术");
            assertThat(named(c)).isEqualTo("麻黄 龙眼肉 炒白术 甘草(炙) |  | ");
        }
    }

    @Nested
    @DisplayName("masking, longest names first")
    class Masking {
        final AnswerFaithfulness distinct = AnswerFaithfulness.builder()
                .setVocabulary(List.of(Herb.of("甘草"), Herb.of("炙甘草"), Herb.of("麻黄")))
                .optNormalizer(HerbNormalizer.standard()).build();

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.tcmrx.eval.AnswerFaithfulnessTest#maskingCases")
        @DisplayName("with 炙甘草 and 甘草 distinct herbs")
        void distinct(String why, String herbs, String explanation, String expected) {
            assertThat(named(distinct.check(answer(herbs, explanation)))).isEqualTo(expected);
        }

        @Test
        @DisplayName("with the default rules, a known name that normalizes to a prescribed herb names it")
        void alias() {
            assertThat(named(CHECKER.check(answer("麻黄、甘草", "麻黄为君，炙甘草调和诸药。")))).isEqualTo("麻黄 甘草 |  | ");
        }
    }

    @Nested
    @DisplayName("answers that do not parse")
    class Unparsed {
        @Test
        @DisplayName("give parsed false and nothing else")
        void unparsed() {
            assertThat(CHECKER.check("麻黄、桂枝，发汗解表。")).isEqualTo(FaithfulnessCase.unparsed());
            assertThat(CHECKER.check("处方推荐：麻黄\n症状分析：恶寒\n处方解释：麻黄")).isEqualTo(new FaithfulnessCase(false,
                    List.of(), List.of(), List.of(), List.of(), List.of(), 0, List.of()));
        }

        @Test
        @DisplayName("an empty explanation leaves every herb unexplained")
        void emptyExplanation() {
            FaithfulnessCase c = CHECKER.check(ANALYSIS + "处方推荐：麻黄、桂枝\n处方解释：");
            assertThat(c.parsed()).isTrue();
            assertThat(named(c)).isEqualTo(" | 麻黄 桂枝 | ");
        }

        @Test
        @DisplayName("a name nothing is left of after normalizing is kept as written, outside the vocabulary")
        void blankName() {
            FaithfulnessCase c = CHECKER.check(answer("麻黄、\u00A0", "麻黄为君。"));
            assertThat(c.prescribed()).containsExactly("麻黄", "\u00A0");
            assertThat(c.outsideVocabulary()).containsExactly("\u00A0");
        }

        @Test
        @DisplayName("null text is the caller's mistake")
        void nullText() {
            assertThatThrownBy(() -> CHECKER.check(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("answerText must not be null");
        }
    }

    @Nested
    @DisplayName("property claims")
    class Claims {
        private FaithfulnessCase check(String herbs, String explanation) {
            return CHECKER.check(answer(herbs, explanation));
        }

        /** Asserts how many claims were checked and which were contradicted, in order. */
        private void assertClaims(FaithfulnessCase c, int claims, PropertyContradiction... contradictions) {
            assertThat(c.propertyClaims()).isEqualTo(claims);
            assertThat(c.contradictions()).containsExactly(contradictions);
        }

        @Test
        @DisplayName("nature: opposite signs contradict, 平 against 温 contradicts, a degree apart does not")
        void nature() {
            assertClaims(check("麻黄、苦杏仁、桂枝、白芍、川芎", "麻黄性寒；苦杏仁性凉；桂枝性平；白芍性寒；川芎性大热。"), 5,
                    contradiction("麻黄", NATURE, "寒", "温"),
                    contradiction("苦杏仁", NATURE, "凉", "微温"),
                    contradiction("桂枝", NATURE, "平", "温"));
            assertClaims(check("苦杏仁、甘草", "苦杏仁性平，甘草性微温。"), 2);
            assertClaims(check("白芍", "白芍性大寒。"), 1, contradiction("白芍", NATURE, "大寒", "微寒"));
        }

        @Test
        @DisplayName("flavour: compared without 微 or 大")
        void flavour() {
            assertClaims(check("麻黄、白芍", "麻黄味甘、苦、大辛；白芍味微酸咸。"), 5,
                    contradiction("麻黄", FLAVOUR, "甘", "辛", "微苦"),
                    contradiction("白芍", FLAVOUR, "咸", "苦", "酸"));
        }

        @Test
        @DisplayName("meridian: 膀胱 and 心包 read whole, 心包 is not 心")
        void meridian() {
            assertClaims(check("麻黄、川芎", "麻黄归肺、膀胱、肝经；川芎入心包经，又入心经。"), 5,
                    contradiction("麻黄", MERIDIAN, "肝", "肺", "膀胱"),
                    contradiction("川芎", MERIDIAN, "心", "肝", "胆", "心包"));
        }

        @Test
        @DisplayName("a table may write its meridians with 经")
        void tableWithJing() {
            AnswerFaithfulness checker = AnswerFaithfulness.builder().setVocabulary(VOCABULARY)
                    .optKnowledge(knowledge("麻黄", "温", "辛", "肺经、膀胱经")).build();
            assertClaims(checker.check(answer("麻黄", "麻黄归肺、膀胱经，入心经。")), 3,
                    contradiction("麻黄", MERIDIAN, "心", "肺经", "膀胱经"));
        }

        @Test
        @DisplayName("contradictions in order: segments, then nature, flavours, meridians")
        void order() {
            assertClaims(check("桂枝、麻黄", "麻黄：归肝经，味甘，性寒。桂枝：性寒。"), 4,
                    contradiction("麻黄", NATURE, "寒", "温"),
                    contradiction("麻黄", FLAVOUR, "甘", "辛", "微苦"),
                    contradiction("麻黄", MERIDIAN, "肝", "肺", "膀胱"),
                    contradiction("桂枝", NATURE, "寒", "温"));
        }

        @Test
        @DisplayName("a segment ends at the next herb named, prescribed or not")
        void segments() {
            FaithfulnessCase c = check("麻黄、桂枝", "麻黄性温，白芍性寒味酸，桂枝味辛；麻黄再述，性微温。");
            // 麻黄: 温 and, in its second segment, 微温; 桂枝: 辛. 白芍 is not prescribed, so its claims are not read.
            assertClaims(c, 3);
            assertThat(c.explainedNotPrescribed()).containsExactly("白芍");
        }

        @Test
        @DisplayName("a value stated twice in one segment counts once")
        void once() {
            assertClaims(check("麻黄", "麻黄味辛，辛能发散，味辛，性温。"), 2);
        }

        @Test
        @DisplayName("a herb not in the table, or no table at all, gives no claim")
        void notInTable() {
            assertClaims(check("龙眼肉", "龙眼肉：性寒，味苦，归肺经。"), 0);
            AnswerFaithfulness bare = AnswerFaithfulness.builder().setVocabulary(VOCABULARY).build();
            assertClaims(bare.check(answer("麻黄", "麻黄：性寒，味甘，归肝经。")), 0);
        }

        @Test
        @DisplayName("only the explicit patterns are read")
        void explicitOnly() {
            // Bare 辛温, 温中, 苦寒, a degree off the scale, and 归经 without an organ are not claims; 归肺经 is.
            assertClaims(check("麻黄", "麻黄辛温发汗，温中散寒，非苦寒之品，性大温，性味归经：辛、微苦，温。归肺经。"), 1);
        }

        @Test
        @DisplayName("a table nature off the scale is not compared")
        void tableOffScale() {
            AnswerFaithfulness checker = AnswerFaithfulness.builder().setVocabulary(VOCABULARY)
                    .optKnowledge(knowledge("麻黄", "微热", "辛", "肺")).build();
            assertClaims(checker.check(answer("麻黄", "麻黄性寒，味辛。")), 1);
        }
    }

    @Nested
    @DisplayName("builder")
    class Builds {
        @Test
        @DisplayName("requires a non-empty vocabulary")
        void vocabulary() {
            assertThatThrownBy(() -> AnswerFaithfulness.builder().build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("vocabulary must be set");
            assertThatThrownBy(() -> AnswerFaithfulness.builder().setVocabulary(List.of()).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("vocabulary must not be empty");
            assertThatThrownBy(() -> AnswerFaithfulness.builder().setVocabulary(Arrays.asList(Herb.of("麻黄"), null))
                    .build()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("vocabulary element must not be null");
        }

        @Test
        @DisplayName("rejects a null knowledge table and nulls in it")
        void options() {
            assertThatThrownBy(() -> AnswerFaithfulness.builder().setVocabulary(VOCABULARY).optKnowledge(null).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("knowledge must not be null");
            Map<Herb, HerbProperties> holed = new HashMap<>();
            holed.put(Herb.of("麻黄"), null);
            assertThatThrownBy(() -> AnswerFaithfulness.builder().setVocabulary(VOCABULARY).optKnowledge(holed).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("knowledge must not contain null");
        }
    }
}
