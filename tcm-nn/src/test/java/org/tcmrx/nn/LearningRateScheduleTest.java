package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Hugging Face transformers' schedules ({@code optimization.py}), with {@code lr = peak * lr_lambda(step)}:
 *
 * <pre>
 * linear:  step &lt; warmup: step / max(1, warmup)
 *          else:          max(0, (total - step) / max(1, total - warmup))
 * cosine:  step &lt; warmup: step / max(1, warmup)
 *          else:          progress = (step - warmup) / max(1, total - warmup)
 *                         max(0, 0.5 * (1 + cos(pi * num_cycles * 2 * progress)))
 * </pre>
 */
@DisplayName("LearningRateSchedule")
class LearningRateScheduleTest {
    @Nested
    @DisplayName("linear with warmup (peak 1e-3, warmup 10, total 110)")
    class Linear {
        private final LearningRateSchedule s = LearningRateSchedule.linearWithWarmup(1e-3, 10, 110);

        @Test
        @DisplayName("starts at 0 and rises linearly during the warmup")
        void warmup() {
            assertThat(s.at(0)).isZero();
            assertThat(s.at(1)).isCloseTo(1e-4, within(1e-15)); // 1/10
            assertThat(s.at(5)).isCloseTo(5e-4, within(1e-15)); // 5/10
        }

        @Test
        @DisplayName("peaks at the end of the warmup, halves midway, reaches 0 at the end and stays there")
        void decay() {
            assertThat(s.at(10)).isCloseTo(1e-3, within(1e-15)); // (110-10)/100
            assertThat(s.at(60)).isCloseTo(5e-4, within(1e-15)); // (110-60)/100
            assertThat(s.at(109)).isCloseTo(1e-5, within(1e-15)); // (110-109)/100
            assertThat(s.at(110)).isZero();
            assertThat(s.at(200)).isZero();
        }

        @Test
        @DisplayName("without warmup starts at the peak")
        void noWarmup() {
            LearningRateSchedule none = LearningRateSchedule.linearWithWarmup(2.0, 0, 4);
            assertThat(none.at(0)).isEqualTo(2.0); // (4-0)/4
            assertThat(none.at(1)).isEqualTo(1.5); // (4-1)/4
            assertThat(none.at(4)).isZero();
        }
    }

    @Nested
    @DisplayName("cosine with warmup (peak 2, warmup 10, total 110, 0.5 cycles)")
    class Cosine {
        private final LearningRateSchedule s = LearningRateSchedule.cosineWithWarmup(2.0, 10, 110);

        @Test
        @DisplayName("warms up linearly")
        void warmup() {
            assertThat(s.at(0)).isZero();
            assertThat(s.at(5)).isCloseTo(1.0, within(1e-12)); // 2 * 5/10
        }

        @Test
        @DisplayName("follows half a cosine from the peak to 0")
        void decay() {
            assertThat(s.at(10)).isCloseTo(2.0, within(1e-12)); // 0.5 * (1 + cos 0)
            assertThat(s.at(35)).isCloseTo(1.7071067811865475, within(1e-12)); // progress 1/4: 0.5 * (1 + cos pi/4)
            assertThat(s.at(60)).isCloseTo(1.0, within(1e-12)); // progress 1/2: 0.5 * (1 + cos pi/2)
            assertThat(s.at(85)).isCloseTo(0.2928932188134524, within(1e-12)); // 0.5 * (1 + cos 3pi/4)
            assertThat(s.at(110)).isCloseTo(0.0, within(1e-12)); // 0.5 * (1 + cos pi)
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("constant is constant")
        void constant() {
            LearningRateSchedule s = LearningRateSchedule.constant(3e-4);
            assertThat(s.at(0)).isEqualTo(3e-4);
            assertThat(s.at(1_000_000)).isEqualTo(3e-4);
            assertThat(s).hasToString("constant(lr=3.0E-4)");
        }

        @Test
        @DisplayName("constant with warmup ramps linearly, then holds the peak exactly")
        void constantWithWarmup() {
            LearningRateSchedule s = LearningRateSchedule.constantWithWarmup(1e-3, 4);
            assertThat(s.at(0)).isZero();
            assertThat(s.at(2)).isEqualTo(5e-4);
            assertThat(s.at(4)).isEqualTo(1e-3);
            assertThat(s.at(1_000_000)).isEqualTo(1e-3);
            assertThat(s).hasToString("constant_with_warmup(peak=0.001, warmup_steps=4)");
            assertThatThrownBy(() -> LearningRateSchedule.constantWithWarmup(1e-3, -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("warmupSteps must be at least 0, got -1");
        }

        @Test
        @DisplayName("invalid arguments fail naming them")
        void invalid() {
            assertThatThrownBy(() -> LearningRateSchedule.linearWithWarmup(1e-3, 20, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("totalSteps (10) must be at least warmupSteps (20)");
            assertThatThrownBy(() -> LearningRateSchedule.cosineWithWarmup(-1, 0, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("peak must be finite and at least 0, got -1.0");
            assertThatThrownBy(() -> LearningRateSchedule.constant(1e-3).at(-1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("step must be at least 0, got -1");
        }
    }
}
