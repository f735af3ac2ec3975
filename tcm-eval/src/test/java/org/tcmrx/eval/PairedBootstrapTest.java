package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.HerbRanker;

@DisplayName("PairedBootstrap")
class PairedBootstrapTest {
    private static CaseSet split;
    private static EvaluationResult weak;
    private static EvaluationResult weakAgain;
    private static EvaluationResult strong;
    private static EvaluationResult slightlyDifferent;

    @BeforeAll
    static void evaluate() {
        split = EvaluatorFixtures.randomSplit("random", 300, 5);
        RankerEvaluator evaluator = RankerEvaluator.builder().optKs(5, 10).build();
        HerbRanker weakRanker = EvaluatorFixtures.pseudoRandomRanker("Weak", split, 0.1);
        weak = evaluator.evaluate(weakRanker, split);
        weakAgain = evaluator.evaluate(weakRanker, split);
        strong = evaluator.evaluate(EvaluatorFixtures.pseudoRandomRanker("Strong", split, 0.6), split);
        slightlyDifferent = evaluator.evaluate(EvaluatorFixtures.pseudoRandomRanker("Other", split, 0.1), split);
    }

    private static PairedBootstrap bootstrap(long seed) {
        return PairedBootstrap.builder().optResamples(2_000).optSeed(seed).build();
    }

    @Nested
    @DisplayName("comparisons")
    class Comparisons {
        @Test
        @DisplayName("the same seed gives the same result; another seed other bounds")
        void deterministic() {
            BootstrapComparison a = bootstrap(1).compare(strong, weak, Metric.NDCG, 10);
            BootstrapComparison b = bootstrap(1).compare(strong, weak, Metric.NDCG, 10);
            BootstrapComparison c = bootstrap(2).compare(strong, weak, Metric.NDCG, 10);
            assertThat(b).isEqualTo(a);
            assertThat(c.difference().lower()).isNotEqualTo(a.difference().lower());
            assertThat(c.difference().estimate()).isEqualTo(a.difference().estimate());
        }

        @Test
        @DisplayName("identical rankers: difference interval [0, 0] and p = 1")
        void identical() {
            for (Metric m : Metric.values()) {
                BootstrapComparison c = bootstrap(3).compare(weak, weakAgain, m, 5);
                assertThat(c.difference().contains(0)).isTrue();
                assertThat(c.difference().lower()).isZero();
                assertThat(c.difference().upper()).isZero();
                assertThat(c.pValue()).isEqualTo(1.0);
                assertThat(c.a()).isEqualTo(c.b());
            }
        }

        @Test
        @DisplayName("a clearly better ranker: p < 0.05 and the difference interval above 0")
        void clearlyBetter() {
            for (Metric m : Metric.values()) {
                BootstrapComparison c = bootstrap(4).compare(strong, weak, m, 10);
                assertThat(c.pValue()).as(m.name()).isLessThan(0.05);
                // No resampled difference is <= 0, so p is the smallest possible: 2·1/(B + 1).
                assertThat(c.pValue()).isCloseTo(2.0 / 2_001, within(1e-15));
                assertThat(c.difference().lower()).isGreaterThan(0);
                assertThat(c.rankerA()).isEqualTo("Strong");
                assertThat(c.rankerB()).isEqualTo("Weak");
            }
        }

        @Test
        @DisplayName("two similar rankers: a large p and an interval around 0")
        void similar() {
            BootstrapComparison c = bootstrap(5).compare(weak, slightlyDifferent, Metric.RECALL, 10);
            assertThat(c.pValue()).isGreaterThan(0.05);
            assertThat(c.difference().contains(0)).isTrue();
        }

        @Test
        @DisplayName("estimates are the full-split values, F1 of means included")
        void estimates() {
            for (Metric m : Metric.values()) {
                BootstrapComparison c = bootstrap(6).compare(strong, weak, m, 5);
                assertThat(c.a().estimate()).as(m.name()).isCloseTo(strong.value(m, 5), within(1e-12));
                assertThat(c.b().estimate()).as(m.name()).isCloseTo(weak.value(m, 5), within(1e-12));
                assertThat(c.difference().estimate()).isCloseTo(strong.value(m, 5) - weak.value(m, 5),
                        within(1e-12));
                assertThat(c.a().lower()).isLessThanOrEqualTo(c.a().upper());
            }
        }

        @Test
        @DisplayName("a single ranker's interval matches its side of a comparison with the same seed")
        void intervalMatchesComparison() {
            BootstrapInterval i = bootstrap(7).interval(strong, Metric.F1_OF_MEANS, 10);
            BootstrapComparison c = bootstrap(7).compare(strong, weak, Metric.F1_OF_MEANS, 10);
            assertThat(i.interval()).isEqualTo(c.a());
            assertThat(i.ranker()).isEqualTo("Strong");
            assertThat(i.cases()).isEqualTo(300);
            assertThat(i.level()).isEqualTo(0.95);
            assertThat(i.resamples()).isEqualTo(2_000);
            assertThat(i.seed()).isEqualTo(7);
            assertThat(i.interval().contains(strong.value(Metric.F1_OF_MEANS, 10))).isTrue();
        }

        @Test
        @DisplayName("the mean of runs: one run is compare(); two runs average the estimates; errors name the run")
        void meanOfRuns() {
            BootstrapComparison single = bootstrap(9).compareMean(List.of(strong), weak, Metric.F1_OF_MEANS, 10);
            assertThat(single).isEqualTo(bootstrap(9).compare(strong, weak, Metric.F1_OF_MEANS, 10));

            BootstrapComparison mean = bootstrap(9).compareMean(List.of(strong, slightlyDifferent), weak,
                    Metric.PRECISION, 5);
            double expected = (strong.value(Metric.PRECISION, 5) + slightlyDifferent.value(Metric.PRECISION, 5)) / 2;
            assertThat(mean.a().estimate()).isCloseTo(expected, within(1e-12));
            assertThat(mean.difference().estimate()).isCloseTo(expected - weak.value(Metric.PRECISION, 5),
                    within(1e-12));
            assertThat(mean.rankerA()).isEqualTo("Strong");
            assertThat(mean.a().lower()).isLessThanOrEqualTo(mean.a().estimate());
            assertThat(mean.a().upper()).isGreaterThanOrEqualTo(mean.a().estimate());

            assertThatThrownBy(() -> bootstrap(9).compareMean(List.of(), weak, Metric.PRECISION, 5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("runs must not be empty");
        }

        @Test
        @DisplayName("a lower level gives a narrower interval")
        void level() {
            BootstrapInterval wide = bootstrap(8).interval(weak, Metric.NDCG, 10);
            BootstrapInterval narrow = PairedBootstrap.builder().optResamples(2_000).optSeed(8).optLevel(0.5).build()
                    .interval(weak, Metric.NDCG, 10);
            assertThat(narrow.interval().upper() - narrow.interval().lower())
                    .isLessThan(wide.interval().upper() - wide.interval().lower());
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {
        @Test
        @DisplayName("results on other cases, or in another order")
        void notPaired() {
            List<ClinicalCase> reversed = new ArrayList<>(split);
            java.util.Collections.reverse(reversed);
            CaseSet other = CaseSet.of("reversed", reversed);
            EvaluationResult r = RankerEvaluator.builder().optKs(5, 10).build()
                    .evaluate(EvaluatorFixtures.pseudoRandomRanker("Weak", other, 0.1), other);
            assertThatThrownBy(() -> bootstrap(1).compare(weak, r, Metric.NDCG, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("results of 'Weak' on 'random' and 'Weak' on 'reversed' are not on the same cases in"
                            + " the same order: case 0 is 'case-0' in one and 'case-299' in the other");
            CaseSet fewer = CaseSet.of("fewer", split.subList(0, 10));
            EvaluationResult f = RankerEvaluator.builder().optKs(5, 10).build()
                    .evaluate(EvaluatorFixtures.pseudoRandomRanker("Weak", fewer, 0.1), fewer);
            assertThatThrownBy(() -> bootstrap(1).compare(weak, f, Metric.NDCG, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith("not on the same cases in the same order: 300 cases against 10");
        }

        @Test
        @DisplayName("a missing cut-off, dropped per-case values, other conventions, bad settings")
        void others() {
            assertThatThrownBy(() -> bootstrap(1).compare(strong, weak, Metric.NDCG, 20))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("result of 'Strong' has no k=20; ks: [5, 10]");
            assertThatThrownBy(() -> bootstrap(1).interval(strong.withoutCases(), Metric.NDCG, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("result of 'Strong' on 'random' has no per-case values (they were dropped with"
                            + " withoutCases())");
            EvaluationResult predicted = RankerEvaluator.builder().optKs(5, 10)
                    .optConvention(PrecisionConvention.DIVIDE_BY_PREDICTED).build()
                    .evaluate(EvaluatorFixtures.pseudoRandomRanker("Weak", split, 0.1), split);
            assertThatThrownBy(() -> bootstrap(1).compare(strong, predicted, Metric.PRECISION, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("results use different precision conventions: DIVIDE_BY_K and DIVIDE_BY_PREDICTED");
            assertThatThrownBy(() -> PairedBootstrap.builder().optLevel(1).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("level must be in (0, 1), got 1.0");
            assertThatThrownBy(() -> PairedBootstrap.builder().optResamples(0).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("resamples must be at least 1, got 0");
        }
    }
}
