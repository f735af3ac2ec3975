package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tcmrx.dpo.PairFixtures.herbs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tcmrx.core.Herb;
import org.tcmrx.eval.Metrics;
import org.tcmrx.eval.PrecisionConvention;

@DisplayName("PrescriptionMetric")
class PrescriptionMetricTest {
    private static final Set<Herb> TRUTH = Set.copyOf(herbs("B", "D", "E"));

    @Nested
    @DisplayName("by hand: predicted A B C D against B D E (2 hits of 4 predicted, 3 true)")
    class ByHand {
        private final List<Herb> predicted = herbs("A", "B", "C", "D");

        @Test
        @DisplayName("F1 = 2·2 / (4 + 3) = 4/7")
        void f1() {
            assertThat(PrescriptionMetric.f1().score(predicted, TRUTH)).isCloseTo(4.0 / 7, within(1e-15));
        }

        @Test
        @DisplayName("Jaccard = 2 / (4 + 3 - 2) = 2/5")
        void jaccard() {
            assertThat(PrescriptionMetric.jaccard().score(predicted, TRUTH)).isCloseTo(0.4, within(1e-15));
        }

        @Test
        @DisplayName("P@1 = 0, P@2 = 1/2, P@4 = 2/4, and past the prediction's end P@5 = 2/5, P@10 = 2/10")
        void precision() {
            assertThat(PrescriptionMetric.precisionAt(1).score(predicted, TRUTH)).isZero();
            assertThat(PrescriptionMetric.precisionAt(2).score(predicted, TRUTH)).isEqualTo(0.5);
            assertThat(PrescriptionMetric.precisionAt(4).score(predicted, TRUTH)).isEqualTo(0.5);
            assertThat(PrescriptionMetric.precisionAt(5).score(predicted, TRUTH)).isEqualTo(0.4);
            assertThat(PrescriptionMetric.precisionAt(10).score(predicted, TRUTH)).isEqualTo(0.2);
        }

        @Test
        @DisplayName("a herb predicted twice counts once, at its first place: B B A against B")
        void duplicates() {
            List<Herb> twice = herbs("B", "B", "A");
            Set<Herb> truth = Set.of(Herb.of("B"));
            assertThat(PrescriptionMetric.f1().score(twice, truth)).isCloseTo(2.0 / 3, within(1e-15));
            assertThat(PrescriptionMetric.jaccard().score(twice, truth)).isEqualTo(0.5);
            assertThat(PrescriptionMetric.precisionAt(2).score(twice, truth)).isEqualTo(0.5);
        }

        @Test
        @DisplayName("the same herbs in another order score 1 on F1 and Jaccard")
        void identical() {
            List<Herb> same = herbs("E", "D", "B");
            assertThat(PrescriptionMetric.f1().score(same, TRUTH)).isEqualTo(1.0);
            assertThat(PrescriptionMetric.jaccard().score(same, TRUTH)).isEqualTo(1.0);
            assertThat(PrescriptionMetric.precisionAt(3).score(same, TRUTH)).isEqualTo(1.0);
        }

        @Test
        @DisplayName("an empty side scores 0 on every metric")
        void empty() {
            for (PrescriptionMetric m : List.of(PrescriptionMetric.f1(), PrescriptionMetric.jaccard(),
                    PrescriptionMetric.precisionAt(3))) {
                assertThat(m.score(List.of(), TRUTH)).as(m.name()).isZero();
                assertThat(m.score(predicted, List.of())).as(m.name()).isZero();
                assertThat(m.score(List.of(), List.of())).as(m.name()).isZero();
            }
        }
    }

    @Nested
    @DisplayName("names and arguments")
    class Names {
        @Test
        @DisplayName("f1, p@K and jaccard, also as their string form")
        void names() {
            assertThat(PrescriptionMetric.f1().name()).isEqualTo("f1");
            assertThat(PrescriptionMetric.precisionAt(5).name()).isEqualTo("p@5");
            assertThat(PrescriptionMetric.jaccard().name()).isEqualTo("jaccard");
            assertThat(PrescriptionMetric.precisionAt(3)).hasToString("p@3");
        }

        @Test
        @DisplayName("k below 1 and null sides are refused, naming the argument")
        void arguments() {
            assertThatThrownBy(() -> PrescriptionMetric.precisionAt(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("k must be at least 1, got 0");
            assertThatThrownBy(() -> PrescriptionMetric.f1().score(null, TRUTH))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("predicted must not be null");
            assertThatThrownBy(() -> PrescriptionMetric.jaccard().score(List.of(), Arrays.asList(Herb.of("A"), null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("truth must not contain null");
        }
    }

    @Nested
    @DisplayName("properties over seeded random prescriptions")
    class Properties {
        /** A prediction (with repeats, possibly empty) and a truth over a small vocabulary. */
        record Sides(List<Herb> predicted, Set<Herb> truth) {
            static Sides draw(long seed) {
                Random random = new Random(seed);
                int vocabulary = 1 + random.nextInt(30);
                List<Herb> predicted = new ArrayList<>();
                for (int i = random.nextInt(20); i > 0; i--) {
                    predicted.add(Herb.of("H" + random.nextInt(vocabulary)));
                }
                Set<Herb> truth = new LinkedHashSet<>();
                for (int i = random.nextInt(15); i > 0; i--) {
                    truth.add(Herb.of("H" + random.nextInt(vocabulary)));
                }
                return new Sides(predicted, truth);
            }

            List<Herb> distinct() {
                return List.copyOf(new LinkedHashSet<>(predicted));
            }
        }

        private final Gen<Sides> sides = longs().all().map(Sides::draw);

        @Test
        @DisplayName("every score lies in [0, 1]")
        void bounds() {
            qt().withFixedSeed(20_251_125L).withExamples(1_000).forAll(sides, integers().between(1, 25))
                    .checkAssert((s, k) -> {
                        for (PrescriptionMetric m : List.of(PrescriptionMetric.f1(), PrescriptionMetric.jaccard(),
                                PrescriptionMetric.precisionAt(k))) {
                            assertThat(m.score(s.predicted(), s.truth())).isBetween(0.0, 1.0);
                        }
                    });
        }

        @Test
        @DisplayName("F1 and Jaccard are symmetric in the distinct herbs, and F1 = 2J / (1 + J)")
        void f1AndJaccard() {
            qt().withFixedSeed(20_251_126L).withExamples(1_000).forAll(sides).checkAssert(s -> {
                List<Herb> truth = new ArrayList<>(s.truth());
                Collections.reverse(truth);
                double f1 = PrescriptionMetric.f1().score(s.predicted(), s.truth());
                double j = PrescriptionMetric.jaccard().score(s.predicted(), s.truth());
                assertThat(PrescriptionMetric.f1().score(truth, Set.copyOf(s.predicted()))).isCloseTo(f1,
                        within(1e-12));
                assertThat(PrescriptionMetric.jaccard().score(truth, Set.copyOf(s.predicted()))).isCloseTo(j,
                        within(1e-12));
                assertThat(f1).isCloseTo(2 * j / (1 + j), within(1e-12));
            });
        }

        @Test
        @DisplayName("p@K is the evaluation module's P@K with DIVIDE_BY_K on the distinct herbs")
        void precisionAsEvaluated() {
            qt().withFixedSeed(20_251_127L).withExamples(1_000).forAll(sides, integers().between(1, 25))
                    .assuming((s, k) -> !s.truth().isEmpty()).checkAssert((s, k) ->
                            assertThat(PrescriptionMetric.precisionAt(k).score(s.predicted(), s.truth()))
                                    .isEqualTo(Metrics.precision(s.distinct(), s.truth(), k,
                                            PrecisionConvention.DIVIDE_BY_K)));
        }
    }
}
