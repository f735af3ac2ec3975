package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.tcmrx.eval.EvaluatorFixtures.herbs;
import static org.tcmrx.eval.EvaluatorFixtures.truth;
import static org.tcmrx.eval.PrecisionConvention.DIVIDE_BY_K;
import static org.tcmrx.eval.PrecisionConvention.DIVIDE_BY_PREDICTED;

import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.Herb;

@DisplayName("Metrics: hand-computed values")
class MetricsTest {
    private static final Offset<Double> EXACT = within(1e-12);
    private static final Offset<Double> SIX = within(5e-7);

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /*
     * The worked example: truth T = {A, B, C, D} (|T| = 4), ranking A X B Y Z (n = 5), so rel = 1 0 1 0 0.
     *
     * K = 1: hits 1; P = 1/1 = 1; R = 1/4; F1 = 2·1·0.25 / 1.25 = 0.4.
     *        DCG = 1/log2(2) = 1; IDCG = 1 (min(1, 4) = 1 hit) -> NDCG 1.
     *        SMGCN: top-20 list has H = 2 hits; IDCG = 1 (min(1, 2)) -> 1.
     * K = 3: hits 2; P = 2/3; R = 2/4; F1 = 2·(2/3)(1/2) / (2/3 + 1/2) = (2/3) / (7/6) = 4/7 = 0.571429.
     *        DCG = 1/log2(2) + 1/log2(4) = 1 + 0.5 = 1.5.
     *        standard IDCG = 1 + 1/log2(3) + 1/log2(4) = 1 + 0.630930 + 0.5 = 2.130930 -> NDCG 0.703918.
     *        SMGCN IDCG = 1 + 1/log2(3) = 1.630930 (H = 2 hits) -> NDCG 0.919721.
     * K = 10 (> n): hits 2; P = 2/10 = 0.2 (DIVIDE_BY_K) or 2/min(10, 5) = 0.4 (DIVIDE_BY_PREDICTED); R = 0.5.
     *        standard IDCG = 2.130930 + 1/log2(5) = 2.130930 + 0.430677 = 2.561606 -> NDCG 1.5 / 2.561606 = 0.585570.
     *        SMGCN: 1.5 / 1.630930 = 0.919721, as at K = 3.
     */
    private static final List<Herb> RANKING = herbs("A", "X", "B", "Y", "Z");
    private static final Set<Herb> TRUTH = truth("A", "B", "C", "D");

    @Nested
    @DisplayName("on the worked example (T = {A,B,C,D}, ranking A X B Y Z)")
    class WorkedExample {
        @Test
        @DisplayName("hits, precision, recall and F1 at K = 1, 3, 10")
        void counts() {
            assertThat(Metrics.hits(RANKING, TRUTH, 1)).isEqualTo(1);
            assertThat(Metrics.hits(RANKING, TRUTH, 3)).isEqualTo(2);
            assertThat(Metrics.hits(RANKING, TRUTH, 10)).isEqualTo(2);

            assertThat(Metrics.precision(RANKING, TRUTH, 1, DIVIDE_BY_K)).isEqualTo(1.0);
            assertThat(Metrics.precision(RANKING, TRUTH, 3, DIVIDE_BY_K)).isCloseTo(2.0 / 3, EXACT);
            assertThat(Metrics.precision(RANKING, TRUTH, 10, DIVIDE_BY_K)).isCloseTo(0.2, EXACT);
            assertThat(Metrics.precision(RANKING, TRUTH, 10, DIVIDE_BY_PREDICTED)).isCloseTo(0.4, EXACT);

            assertThat(Metrics.recall(RANKING, TRUTH, 1)).isEqualTo(0.25);
            assertThat(Metrics.recall(RANKING, TRUTH, 3)).isEqualTo(0.5);
            assertThat(Metrics.recall(RANKING, TRUTH, 10)).isEqualTo(0.5);

            assertThat(Metrics.f1(RANKING, TRUTH, 1, DIVIDE_BY_K)).isCloseTo(0.4, EXACT);
            assertThat(Metrics.f1(RANKING, TRUTH, 3, DIVIDE_BY_K)).isCloseTo(4.0 / 7, EXACT);
            // K = 10: P = 0.2, R = 0.5 -> 2·0.1/0.7 = 2/7; P = 0.4 -> 2·0.2/0.9 = 4/9.
            assertThat(Metrics.f1(RANKING, TRUTH, 10, DIVIDE_BY_K)).isCloseTo(2.0 / 7, EXACT);
            assertThat(Metrics.f1(RANKING, TRUTH, 10, DIVIDE_BY_PREDICTED)).isCloseTo(4.0 / 9, EXACT);
        }

        @Test
        @DisplayName("standard NDCG: 1, 0.703918, 0.585570")
        void standardNdcg() {
            assertThat(Metrics.ndcg(RANKING, TRUTH, 1)).isCloseTo(1.0, EXACT);
            assertThat(Metrics.ndcg(RANKING, TRUTH, 3)).isCloseTo(1.5 / (1 + 1 / log2(3) + 0.5), EXACT)
                    .isCloseTo(0.703918, SIX);
            assertThat(Metrics.ndcg(RANKING, TRUTH, 10))
                    .isCloseTo(1.5 / (1 + 1 / log2(3) + 0.5 + 1 / log2(5)), EXACT)
                    .isCloseTo(0.585570, SIX);
        }

        @Test
        @DisplayName("SMGCN's NDCG: 1, 0.919721, 0.919721 (ideal DCG from the 2 hits in the top 20)")
        void smgcnNdcg() {
            assertThat(Metrics.ndcgSmgcn(RANKING, TRUTH, 1)).isCloseTo(1.0, EXACT);
            assertThat(Metrics.ndcgSmgcn(RANKING, TRUTH, 3)).isCloseTo(1.5 / (1 + 1 / log2(3)), EXACT)
                    .isCloseTo(0.919721, SIX);
            assertThat(Metrics.ndcgSmgcn(RANKING, TRUTH, 10)).isCloseTo(0.919721, SIX);
        }

        @Test
        @DisplayName("hit rate is 1 at every K")
        void hitRate() {
            assertThat(Metrics.hitRate(RANKING, TRUTH, 1)).isEqualTo(1.0);
            assertThat(Metrics.hitRate(RANKING, TRUTH, 10)).isEqualTo(1.0);
        }

        @Test
        @DisplayName("scoreAll gives the same numbers as the single functions")
        void scoreAll() {
            List<CaseMetrics> all = Metrics.scoreAll(RANKING, TRUTH, List.of(1, 3, 10), DIVIDE_BY_PREDICTED, 20);
            assertThat(all).extracting(CaseMetrics::k).containsExactly(1, 3, 10);
            for (CaseMetrics m : all) {
                int k = m.k();
                assertThat(m.hits()).isEqualTo(Metrics.hits(RANKING, TRUTH, k));
                assertThat(m.precision()).isEqualTo(Metrics.precision(RANKING, TRUTH, k, DIVIDE_BY_PREDICTED));
                assertThat(m.recall()).isEqualTo(Metrics.recall(RANKING, TRUTH, k));
                assertThat(m.f1()).isEqualTo(Metrics.f1(RANKING, TRUTH, k, DIVIDE_BY_PREDICTED));
                assertThat(m.ndcg()).isEqualTo(Metrics.ndcg(RANKING, TRUTH, k));
                assertThat(m.ndcgSmgcn()).isEqualTo(Metrics.ndcgSmgcn(RANKING, TRUTH, k));
                assertThat(m.hitRate()).isEqualTo(Metrics.hitRate(RANKING, TRUTH, k));
            }
        }
    }

    @Nested
    @DisplayName("SMGCN's NDCG and its list length")
    class SmgcnListLength {
        @Test
        @DisplayName("hits after position L count neither in DCG nor in the ideal DCG")
        void truncatesAtListLength() {
            // T = {A, B}, ranking X A B, L = 2: rel over the top 2 = 0 1, H = 1.
            // DCG@3 = 1/log2(3) = 0.630930 (position 2 is past L); IDCG = 1 (min(3, 1) = 1 hit) -> 0.630930.
            // Standard NDCG@3 = (1/log2(3) + 1/log2(4)) / (1 + 1/log2(3)) = 1.130930 / 1.630930 = 0.693426.
            List<Herb> ranking = herbs("X", "A", "B");
            Set<Herb> t = truth("A", "B");
            assertThat(Metrics.ndcgSmgcn(ranking, t, 3, 2)).isCloseTo(1 / log2(3), EXACT).isCloseTo(0.630930, SIX);
            assertThat(Metrics.ndcg(ranking, t, 3)).isCloseTo(0.693426, SIX);
        }

        @Test
        @DisplayName("a single hit at the top scores 1 however many true herbs are missed")
        void fewHitsAtTheTop() {
            // T has 5 herbs, only A is found, at rank 1: SMGCN's IDCG = 1 -> 1; standard IDCG@5 over 5 hits.
            List<Herb> ranking = herbs("A", "X", "Y", "Z", "W");
            Set<Herb> t = truth("A", "B", "C", "D", "E");
            double idcg5 = 1 + 1 / log2(3) + 1 / log2(4) + 1 / log2(5) + 1 / log2(6);
            assertThat(Metrics.ndcgSmgcn(ranking, t, 5)).isEqualTo(1.0);
            assertThat(Metrics.ndcg(ranking, t, 5)).isCloseTo(1 / idcg5, EXACT).isCloseTo(0.339160, SIX);
        }

        @Test
        @DisplayName("no hit in the top-L list gives 0, even with hits further down")
        void noHitInList() {
            assertThat(Metrics.ndcgSmgcn(herbs("X", "Y", "A"), truth("A"), 3, 2)).isEqualTo(0.0);
        }
    }

    @Nested
    @DisplayName("edge cases")
    class Edges {
        @Test
        @DisplayName("a ranking shorter than K, under both precision conventions")
        void shorterThanK() {
            List<Herb> ranking = herbs("A", "X");
            Set<Herb> t = truth("A", "B");
            assertThat(Metrics.precision(ranking, t, 5, DIVIDE_BY_K)).isEqualTo(0.2);
            assertThat(Metrics.precision(ranking, t, 5, DIVIDE_BY_PREDICTED)).isEqualTo(0.5);
            assertThat(Metrics.recall(ranking, t, 5)).isEqualTo(0.5);
            // F1: 2·0.2·0.5/0.7 = 2/7 and 2·0.5·0.5/1.0 = 0.5.
            assertThat(Metrics.f1(ranking, t, 5, DIVIDE_BY_K)).isCloseTo(2.0 / 7, EXACT);
            assertThat(Metrics.f1(ranking, t, 5, DIVIDE_BY_PREDICTED)).isCloseTo(0.5, EXACT);
        }

        @Test
        @DisplayName("an empty ranking scores 0 everywhere, under both conventions")
        void emptyRanking() {
            List<Herb> none = List.of();
            Set<Herb> t = truth("A");
            assertThat(Metrics.hits(none, t, 5)).isZero();
            assertThat(Metrics.precision(none, t, 5, DIVIDE_BY_K)).isZero();
            assertThat(Metrics.precision(none, t, 5, DIVIDE_BY_PREDICTED)).isZero();
            assertThat(Metrics.recall(none, t, 5)).isZero();
            assertThat(Metrics.f1(none, t, 5, DIVIDE_BY_PREDICTED)).isZero();
            assertThat(Metrics.ndcg(none, t, 5)).isZero();
            assertThat(Metrics.ndcgSmgcn(none, t, 5)).isZero();
            assertThat(Metrics.hitRate(none, t, 5)).isZero();
        }

        @Test
        @DisplayName("K larger than the whole vocabulary behaves like a short ranking")
        void kBeyondVocabulary() {
            // The vocabulary is A, B, X: the ranking is all of it; K = 100.
            List<Herb> ranking = herbs("B", "X", "A");
            Set<Herb> t = truth("A", "B");
            assertThat(Metrics.precision(ranking, t, 100, DIVIDE_BY_K)).isEqualTo(0.02);
            assertThat(Metrics.precision(ranking, t, 100, DIVIDE_BY_PREDICTED)).isCloseTo(2.0 / 3, EXACT);
            assertThat(Metrics.recall(ranking, t, 100)).isEqualTo(1.0);
            // DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.630930 -> 0.919721 (both variants agree here).
            assertThat(Metrics.ndcg(ranking, t, 100)).isCloseTo(0.919721, SIX);
            assertThat(Metrics.ndcgSmgcn(ranking, t, 100)).isCloseTo(0.919721, SIX);
        }

        @Test
        @DisplayName("truth larger than K: recall is capped at K/|T| while NDCG can reach 1")
        void truthLargerThanK() {
            Set<Herb> t = truth("A", "B", "C", "D", "E", "F", "G", "H", "I", "J");
            List<Herb> ranking = herbs("A", "B", "X");
            assertThat(Metrics.precision(ranking, t, 2, DIVIDE_BY_K)).isEqualTo(1.0);
            assertThat(Metrics.recall(ranking, t, 2)).isEqualTo(0.2);
            // F1 = 2·1·0.2/1.2 = 1/3.
            assertThat(Metrics.f1(ranking, t, 2, DIVIDE_BY_K)).isCloseTo(1.0 / 3, EXACT);
            assertThat(Metrics.ndcg(ranking, t, 2)).isCloseTo(1.0, EXACT);
            assertThat(Metrics.ndcgSmgcn(ranking, t, 2)).isCloseTo(1.0, EXACT);
        }

        @Test
        @DisplayName("no hit: every metric is 0")
        void noHits() {
            List<Herb> ranking = herbs("X", "Y", "Z");
            Set<Herb> t = truth("A", "B");
            for (PrecisionConvention c : PrecisionConvention.values()) {
                assertThat(Metrics.precision(ranking, t, 3, c)).isZero();
                assertThat(Metrics.f1(ranking, t, 3, c)).isZero();
            }
            assertThat(Metrics.recall(ranking, t, 3)).isZero();
            assertThat(Metrics.ndcg(ranking, t, 3)).isZero();
            assertThat(Metrics.ndcgSmgcn(ranking, t, 3)).isZero();
            assertThat(Metrics.hitRate(ranking, t, 3)).isZero();
        }

        @Test
        @DisplayName("all hits: every metric is 1")
        void allHits() {
            List<Herb> ranking = herbs("C", "A", "B");
            Set<Herb> t = truth("A", "B", "C");
            for (PrecisionConvention c : PrecisionConvention.values()) {
                assertThat(Metrics.precision(ranking, t, 3, c)).isEqualTo(1.0);
                assertThat(Metrics.f1(ranking, t, 3, c)).isEqualTo(1.0);
            }
            assertThat(Metrics.recall(ranking, t, 3)).isEqualTo(1.0);
            assertThat(Metrics.ndcg(ranking, t, 3)).isCloseTo(1.0, EXACT);
            assertThat(Metrics.ndcgSmgcn(ranking, t, 3)).isCloseTo(1.0, EXACT);
            assertThat(Metrics.hitRate(ranking, t, 3)).isEqualTo(1.0);
        }

        @Test
        @DisplayName("harmonic mean of 0 and 0 is 0; F1 of means differs from mean of F1s")
        void aggregates() {
            assertThat(Metrics.harmonicMean(0, 0)).isZero();
            assertThat(Metrics.harmonicMean(1, 0)).isZero();
            // Two cases (P, R) = (1, 0.2) and (0.2, 1): F1s are 1/3 each, so their mean is 1/3,
            // while mean P = mean R = 0.6 gives F1 of means 0.6.
            double f1a = Metrics.harmonicMean(1, 0.2);
            double f1b = Metrics.harmonicMean(0.2, 1);
            assertThat(Metrics.mean(new double[] {f1a, f1b})).isCloseTo(1.0 / 3, EXACT);
            assertThat(Metrics.f1OfMeans(0.6, 0.6)).isCloseTo(0.6, EXACT);
        }
    }

    @Nested
    @DisplayName("argument errors")
    class Errors {
        @Test
        @DisplayName("empty truth")
        void emptyTruth() {
            assertThatThrownBy(() -> Metrics.recall(herbs("A"), Set.of(), 5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("truth must not be empty");
            assertThatThrownBy(() -> Metrics.ndcgSmgcn(herbs("A"), Set.of(), 5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("truth must not be empty");
        }

        @Test
        @DisplayName("K below 1")
        void kBelowOne() {
            assertThatThrownBy(() -> Metrics.precision(herbs("A"), truth("A"), 0, DIVIDE_BY_K))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be at least 1, got 0");
            assertThatThrownBy(() -> Metrics.ndcg(herbs("A"), truth("A"), -3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be at least 1, got -3");
            assertThatThrownBy(() -> Metrics.ndcgSmgcn(herbs("A"), truth("A"), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be at least 1, got 0");
            assertThatThrownBy(() -> Metrics.scoreAll(herbs("A"), truth("A"), List.of(5, 0), DIVIDE_BY_K, 20))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be at least 1, got 0");
        }

        @Test
        @DisplayName("a herb twice in the ranking, a list length below 1, an empty mean")
        void others() {
            assertThatThrownBy(() -> Metrics.hits(herbs("A", "B", "A"), truth("A"), 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("ranking contains A twice");
            assertThatThrownBy(() -> Metrics.ndcgSmgcn(herbs("A"), truth("A"), 5, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("listLength must be at least 1, got 0");
            assertThatThrownBy(() -> Metrics.mean(new double[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("values must not be empty");
        }
    }
}
