package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.eval.EvaluatorFixtures.caseOf;
import static org.tcmrx.eval.EvaluatorFixtures.herbs;
import static org.tcmrx.eval.EvaluatorFixtures.ranking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dose;
import org.tcmrx.core.ExplainingHerbRanker;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbProperties;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.safety.RuleKind;
import org.tcmrx.core.safety.SafetyChecker;

@DisplayName("Evaluation with safety and faithfulness checks")
class EvaluationAuditTest {
    private static final SafetyChecker CHECKER = SafetyChecker.standard();

    private static final CaseSet SPLIT = CaseSet.of("test", List.of(
            caseOf("a", "甘草", "麻黄"),
            caseOf("b", "桂枝", "芍药"),
            caseOf("c", "附子", "干姜")));

    /** Case a: 甘草 and 海藻 in the top 2; case b: 甘遂 at rank 11, past the safety cut-off; case c: clean. */
    private static EvaluatorFixtures.FixedRanker ranker() {
        return new EvaluatorFixtures.FixedRanker("R", Map.of(
                "a", herbs("甘草", "海藻", "麻黄"),
                "b", herbs("甘草", "桂枝", "芍药", "杏仁", "生姜", "大枣", "茯苓", "白术", "陈皮", "当归", "甘遂"),
                "c", herbs("干姜", "桃仁")));
    }

    @Nested
    @DisplayName("safety")
    class Safety {
        @Test
        @DisplayName("records the rules each case's top-K list triggers and sums them per kind and rule")
        void perCase() {
            EvaluationResult r = RankerEvaluator.builder().optThreads(1).optSafetyChecker(CHECKER).build()
                    .evaluate(ranker(), SPLIT);
            assertThat(r.cases()).extracting(CaseResult::safety).containsExactly(
                    List.of("十八反:甘草-海藻"), List.of(), List.of("妊娠慎用:桃仁"));
            SafetySummary s = r.safety();
            assertThat(s).isEqualTo(new SafetySummary("R", 10, 3, 1, 2,
                    Map.of(RuleKind.EIGHTEEN_INCOMPATIBILITIES, 1, RuleKind.PREGNANCY_CAUTION, 1),
                    Map.of("十八反:甘草-海藻", 1, "妊娠慎用:桃仁", 1)));
            assertThat(s.pairShare()).isEqualTo(1 / 3.0);
            assertThat(s.anyShare()).isEqualTo(2 / 3.0);
            assertThat(r.provenance().parameters()).containsEntry("safetyK", "10");
        }

        @Test
        @DisplayName("reads as far as the safety cut-off")
        void cutOff() {
            EvaluationResult r = RankerEvaluator.builder().optThreads(1).optSafetyChecker(CHECKER).optSafetyK(11)
                    .build().evaluate(ranker(), SPLIT);
            assertThat(r.cases().get(1).safety()).containsExactly("十八反:甘草-甘遂", "妊娠禁用:甘遂");
            assertThatThrownBy(() -> RankerEvaluator.builder().optSafetyK(0).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("safetyK must be at least 1, got 0");
        }

        @Test
        @DisplayName("without a checker, nothing is recorded")
        void off() {
            EvaluationResult r = RankerEvaluator.builder().optThreads(1).build().evaluate(ranker(), SPLIT);
            assertThat(r.safety()).isNull();
            assertThat(r.cases()).allSatisfy(c -> assertThat(c.safety()).isEmpty());
        }

        @Test
        @DisplayName("checks true prescriptions with their doses")
        void truth() {
            Herb xixin = Herb.of("细辛");
            ClinicalCase dosed = ClinicalCase.builder().setId("d").setSymptoms("咳嗽").setPrescription(
                    new Prescription(List.of(xixin, Herb.of("甘草"), Herb.of("甘遂")), Map.of(xixin, Dose.grams(6))))
                    .build();
            SafetySummary s = SafetySummary.ofPrescriptions(CHECKER, List.of(dosed, caseOf("e", "麻黄")));
            assertThat(s.subject()).isEqualTo(SafetySummary.TRUTH);
            assertThat(s.k()).isZero();
            assertThat(s.byRule()).containsExactly(Map.entry("十八反:甘草-甘遂", 1), Map.entry("妊娠禁用:甘遂", 1),
                    Map.entry("剂量:细辛", 1));
            assertThat(s.listsWithPairFinding()).isEqualTo(1);
            assertThat(s.listsWithAnyFinding()).isEqualTo(1);
            assertThatThrownBy(() -> SafetySummary.ofRuleIds("x", 10, List.of(List.of("nope")), CHECKER))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("no safety rule with id 'nope'");
            assertThatThrownBy(() -> new SafetySummary("x", 10, 1, 2, 1, Map.of(), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expected 0 <= pair <= any <= lists, got 2, 1, 1");
        }

        @Test
        @DisplayName("lays out the overview and the per-rule table, truth first")
        void tables() {
            EvaluationResult r = RankerEvaluator.builder().optThreads(1).optSafetyChecker(CHECKER).build()
                    .evaluate(ranker(), SPLIT);
            SafetySummary truth = SafetySummary.ofPrescriptions(CHECKER, SPLIT);
            ReportTable overview = SafetyTables.overview(List.of(truth, r.safety()));
            assertThat(overview.header()).containsExactly("Lists", "K", "Checked", "Pairs", "Any", "十八反", "十九畏",
                    "妊娠禁用", "妊娠慎用", "超剂量");
            assertThat(overview.rows().get(1)).containsExactly("R", "10", "3", "1 (33.3%)", "2 (66.7%)",
                    "1 (33.3%)", "0 (0.0%)", "0 (0.0%)", "1 (33.3%)", "0 (0.0%)");
            assertThat(overview.rows().get(0)).startsWith("truth", "all", "3", "0 (0.0%)", "1 (33.3%)");
            ReportTable byRule = SafetyTables.byRule(List.of(truth, r.safety()));
            // In rule-table order: 十八反 first, then the pregnancy rules in the table's order.
            assertThat(byRule.rows()).containsExactly(List.of("十八反:甘草-海藻", "0", "1"),
                    List.of("妊娠慎用:附子", "1", "0"), List.of("妊娠慎用:桃仁", "0", "1"));
            String md = EvaluationReport.builder().addResult(r).optTruthSafety(truth).build().toMarkdown();
            assertThat(md).contains("Safety: how many lists trigger the clinical safety rules.")
                    .contains("| truth | all | 3 |").contains("甘遂半夏汤");
        }
    }

    /** Writes a fixed answer per case and ranks its prescribed herbs in order. */
    private static final class Explaining implements ExplainingHerbRanker {
        private final Map<String, String> answers;

        Explaining(Map<String, String> answers) {
            this.answers = answers;
        }

        @Override
        public Explained rankExplained(Query query, int k) {
            String text = answers.get(query.symptoms().get(0).name());
            ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(text);
            Ranking r = parse.ok() ? ranking(parse.answerOrNull().herbs().stream().map(Herb::of).toList()).top(k)
                    : Ranking.EMPTY;
            return new Explained(r, text);
        }

        @Override
        public Ranking rank(Query query, int k) {
            throw new AssertionError("the evaluator must ask for the answer");
        }

        @Override
        public String name() {
            return "LLM";
        }
    }

    @Nested
    @DisplayName("faithfulness")
    class Faithfulness {
        private final Explaining llm = new Explaining(Map.of(
                "a", "症状分析：风寒\n处方推荐：麻黄、甘草\n处方解释：麻黄性温，味辛；甘草调和诸药。",
                "b", "症状分析：营卫不和\n处方推荐：桂枝、芍药\n处方解释：桂枝性寒。",
                "c", "no answer"));

        @Test
        @DisplayName("keeps each answer, checks it, and sums the checks")
        void checks() {
            AnswerFaithfulness faithfulness = AnswerFaithfulness.builder()
                    .setVocabulary(herbs("麻黄", "甘草", "桂枝", "芍药", "附子", "干姜"))
                    .optKnowledge(Map.of(Herb.of("桂枝"), new HerbProperties("温", List.of("辛", "甘"),
                            List.of("心", "肺", "膀胱")))).build();
            EvaluationResult r = RankerEvaluator.builder().optThreads(1).optFaithfulness(faithfulness).build()
                    .evaluate(llm, SPLIT);
            assertThat(r.cases().get(2).answer()).isEqualTo("no answer");
            assertThat(r.cases().get(0).faithfulness().explained()).containsExactly("麻黄", "甘草");
            assertThat(r.cases().get(1).faithfulness().unexplained()).containsExactly("芍药");
            assertThat(r.cases().get(1).faithfulness().contradictions()).hasSize(1);
            FaithfulnessSummary f = r.faithfulness();
            assertThat(f.answers()).isEqualTo(3);
            assertThat(f.parsed()).isEqualTo(2);
            assertThat(f.explainedHerbs()).isEqualTo(3);
            assertThat(f.prescribedHerbs()).isEqualTo(4);
            assertThat(f.contradictions()).isEqualTo(1);
            ReportTable table = FaithfulnessTables.table(List.of(r));
            assertThat(table.rows()).containsExactly(List.of("LLM", "3", "66.7%", "75.0%", "0.0%", "0.00", "0.0%",
                    "1/1 (100.0%)"));
            assertThat(EvaluationReport.builder().addResult(r).build().toMarkdown())
                    .contains("Explanation faithfulness of the answers:").contains("| LLM | 3 | 66.7% |");
        }

        @Test
        @DisplayName("answers are kept without a faithfulness check, and survive the JSON report")
        void json(@TempDir Path dir) throws IOException {
            EvaluationResult r = RankerEvaluator.builder().optThreads(1).optSafetyChecker(CHECKER).build()
                    .evaluate(llm, SPLIT);
            assertThat(r.faithfulness()).isNull();
            assertThat(r.cases().get(0).answer()).startsWith("症状分析：风寒");
            Path file = dir.resolve("r.json");
            EvaluationReport.builder().addResult(r).optIncludeCases(true)
                    .optTruthSafety(SafetySummary.ofPrescriptions(CHECKER, SPLIT)).build().writeJson(file);
            EvaluationReport.Document read = EvaluationReport.readJson(file);
            assertThat(read.results().get(0)).isEqualTo(r);
            assertThat(read.truthSafety()).isEqualTo(SafetySummary.ofPrescriptions(CHECKER, SPLIT));
        }
    }
}
