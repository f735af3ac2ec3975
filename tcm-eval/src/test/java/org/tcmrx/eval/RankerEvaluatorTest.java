package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.tcmrx.eval.EvaluatorFixtures.caseOf;
import static org.tcmrx.eval.EvaluatorFixtures.herbs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.eval.EvaluatorFixtures.FixedRanker;

@DisplayName("RankerEvaluator")
class RankerEvaluatorTest {
    private static final Offset<Double> EXACT = within(1e-12);
    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    /*
     * c1: T = {A,B,C,D}, ranking A X B Y Z (MetricsTest's worked example).
     * c2: T = {E,F}, ranking X Y (no hit, shorter than K = 3).
     * c3: T = {G}, ranking G (one herb).
     *
     * K = 1 (per case P, R, F1, NDCG, NDCG_SMGCN, HR):
     *   c1: 1, 1/4, 0.4, 1, 1, 1;   c2: all 0;   c3: 1, 1, 1, 1, 1, 1.
     *   mean P = 2/3, mean R = 1.25/3 = 5/12, F1 of means = 2·(2/3)(5/12) / (2/3 + 5/12) = (5/9) / (13/12) = 20/39,
     *   mean F1 = 1.4/3, NDCG = NDCG_SMGCN = HR = 2/3.
     * K = 3, DIVIDE_BY_K:
     *   c1: P 2/3, R 1/2, F1 4/7, NDCG 1.5/(1 + 1/log2 3 + 0.5), SMGCN 1.5/(1 + 1/log2 3), HR 1;
     *   c2: all 0;
     *   c3: P 1/3, R 1, F1 2·(1/3)/(4/3) = 1/2, NDCG 1 (IDCG over min(3, 1) = 1 hit), SMGCN 1, HR 1.
     *   mean P = 1/3, mean R = 1/2, F1 of means = (1/3)/(5/6) = 0.4, mean F1 = (4/7 + 1/2)/3 = 5/14.
     * K = 3, DIVIDE_BY_PREDICTED: c1 2/3 (n = 5), c2 0/2 = 0, c3 1/1 = 1 -> mean P = 5/9; c3's F1 becomes 1.
     */
    private static CaseSet tiny() {
        return CaseSet.of("tiny", List.of(caseOf("c1", "A", "B", "C", "D"), caseOf("c2", "E", "F"),
                caseOf("c3", "G")));
    }

    private static FixedRanker tinyRanker() {
        return new FixedRanker("Fixed", Map.of(
                "c1", herbs("A", "X", "B", "Y", "Z"),
                "c2", herbs("X", "Y"),
                "c3", herbs("G")));
    }

    @Nested
    @DisplayName("on a tiny hand-computed split")
    class Tiny {
        @Test
        @DisplayName("aggregates at K = 1 and K = 3 (DIVIDE_BY_K)")
        void aggregates() {
            EvaluationResult r = RankerEvaluator.builder().optKs(3, 1).build().evaluate(tinyRanker(), tiny());
            assertThat(r.ranker()).isEqualTo("Fixed");
            assertThat(r.split()).isEqualTo("tiny");
            assertThat(r.ks()).containsExactly(1, 3);
            assertThat(r.caseCount()).isEqualTo(3);
            assertThat(r.caseIds()).containsExactly("c1", "c2", "c3");

            AggregateRow k1 = r.row(1);
            assertThat(k1.precision()).isCloseTo(2.0 / 3, EXACT);
            assertThat(k1.recall()).isCloseTo(5.0 / 12, EXACT);
            assertThat(k1.f1OfMeans()).isCloseTo(20.0 / 39, EXACT);
            assertThat(k1.meanF1()).isCloseTo(1.4 / 3, EXACT);
            assertThat(k1.ndcg()).isCloseTo(2.0 / 3, EXACT);
            assertThat(k1.ndcgSmgcn()).isCloseTo(2.0 / 3, EXACT);
            assertThat(k1.hitRate()).isCloseTo(2.0 / 3, EXACT);

            AggregateRow k3 = r.row(3);
            assertThat(k3.precision()).isCloseTo(1.0 / 3, EXACT);
            assertThat(k3.recall()).isCloseTo(0.5, EXACT);
            assertThat(k3.f1OfMeans()).isCloseTo(0.4, EXACT);
            assertThat(k3.meanF1()).isCloseTo(5.0 / 14, EXACT);
            assertThat(k3.ndcg()).isCloseTo((1.5 / (1 + 1 / LOG2_3 + 0.5) + 1) / 3, EXACT);
            assertThat(k3.ndcgSmgcn()).isCloseTo((1.5 / (1 + 1 / LOG2_3) + 1) / 3, EXACT);
            assertThat(k3.hitRate()).isCloseTo(2.0 / 3, EXACT);
            assertThat(r.value(Metric.F1_OF_MEANS, 3)).isEqualTo(k3.f1OfMeans());
        }

        @Test
        @DisplayName("DIVIDE_BY_PREDICTED changes only precision and F1")
        void dividedByPredicted() {
            EvaluationResult r = RankerEvaluator.builder().optKs(1, 3)
                    .optConvention(PrecisionConvention.DIVIDE_BY_PREDICTED).build().evaluate(tinyRanker(), tiny());
            AggregateRow k3 = r.row(3);
            assertThat(k3.precision()).isCloseTo(5.0 / 9, EXACT);
            assertThat(k3.recall()).isCloseTo(0.5, EXACT);
            assertThat(k3.meanF1()).isCloseTo((4.0 / 7 + 1) / 3, EXACT);
            assertThat(r.convention()).isEqualTo(PrecisionConvention.DIVIDE_BY_PREDICTED);
        }

        @Test
        @DisplayName("asks each case once, for max(max K, SMGCN's list length) herbs")
        void asksOnce() {
            FixedRanker ranker = tinyRanker();
            RankerEvaluator evaluator = RankerEvaluator.builder().optKs(1, 3).optThreads(1).build();
            evaluator.evaluate(ranker, tiny());
            assertThat(ranker.asked).containsOnly(Map.entry("c1", 20), Map.entry("c2", 20), Map.entry("c3", 20));
            assertThat(evaluator.depth()).isEqualTo(20);
            assertThat(RankerEvaluator.builder().build().depth()).isEqualTo(30);
        }

        @Test
        @DisplayName("keeps per-case values, records provenance and reports progress")
        void perCaseAndProvenance() {
            AtomicLong steps = new AtomicLong();
            AtomicInteger finished = new AtomicInteger();
            List<Long> totals = new ArrayList<>();
            Progress progress = new Progress() {
                @Override
                public void start(String task, long total) {
                    totals.add(total);
                }

                @Override
                public void advance(long n) {
                    steps.addAndGet(n);
                }

                @Override
                public void finish() {
                    finished.incrementAndGet();
                }
            };
            DataSource source = new DataSource("toy/test.txt", "/data/toy/test.txt", "ab12", 3);
            Dataset dataset = Dataset.of("toy", Map.of(Dataset.TEST, tiny()), List.of(source));
            EvaluationResult r = RankerEvaluator.builder().optKs(1, 3).optProgress(progress).build()
                    .evaluate(tinyRanker(), dataset, Dataset.TEST);
            assertThat(totals).containsExactly(3L);
            assertThat(steps).hasValue(3);
            assertThat(finished).hasValue(1);
            assertThat(r.perCase(Metric.RECALL, 1)).containsExactly(0.25, 0.0, 1.0);
            assertThat(r.cases().get(1).ranked()).isEqualTo(2);
            assertThat(r.cases().get(0).truthSize()).isEqualTo(4);
            assertThat(r.provenance().producer()).isEqualTo("RankerEvaluator");
            assertThat(r.provenance().parameters()).containsEntry("ranker", "Fixed").containsEntry("ks", "[1, 3]")
                    .containsEntry("convention", "DIVIDE_BY_K").containsEntry("cases", "3");
            assertThat(r.provenance().data()).containsExactly(source);
        }
    }

    @Nested
    @DisplayName("in parallel")
    class Parallel {
        @Test
        @DisplayName("gives exactly the single-thread result")
        void sameAsSingleThread() {
            CaseSet split = EvaluatorFixtures.randomSplit("random", 1_000, 7);
            HerbRanker ranker = EvaluatorFixtures.pseudoRandomRanker("Pseudo", split, 0.3);
            EvaluationResult one = RankerEvaluator.builder().optThreads(1).build().evaluate(ranker, split);
            EvaluationResult four = RankerEvaluator.builder().optThreads(4).build().evaluate(ranker, split);
            assertThat(four.rows()).isEqualTo(one.rows());
            assertThat(four.cases()).isEqualTo(one.cases());
        }
    }

    @Nested
    @DisplayName("ties")
    class Ties {
        @Test
        @DisplayName("tied scores are scored in the order the ranker returns them: list order decides")
        void listOrderDecides() {
            // T = {B}; the ranker gives A and B the same score. With A first, B is a hit at rank 2 only.
            CaseSet split = CaseSet.of("t", List.of(caseOf("c", "B")));
            Ranking aFirst = new Ranking(List.of(new org.tcmrx.core.ScoredHerb(EvaluatorFixtures.h("A"), 1),
                    new org.tcmrx.core.ScoredHerb(EvaluatorFixtures.h("B"), 1)));
            Ranking bFirst = new Ranking(List.of(new org.tcmrx.core.ScoredHerb(EvaluatorFixtures.h("B"), 1),
                    new org.tcmrx.core.ScoredHerb(EvaluatorFixtures.h("A"), 1)));
            RankerEvaluator evaluator = RankerEvaluator.builder().optKs(1, 2).build();
            EvaluationResult a = evaluator.evaluate((q, k) -> aFirst.top(k), split);
            EvaluationResult b = evaluator.evaluate((q, k) -> bFirst.top(k), split);
            assertThat(a.value(Metric.PRECISION, 1)).isZero();
            assertThat(b.value(Metric.PRECISION, 1)).isEqualTo(1.0);
            assertThat(a.value(Metric.PRECISION, 2)).isEqualTo(0.5);
            assertThat(b.value(Metric.PRECISION, 2)).isEqualTo(0.5);
            // NDCG@2: 1/log2(3) for the hit at rank 2, against 1 at rank 1.
            assertThat(a.value(Metric.NDCG, 2)).isCloseTo(1 / LOG2_3, EXACT);
            assertThat(b.value(Metric.NDCG, 2)).isCloseTo(1.0, EXACT);
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {
        private HerbRanker failingOn(String... ids) {
            List<String> failing = List.of(ids);
            return new HerbRanker() {
                @Override
                public Ranking rank(Query query, int k) {
                    String id = query.symptoms().get(0).name();
                    if (failing.contains(id)) {
                        throw new IllegalStateException("boom");
                    }
                    return Ranking.EMPTY;
                }

                @Override
                public String name() {
                    return "Failing";
                }
            };
        }

        @Test
        @DisplayName("a ranker's exception names the case, single-threaded and in parallel")
        void namesCase() {
            CaseSet split = EvaluatorFixtures.randomSplit("random", 2_000, 3);
            for (int threads : new int[] {1, 4}) {
                RankerEvaluator evaluator = RankerEvaluator.builder().optThreads(threads).build();
                assertThatThrownBy(() -> evaluator.evaluate(failingOn("case-1717", "case-517"), split))
                        .isInstanceOf(EvaluationException.class)
                        .hasMessage("ranker 'Failing' failed on case 'case-517': java.lang.IllegalStateException:"
                                + " boom")
                        .hasCauseInstanceOf(IllegalStateException.class)
                        .satisfies(e -> assertThat(((EvaluationException) e).caseId()).isEqualTo("case-517"));
            }
        }

        @Test
        @DisplayName("a ranking longer than asked, or null, names the case")
        void contractBroken() {
            Ranking tooLong = EvaluatorFixtures.ranking(herbs("A", "B", "C", "D"));
            RankerEvaluator evaluator = RankerEvaluator.builder().optKs(1, 2).optSmgcnListLength(3).build();
            assertThatThrownBy(() -> evaluator.evaluate((q, k) -> tooLong, tiny()))
                    .isInstanceOf(EvaluationException.class)
                    .hasMessageEndingWith("failed on case 'c1': returned 4 herbs, more than the 3 asked for");
            assertThatThrownBy(() -> evaluator.evaluate((q, k) -> null, tiny()))
                    .isInstanceOf(EvaluationException.class)
                    .hasMessageEndingWith("failed on case 'c1': returned null instead of a ranking");
        }

        @Test
        @DisplayName("invalid settings and an empty split")
        void settings() {
            assertThatThrownBy(() -> RankerEvaluator.builder().optKs(5, 0).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be at least 1, got 0");
            assertThatThrownBy(() -> RankerEvaluator.builder().optKs(10, 5, 10).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ks contains 10 twice");
            assertThatThrownBy(() -> RankerEvaluator.builder().optKs().build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ks must not be empty");
            assertThatThrownBy(() -> RankerEvaluator.builder().optThreads(0).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("threads must be at least 1, got 0");
            assertThatThrownBy(() -> RankerEvaluator.builder().build()
                    .evaluate(tinyRanker(), CaseSet.of("empty", List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("split 'empty' has no cases");
        }
    }
}
