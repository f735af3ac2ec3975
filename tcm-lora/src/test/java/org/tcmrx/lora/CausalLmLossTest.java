package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.nn.internal.NativeArrays;

@DisplayName("CausalLmLoss, computed by hand")
class CausalLmLossTest {
    private static final float LN2 = (float) Math.log(2);
    private static final float LN3 = (float) Math.log(3);

    private static NDManager base;

    @BeforeAll
    static void open() {
        base = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        base.close();
    }

    /**
     * One row of three positions over a vocabulary of two: position 0 has logits [0, 0] (p = 1/2 each), position 1 has
     * [ln 3, 0] (p = 3/4, 1/4), position 2 predicts nothing.
     */
    private static NDArray logits(NDManager m, int rows) {
        float[] row = {0, 0, LN3, 0, 5, -5};
        float[] values = new float[rows * row.length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, values, r * row.length, row.length);
        }
        return NativeArrays.floats(m, values, new Shape(rows, 3, 2));
    }

    private static NDArray labels(NDManager m, long... values) {
        return NativeArrays.longs(m, values, new Shape(values.length / 3, 3));
    }

    @Test
    @DisplayName("logits[:, t] predicts labels[:, t + 1]: (ln 2 + ln 4) / 2")
    void shifted() {
        try (NDManager m = base.newSubManager()) {
            assertThat(CausalLmLoss.lossValue(logits(m, 1), labels(m, -100, 0, 1))).isCloseTo(1.5f * LN2,
                    within(1e-6f));
            // The first label is never predicted, so its value does not matter.
            assertThat(CausalLmLoss.lossValue(logits(m, 1), labels(m, 123, 0, 1))).isCloseTo(1.5f * LN2,
                    within(1e-6f));
        }
    }

    @Test
    @DisplayName("skips -100 and averages over the counted tokens of the whole batch, not per row")
    void ignoredAndBatchMean() {
        try (NDManager m = base.newSubManager()) {
            assertThat(CausalLmLoss.lossValue(logits(m, 1), labels(m, 0, -100, 1))).isCloseTo(2 * LN2,
                    within(1e-6f));
            // Row 0 counts ln 2 and ln 4, row 1 only ln 4: (ln 2 + ln 4 + ln 4) / 3.
            assertThat(CausalLmLoss.lossValue(logits(m, 2), labels(m, 0, 0, 1, 0, -100, 1)))
                    .isCloseTo(5 * LN2 / 3, within(1e-6f));
            assertThat(CausalLmLoss.lossValue(logits(m, 1), labels(m, 0, -100, -100))).isNaN();
        }
    }

    @Test
    @DisplayName("the gradient is (softmax - onehot) / count at counted positions and zero elsewhere")
    void gradient() {
        try (NDManager m = base.newSubManager()) {
            NDArray logits = logits(m, 1);
            logits.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = CausalLmLoss.loss(logits, labels(m, -100, 0, 1));
                assertThat(loss.getShape().dimension()).isZero();
                collector.backward(loss);
            }
            assertThat(logits.getGradient().toFloatArray())
                    .containsExactly(new float[] {-0.25f, 0.25f, 0.375f, -0.375f, 0, 0}, within(1e-6f));
        }
    }

    @Test
    @DisplayName("rejects shapes that do not agree and non-integer labels")
    void arguments() {
        try (NDManager m = base.newSubManager()) {
            assertThatThrownBy(() -> CausalLmLoss.loss(logits(m, 1), labels(m, 0, 0, 1, 0, 0, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("logits (1, 3, 2) and labels (2, 3) must be [B, T, V] and [B, T]");
            assertThatThrownBy(() -> CausalLmLoss.loss(logits(m, 1), NativeArrays.floats(m, new float[3],
                    new Shape(1, 3)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("labels must be integers, got float32");
        }
    }
}
