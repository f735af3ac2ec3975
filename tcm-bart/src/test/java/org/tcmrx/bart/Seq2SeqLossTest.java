package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Seq2SeqLoss")
class Seq2SeqLossTest {
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /**
     * One row of three positions over a vocabulary of 3: uniform logits (label 0), logits {@code [0, ln 2, 0]} so
     * that p = [1/4, 1/2, 1/4] (label 1), and an ignored position.
     */
    private static NDArray logits() {
        float l2 = (float) LN2;
        return manager.create(new float[] {0, 0, 0, 0, l2, 0, 5, -5, 1}, new Shape(1, 3, 3));
    }

    private static NDArray labels(long... ids) {
        return manager.create(ids, new Shape(1, ids.length));
    }

    @Nested
    @DisplayName("cross-entropy")
    class CrossEntropy {
        @Test
        @DisplayName("averages -log p(label) over the counted tokens")
        void plain() {
            // (-ln 1/3 - ln 1/2) / 2
            assertThat(Seq2SeqLoss.lossValue(logits(), labels(0, 1, -100), 0f))
                    .isCloseTo((float) ((LN3 + LN2) / 2), within(1e-6f));
        }

        @Test
        @DisplayName("smooths labels as PyTorch's label_smoothing")
        void smoothed() {
            // Per token: (1 - eps) * nll + eps * mean over the vocabulary of -log p.
            // Token 1: nll = ln 3, mean = ln 3. Token 2: nll = ln 2, mean = (ln 4 + ln 2 + ln 4) / 3 = 5 ln 2 / 3.
            double eps = 0.1;
            double want = (1 - eps) * (LN3 + LN2) / 2 + eps * (LN3 + 5 * LN2 / 3) / 2;
            assertThat(Seq2SeqLoss.lossValue(logits(), labels(0, 1, -100), 0.1f)).isCloseTo((float) want,
                    within(1e-6f));
        }

        @Test
        @DisplayName("is NaN when every label is ignored, as PyTorch's mean over nothing")
        void allIgnored() {
            assertThat(Seq2SeqLoss.lossValue(logits(), labels(-100, -100, -100), 0f)).isNaN();
        }

        @Test
        @DisplayName("rejects mismatched shapes and smoothing outside [0, 1)")
        void rejects() {
            assertThatThrownBy(() -> Seq2SeqLoss.loss(logits(), labels(0, 1), 0f))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("logits (1, 3, 3) and labels (1, 2) must be [B, T, V] and [B, T]");
            assertThatThrownBy(() -> Seq2SeqLoss.loss(logits(), labels(0, 1, 2), 1f))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("labelSmoothing must be in [0, 1), got 1.0");
        }
    }

    @Test
    @DisplayName("shift_tokens_right starts with the start token and turns -100 into padding")
    void shiftTokensRight() {
        NDArray labels = manager.create(new long[] {5, -100, 2, 7, 2, -100}, new Shape(2, 3));
        assertThat(BartModel.shiftTokensRight(labels, 0, 2).toLongArray()).containsExactly(2, 5, 0, 2, 7, 2);
    }
}
