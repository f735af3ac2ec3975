package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.tcmrx.dpo.PairFixtures.PROMPT;
import static org.tcmrx.dpo.PairFixtures.RECORD;
import static org.tcmrx.dpo.PairFixtures.answer;
import static org.tcmrx.dpo.PairFixtures.candidate;
import static org.tcmrx.dpo.PairFixtures.herbs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcmrx.core.Herb;
import org.tcmrx.core.TcmRxVersion;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.dpo.PairDecision.Outcome;

/** The record's truth is 麻黄 桂枝 杏仁 甘草; F1 is the default metric. */
@DisplayName("ImplicitPreferenceBuilder")
class ImplicitPreferenceBuilderTest {
    private static final ImplicitPreferenceBuilder DEFAULT = ImplicitPreferenceBuilder.builder().build();
    private static final KnowledgeChosenWriter KNOWLEDGE = new KnowledgeChosenWriter();

    /** Writes the fixture's answer for the herbs, the way the fixture's LLM responses are written. */
    private static final ChosenWriter FIXTURE_WRITER = new ChosenWriter() {
        @Override
        public String write(PreferenceCandidate candidate, List<Herb> prescription) {
            return answer(prescription.stream().map(Herb::name).toArray(String[]::new));
        }

        @Override
        public String name() {
            return "fixture";
        }
    };

    @Nested
    @DisplayName("outcomes")
    class Outcomes {
        @Test
        @DisplayName("BART 1.0 against the LLM's 0.5: chosen is the writer's answer with BART's herbs")
        void bartBetter() {
            String llm = answer("麻黄", "桂枝", "大枣", "生姜");
            PreferenceCandidate c = candidate(llm, "麻黄", "桂枝", "杏仁", "甘草");
            PairDecision d = DEFAULT.decide(c);
            assertThat(d.outcome()).isEqualTo(Outcome.BART_BETTER);
            assertThat(d.bartScore()).isEqualTo(1.0);
            assertThat(d.llmScore()).isEqualTo(0.5);
            assertThat(d.llmParsed()).isTrue();
            PreferencePair p = d.pairOrNull();
            assertThat(p.id()).isEqualTo("case-1");
            assertThat(p.prompt()).isEqualTo(PROMPT);
            assertThat(p.chosen()).isEqualTo(KNOWLEDGE.write(c, c.bartHerbs()));
            assertThat(ThreeSectionAnswer.parse(p.chosen()).answerOrNull().herbs())
                    .containsExactly("麻黄", "桂枝", "杏仁", "甘草");
            assertThat(p.rejected()).isEqualTo(llm);
            assertThat(p.chosenScore()).isEqualTo(1.0);
            assertThat(p.rejectedScore()).isEqualTo(0.5);
            assertThat(p.chosenSource()).isEqualTo(PreferencePair.BART);
        }

        @Test
        @DisplayName("the metadata records producer, version, metric, margin, writer and both scores")
        void metadata() {
            PairDecision d = DEFAULT.decide(candidate(answer("麻黄", "桂枝", "大枣", "生姜"), "麻黄", "桂枝", "杏仁",
                    "甘草"));
            assertThat(d.pairOrNull().metadata()).isEqualTo(Map.of("producer", "ImplicitPreferenceBuilder",
                    "version", TcmRxVersion.VERSION, "metric", "f1", "margin", "0.1", "reversePairs", "false",
                    "writer", "knowledge", "bartScore", "1.0", "llmScore", "0.5", "llmParsed", "true"));
        }

        @Test
        @DisplayName("equal scores are a tie: 麻黄 桂枝 杏仁 大枣 against 麻黄 桂枝 杏仁 生姜, 0.75 each")
        void tie() {
            PairDecision d = DEFAULT.decide(candidate(answer("麻黄", "桂枝", "杏仁", "生姜"), "麻黄", "桂枝", "杏仁",
                    "大枣"));
            assertThat(d.outcome()).isEqualTo(Outcome.TIE);
            assertThat(d.bartScore()).isEqualTo(0.75);
            assertThat(d.pairOrNull()).isNull();
        }

        @Test
        @DisplayName("a gap under the margin makes no pair: 8/9 against 8/10")
        void belowMargin() {
            PreferenceCandidate c = candidate(answer("麻黄", "桂枝", "杏仁", "甘草", "生姜", "大枣"), "麻黄", "桂枝",
                    "杏仁", "甘草", "生姜");
            PairDecision d = DEFAULT.decide(c);
            assertThat(d.outcome()).isEqualTo(Outcome.BELOW_MARGIN);
            assertThat(d.gap()).isCloseTo(8.0 / 9 - 0.8, within(1e-12));
            assertThat(ImplicitPreferenceBuilder.builder().optMargin(0).build().decide(c).outcome())
                    .isEqualTo(Outcome.BART_BETTER);
            assertThat(ImplicitPreferenceBuilder.builder().optMargin(0.05).build().decide(c).outcome())
                    .isEqualTo(Outcome.BART_BETTER);
        }

        @Test
        @DisplayName("a gap equal to the margin on paper reaches it despite rounding: 0.6 - 0.5 against 0.1")
        void gapEqualToMargin() {
            PreferenceCandidate c = candidate(answer("麻黄", "桂枝", "大枣", "生姜"), "麻黄", "桂枝", "杏仁", "大枣",
                    "生姜", "白芍");
            PairDecision d = DEFAULT.decide(c);
            assertThat(d.gap()).isLessThan(0.1);
            assertThat(d.outcome()).isEqualTo(Outcome.BART_BETTER);
        }

        @Test
        @DisplayName("the LLM better: no pair by default, a reverse pair with the LLM's answer chosen when asked")
        void llmBetter() {
            String llm = answer("麻黄", "桂枝", "杏仁", "甘草");
            PreferenceCandidate c = candidate(llm, "麻黄", "桂枝", "大枣", "生姜");
            PairDecision off = DEFAULT.decide(c);
            assertThat(off.outcome()).isEqualTo(Outcome.LLM_BETTER_NO_REVERSE);
            assertThat(off.pairOrNull()).isNull();

            PairDecision on = ImplicitPreferenceBuilder.builder().optReversePairs(true).build().decide(c);
            assertThat(on.outcome()).isEqualTo(Outcome.LLM_BETTER);
            PreferencePair p = on.pairOrNull();
            assertThat(p.chosen()).isEqualTo(llm);
            assertThat(p.rejected()).isEqualTo(KNOWLEDGE.write(c, c.bartHerbs()));
            assertThat(p.chosenScore()).isEqualTo(1.0);
            assertThat(p.rejectedScore()).isEqualTo(0.5);
            assertThat(p.chosenSource()).isEqualTo(PreferencePair.LLM);
            assertThat(p.metadata()).containsEntry("reversePairs", "true");
        }

        @Test
        @DisplayName("an unparsed response scores 0 and is still rejected when BART reaches the margin")
        void unparsed() {
            PairDecision d = DEFAULT.decide(candidate("麻黄、桂枝、杏仁、甘草", "麻黄", "大枣"));
            assertThat(d.llmParsed()).isFalse();
            assertThat(d.llmScore()).isZero();
            assertThat(d.bartScore()).isCloseTo(1.0 / 3, within(1e-12));
            assertThat(d.outcome()).isEqualTo(Outcome.BART_BETTER);
            assertThat(d.pairOrNull().rejected()).isEqualTo("麻黄、桂枝、杏仁、甘草");
            assertThat(d.pairOrNull().metadata()).containsEntry("llmParsed", "false");

            assertThat(DEFAULT.decide(candidate("麻黄、桂枝", "大枣")).outcome()).as("0 against 0")
                    .isEqualTo(Outcome.TIE);
        }

        @Test
        @DisplayName("an empty or white-space response makes no pair, whatever the scores")
        void blank() {
            PairDecision d = DEFAULT.decide(candidate(" \n", "麻黄", "桂枝", "杏仁", "甘草"));
            assertThat(d.outcome()).isEqualTo(Outcome.LLM_BLANK);
            assertThat(d.bartScore()).isEqualTo(1.0);
            assertThat(d.pairOrNull()).isNull();
        }

        @Test
        @DisplayName("a written answer equal to the text it would be paired with makes no pair")
        void sameText() {
            String llm = answer("麻黄", "桂枝");
            // The LLM's herbs as read are better than what its text says; only the herbs are scored.
            PreferenceCandidate c = new PreferenceCandidate("case-1", PROMPT, RECORD.herbs(), llm,
                    herbs("麻黄", "桂枝", "杏仁", "甘草"), true, herbs("麻黄", "桂枝"), RECORD.query());
            ImplicitPreferenceBuilder builder = ImplicitPreferenceBuilder.builder().optChosenWriter(FIXTURE_WRITER)
                    .optReversePairs(true).build();
            PairDecision d = builder.decide(c);
            assertThat(d.outcome()).isEqualTo(Outcome.SAME_TEXT);
            assertThat(d.pairOrNull()).isNull();
            assertThat(d.llmScore()).isEqualTo(1.0);
        }

        @Test
        @DisplayName("another metric: p@2 ranks by the first two herbs")
        void otherMetric() {
            ImplicitPreferenceBuilder p2 = ImplicitPreferenceBuilder.builder()
                    .optMetric(PrescriptionMetric.precisionAt(2)).build();
            PairDecision d = p2.decide(candidate(answer("大枣", "麻黄", "桂枝", "杏仁"), "麻黄", "桂枝", "大枣"));
            assertThat(d.bartScore()).isEqualTo(1.0);
            assertThat(d.llmScore()).isEqualTo(0.5);
            assertThat(d.pairOrNull().metadata()).containsEntry("metric", "p@2");
        }
    }

    @Nested
    @DisplayName("the writer's contract and the settings")
    class Contract {
        @Test
        @DisplayName("a writer whose text does not carry BART's herbs fails the decision")
        void wrongHerbs() {
            ChosenWriter wrong = new ChosenWriter() {
                @Override
                public String write(PreferenceCandidate candidate, List<Herb> prescription) {
                    return answer("麻黄");
                }

                @Override
                public String name() {
                    return "wrong";
                }
            };
            ImplicitPreferenceBuilder b = ImplicitPreferenceBuilder.builder().optChosenWriter(wrong).build();
            assertThatThrownBy(() -> b.decide(candidate(answer("大枣"), "麻黄", "桂枝")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("writer wrong wrote for record case-1 a text that does not parse cleanly to the "
                            + "prescription [麻黄, 桂枝]: [麻黄] []");
        }

        @Test
        @DisplayName("describe() gives the settings in order")
        void describe() {
            ImplicitPreferenceBuilder b = ImplicitPreferenceBuilder.builder().optMetric(PrescriptionMetric.jaccard())
                    .optMargin(0.25).optReversePairs(true).optChosenWriter(FIXTURE_WRITER).build();
            assertThat(b.describe()).containsExactly(Map.entry("producer", "ImplicitPreferenceBuilder"),
                    Map.entry("version", TcmRxVersion.VERSION), Map.entry("metric", "jaccard"),
                    Map.entry("margin", "0.25"), Map.entry("reversePairs", "true"), Map.entry("writer", "fixture"));
            assertThat(b.margin()).isEqualTo(0.25);
            assertThat(b.reversePairs()).isTrue();
            assertThat(b.metric().name()).isEqualTo("jaccard");
            assertThat(b.chosenWriter()).isSameAs(FIXTURE_WRITER);
            assertThat(DEFAULT.margin()).isEqualTo(ImplicitPreferenceBuilder.DEFAULT_MARGIN).isEqualTo(0.1);
            assertThat(DEFAULT.chosenWriter().name()).isEqualTo(KnowledgeChosenWriter.NAME);
        }

        @Test
        @DisplayName("invalid settings and a null candidate are refused, naming the argument")
        void invalid() {
            assertThatThrownBy(() -> ImplicitPreferenceBuilder.builder().optMargin(-0.1).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("margin must be a finite number at least 0, got -0.1");
            assertThatThrownBy(() -> ImplicitPreferenceBuilder.builder().optMargin(Double.NaN).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("margin must be a finite number at least 0, got NaN");
            assertThatThrownBy(() -> ImplicitPreferenceBuilder.builder().optMetric(null).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("metric must not be null");
            assertThatThrownBy(() -> ImplicitPreferenceBuilder.builder().optChosenWriter(null).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("chosenWriter must not be null");
            assertThatThrownBy(() -> DEFAULT.decide(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("candidate must not be null");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    @DisplayName("on random prescriptions: a pair exactly when the gap reaches the margin, chosen the better side")
    void randomCandidates(long seed) {
        Random random = new Random(seed);
        List<String> pool = List.of("麻黄", "桂枝", "杏仁", "甘草", "大枣", "生姜", "白芍", "细辛", "干姜", "半夏");
        double margin = random.nextInt(4) * 0.1;
        ImplicitPreferenceBuilder builder = ImplicitPreferenceBuilder.builder().optMargin(margin)
                .optReversePairs(random.nextBoolean()).build();
        for (int i = 0; i < 20; i++) {
            String[] llm = draw(pool, random);
            String[] bart = draw(pool, random);
            PreferenceCandidate c = candidate(answer(llm), bart);
            PairDecision d = builder.decide(c);
            double gap = d.bartScore() - d.llmScore();
            boolean reaches = Math.abs(gap) > ImplicitPreferenceBuilder.TOLERANCE
                    && Math.abs(gap) >= margin - ImplicitPreferenceBuilder.TOLERANCE;
            boolean expectPair = reaches && (gap > 0 || builder.reversePairs());
            assertThat(d.pairOrNull() != null).as("pair for gap %s, margin %s", gap, margin).isEqualTo(expectPair);
            if (d.pairOrNull() != null) {
                PreferencePair p = d.pairOrNull();
                assertThat(p.scoreGap()).isEqualTo(Math.abs(gap));
                String bartText = gap > 0 ? p.chosen() : p.rejected();
                assertThat(ThreeSectionAnswer.parse(bartText).answerOrNull().herbs()).containsExactly(bart);
                assertThat(gap > 0 ? p.rejected() : p.chosen()).isEqualTo(c.llmResponse());
            }
        }
    }

    private static String[] draw(List<String> pool, Random random) {
        List<String> shuffled = new ArrayList<>(pool);
        java.util.Collections.shuffle(shuffled, random);
        return shuffled.subList(0, 1 + random.nextInt(6)).toArray(String[]::new);
    }
}
