package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Gradients")
class GradientsTest {
    private ParameterStore store;

    @BeforeEach
    void setUp() {
        store = new ParameterStore();
        store.add("a", store.manager().create(new float[] {1, 2, 3}, new Shape(3)));
        store.add("b", store.manager().create(new float[] {4, 5}, new Shape(2)));
        store.add("c", store.manager().create(new float[] {6}, new Shape(1)));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private float[] grad(String name) {
        try (NDArray g = store.get(name).getGradient()) {
            return g.toFloatArray();
        }
    }

    @Nested
    @DisplayName("clipByGlobalNorm")
    class Clip {
        @BeforeEach
        void gradients() {
            // |(3, 4, 0)| = 5 and |(0, 12)| = 12, so the global norm is sqrt(25 + 144) = 13; c has no gradient.
            TestGradients.set(store, Map.of("a", new float[] {3, 4, 0}, "b", new float[] {0, 12}));
        }

        @Test
        @DisplayName("returns the global norm over the parameters that have a gradient")
        void norm() {
            assertThat(Gradients.globalNorm(store.trainable())).isCloseTo(13.0, within(1e-6));
        }

        @Test
        @DisplayName("scales every gradient by maxNorm / (total + 1e-6) when above the limit")
        void clips() {
            double total = Gradients.clipByGlobalNorm(store.trainable(), 6.5);
            assertThat(total).isCloseTo(13.0, within(1e-6));
            double coef = 6.5 / (13.0 + 1e-6);
            assertThat(grad("a")).containsExactly(new float[] {(float) (3 * coef), (float) (4 * coef), 0f},
                    within(1e-6f));
            assertThat(grad("b")).containsExactly(new float[] {0f, (float) (12 * coef)}, within(1e-6f));
            assertThat(Gradients.globalNorm(store.trainable())).isCloseTo(6.5, within(1e-5));
        }

        @Test
        @DisplayName("leaves the gradients bitwise unchanged under the limit")
        void underLimit() {
            assertThat(Gradients.clipByGlobalNorm(store.trainable(), 13.5)).isCloseTo(13.0, within(1e-6));
            assertThat(grad("a")).containsExactly(3f, 4f, 0f);
            assertThat(grad("b")).containsExactly(0f, 12f);
        }

        @Test
        @DisplayName("a non-positive limit fails")
        void invalid() {
            assertThatThrownBy(() -> Gradients.clipByGlobalNorm(store.trainable(), 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxNorm must be positive and finite, got 0.0");
        }
    }

    @Nested
    @DisplayName("requireFinite")
    class Guard {
        @Test
        @DisplayName("names the step and the first parameter whose gradient holds NaN")
        void nan() {
            TestGradients.set(store, Map.of("a", new float[] {1, 1, 1}, "b", new float[] {Float.NaN, 1}));
            assertThatThrownBy(() -> Gradients.requireFinite(7, store.trainableNames(), store.trainable()))
                    .isInstanceOf(NonFiniteException.class)
                    .hasMessage("step 7: gradient of b is not finite (norm NaN)")
                    .satisfies(e -> assertThat(((NonFiniteException) e).source()).isEqualTo("b"));
        }

        @Test
        @DisplayName("reports an infinite gradient as such")
        void infinite() {
            TestGradients.set(store, Map.of("c", new float[] {Float.POSITIVE_INFINITY}));
            assertThatThrownBy(() -> Gradients.requireFinite(2, store.trainableNames(), store.trainable()))
                    .hasMessage("step 2: gradient of c is not finite (norm Infinity)");
        }

        @Test
        @DisplayName("passes finite gradients, and parameters without one")
        void finite() {
            TestGradients.set(store, Map.of("a", new float[] {1, 1, 1}));
            Gradients.requireFinite(1, store.trainableNames(), store.trainable());
            assertThat(Gradients.globalNorm(List.of(store.get("b"), store.get("c")))).isZero();
        }

        @Test
        @DisplayName("zeroGradients clears NaN gradients too")
        void zeroClearsNan() {
            TestGradients.set(store, Map.of("b", new float[] {Float.NaN, Float.NEGATIVE_INFINITY}));
            store.zeroGradients();
            Gradients.requireFinite(1, store.trainableNames(), store.trainable());
            assertThat(Gradients.globalNorm(store.trainable())).isZero();
        }
    }
}
