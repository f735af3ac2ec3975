package org.tcmrx.eval.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Resampling")
class ResamplingTest {
    @Nested
    @DisplayName("percentile (type 7)")
    class Percentile {
        @Test
        @DisplayName("interpolates between order statistics: h = (m - 1)·q")
        void handComputed() {
            double[] x = {1, 2, 3, 4};
            assertThat(Resampling.percentile(x, 0)).isEqualTo(1.0);
            // h = 3·0.25 = 0.75 -> 1 + 0.75·(2 - 1) = 1.75
            assertThat(Resampling.percentile(x, 0.25)).isCloseTo(1.75, within(1e-15));
            // h = 1.5 -> 2.5
            assertThat(Resampling.percentile(x, 0.5)).isCloseTo(2.5, within(1e-15));
            // h = 3·0.975 = 2.925 -> 3 + 0.925 = 3.925
            assertThat(Resampling.percentile(x, 0.975)).isCloseTo(3.925, within(1e-12));
            assertThat(Resampling.percentile(x, 1)).isEqualTo(4.0);
            assertThat(Resampling.percentile(new double[] {7}, 0.3)).isEqualTo(7.0);
        }

        @Test
        @DisplayName("rejects no value and q outside [0, 1]")
        void errors() {
            assertThatThrownBy(() -> Resampling.percentile(new double[0], 0.5))
                    .hasMessage("cannot take a percentile of no value");
            assertThatThrownBy(() -> Resampling.percentile(new double[] {1}, 1.5))
                    .hasMessage("q must be in [0, 1], got 1.5");
        }
    }

    @Nested
    @DisplayName("two-sided p-value")
    class PValue {
        @Test
        @DisplayName("hand-computed: min(1, 2·min(1 + #{d <= 0}, 1 + #{d >= 0}) / (B + 1))")
        void handComputed() {
            // All zero: both counts are B -> 2·(B + 1)/(B + 1), capped at 1.
            assertThat(Resampling.twoSidedPValue(new double[] {0, 0, 0})).isEqualTo(1.0);
            // All 9 positive: #{d <= 0} = 0 -> 2·1/10.
            assertThat(Resampling.twoSidedPValue(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9})).isCloseTo(0.2,
                    within(1e-15));
            // -1, 1, 2, 3: #{d <= 0} = 1 -> 2·2/5 = 0.8.
            assertThat(Resampling.twoSidedPValue(new double[] {-1, 1, 2, 3})).isCloseTo(0.8, within(1e-15));
            // Symmetric in sign.
            assertThat(Resampling.twoSidedPValue(new double[] {1, -1, -2, -3})).isCloseTo(0.8, within(1e-15));
        }
    }

    @Nested
    @DisplayName("drawing")
    class Drawing {
        @Test
        @DisplayName("the same seed draws the same indices, all in range")
        void deterministic() {
            int[] a = new int[50];
            int[] b = new int[50];
            Resampling.draw(new SplittableRandom(9), a);
            Resampling.draw(new SplittableRandom(9), b);
            assertThat(a).isEqualTo(b);
            for (int i : a) {
                assertThat(i).isBetween(0, 49);
            }
            assertThat(Resampling.mean(new double[] {1, 2, 3}, new int[] {0, 0, 2})).isCloseTo(5.0 / 3,
                    within(1e-15));
        }
    }
}
