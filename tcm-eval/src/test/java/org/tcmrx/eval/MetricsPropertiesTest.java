package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tcmrx.eval.PrecisionConvention.DIVIDE_BY_K;
import static org.tcmrx.eval.PrecisionConvention.DIVIDE_BY_PREDICTED;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.tcmrx.core.Herb;

@DisplayName("Metrics: properties over seeded random rankings and truths")
class MetricsPropertiesTest {
    private static final int EXAMPLES = 2_000;

    /** A ranking (a prefix of a shuffled vocabulary, possibly empty) and a non-empty truth over that vocabulary. */
    record Fixture(List<Herb> ranking, Set<Herb> truth) {
        static Fixture draw(long seed) {
            Random random = new Random(seed);
            int vocabulary = 1 + random.nextInt(60);
            List<Herb> all = new ArrayList<>();
            for (int i = 0; i < vocabulary; i++) {
                all.add(Herb.of("H" + i));
            }
            Collections.shuffle(all, random);
            List<Herb> ranking = List.copyOf(all.subList(0, random.nextInt(vocabulary + 1)));
            Collections.shuffle(all, random);
            Set<Herb> truth = new LinkedHashSet<>(all.subList(0, 1 + random.nextInt(Math.min(vocabulary, 25))));
            return new Fixture(ranking, truth);
        }
    }

    private static final Gen<Fixture> FIXTURES = longs().all().map(Fixture::draw);
    private static final Gen<Integer> KS = integers().between(1, 70);

    private static QuickTheory qtSeeded() {
        return qt().withFixedSeed(20_240_601L).withExamples(EXAMPLES);
    }

    @Nested
    @DisplayName("bounds")
    class Bounds {
        @Test
        @DisplayName("0 <= P@K <= 1 under both conventions")
        void precisionInUnitInterval() {
            qtSeeded().forAll(FIXTURES, KS).checkAssert((f, k) -> {
                for (PrecisionConvention c : PrecisionConvention.values()) {
                    assertThat(Metrics.precision(f.ranking(), f.truth(), k, c)).isBetween(0.0, 1.0);
                }
            });
        }

        @Test
        @DisplayName("0 <= R@K <= 1")
        void recallInUnitInterval() {
            qtSeeded().forAll(FIXTURES, KS).checkAssert((f, k) ->
                    assertThat(Metrics.recall(f.ranking(), f.truth(), k)).isBetween(0.0, 1.0));
        }

        @Test
        @DisplayName("both NDCGs lie in [0, 1]")
        void ndcgInUnitInterval() {
            qtSeeded().forAll(FIXTURES, KS, integers().between(1, 40)).checkAssert((f, k, l) -> {
                assertThat(Metrics.ndcg(f.ranking(), f.truth(), k)).isBetween(0.0, 1.0 + 1e-12);
                assertThat(Metrics.ndcgSmgcn(f.ranking(), f.truth(), k, l)).isBetween(0.0, 1.0 + 1e-12);
            });
        }

        @Test
        @DisplayName("hits <= min(K, |T|, n) and the hit rate is 1 exactly when there is a hit")
        void hitsBounded() {
            qtSeeded().forAll(FIXTURES, KS).checkAssert((f, k) -> {
                int hits = Metrics.hits(f.ranking(), f.truth(), k);
                assertThat(hits).isBetween(0, Math.min(k, Math.min(f.truth().size(), f.ranking().size())));
                assertThat(Metrics.hitRate(f.ranking(), f.truth(), k)).isEqualTo(hits > 0 ? 1.0 : 0.0);
            });
        }
    }

    @Nested
    @DisplayName("relations")
    class Relations {
        @Test
        @DisplayName("R@K is non-decreasing in K")
        void recallMonotone() {
            qtSeeded().forAll(FIXTURES, KS).checkAssert((f, k) ->
                    assertThat(Metrics.recall(f.ranking(), f.truth(), k + 1))
                            .isGreaterThanOrEqualTo(Metrics.recall(f.ranking(), f.truth(), k)));
        }

        @Test
        @DisplayName("P@K·K = R@K·|T| under DIVIDE_BY_K (both are the hits)")
        void precisionRecallIdentity() {
            qtSeeded().forAll(FIXTURES, KS).checkAssert((f, k) -> {
                double pk = Metrics.precision(f.ranking(), f.truth(), k, DIVIDE_BY_K) * k;
                double rt = Metrics.recall(f.ranking(), f.truth(), k) * f.truth().size();
                assertThat(pk).isCloseTo(rt, within(1e-9));
                assertThat(pk).isCloseTo(Metrics.hits(f.ranking(), f.truth(), k), within(1e-9));
            });
        }

        @Test
        @DisplayName("min(P, R) <= F1 <= max(P, R) under both conventions")
        void f1BetweenPrecisionAndRecall() {
            qtSeeded().forAll(FIXTURES, KS).checkAssert((f, k) -> {
                for (PrecisionConvention c : PrecisionConvention.values()) {
                    double p = Metrics.precision(f.ranking(), f.truth(), k, c);
                    double r = Metrics.recall(f.ranking(), f.truth(), k);
                    double f1 = Metrics.f1(f.ranking(), f.truth(), k, c);
                    assertThat(f1).isLessThanOrEqualTo(Math.max(p, r) + 1e-12);
                    assertThat(f1).isGreaterThanOrEqualTo(Math.min(p, r) - 1e-12);
                }
            });
        }

        @Test
        @DisplayName("DIVIDE_BY_PREDICTED never gives a lower precision than DIVIDE_BY_K")
        void predictedAtLeastK() {
            qtSeeded().forAll(FIXTURES, KS).checkAssert((f, k) ->
                    assertThat(Metrics.precision(f.ranking(), f.truth(), k, DIVIDE_BY_PREDICTED))
                            .isGreaterThanOrEqualTo(Metrics.precision(f.ranking(), f.truth(), k, DIVIDE_BY_K)));
        }

        @Test
        @DisplayName("for K <= L, SMGCN's NDCG is never below the standard one")
        void smgcnAtLeastStandard() {
            qtSeeded().forAll(FIXTURES, integers().between(1, 20)).checkAssert((f, k) ->
                    assertThat(Metrics.ndcgSmgcn(f.ranking(), f.truth(), k))
                            .isGreaterThanOrEqualTo(Metrics.ndcg(f.ranking(), f.truth(), k) - 1e-12));
        }
    }
}
