package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Herb;
import org.tcmrx.nn.internal.NativeArrays;

@DisplayName("HerbSetLoss")
class HerbSetLossTest {
    @AutoClose
    private final NDManager manager = NDManager.newBaseManager(Device.cpu());

    @Test
    @DisplayName("is the cross-entropy against the uniform distribution over each row's herbs, averaged over rows")
    void handComputed() {
        float l2 = (float) Math.log(2);
        // Row 0: p = [1/5, 2/5, 1/5, 1/5], q = 1/2 on ids 1 and 2. Row 1: p uniform, q = 1 on id 3.
        NDArray logits = NativeArrays.floats(manager, new float[] {0, l2, 0, 0, 0, 0, 0, 0}, new Shape(2, 4));
        NDArray target = NativeArrays.floats(manager, new float[] {0, 0.5f, 0.5f, 0, 0, 0, 0, 1}, new Shape(2, 4));
        double row0 = -(0.5 * Math.log(2.0 / 5) + 0.5 * Math.log(1.0 / 5));
        double row1 = Math.log(4);
        assertThat(HerbSetLoss.loss(logits, target).getFloat()).isCloseTo((float) ((row0 + row1) / 2),
                within(1e-6f));
    }

    @Test
    @DisplayName("targets spread 1/n over the n distinct herbs of the labels, skipping </s>")
    void targets() {
        HerbTokenizer tokenizer = HerbTokenizer.fit(EmbeddedCorpus.load().split(Dataset.TRAIN), HerbOrder.RANDOM,
                true);
        int a = tokenizer.herbId(new Herb("麻黄"));
        int b = tokenizer.herbId(new Herb("桂枝"));
        int eos = 2;
        float[] q = HerbSetLoss.target(manager, List.of(new int[] {a, b, a, eos}, new int[] {b, eos}), tokenizer)
                .toFloatArray();
        int v = tokenizer.size();
        assertThat(q).hasSize(2 * v);
        assertThat(q[a]).isEqualTo(0.5f);
        assertThat(q[b]).isEqualTo(0.5f);
        assertThat(q[v + b]).isEqualTo(1f);
        double sum = 0;
        for (float x : q) {
            sum += x;
        }
        assertThat(sum).isEqualTo(2.0);
        assertThatThrownBy(() -> HerbSetLoss.target(manager, List.of(new int[] {a}, new int[] {eos}), tokenizer))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("labels[1] holds no herb");
    }

    @Test
    @DisplayName("rejects shapes that are not two equal [B, V]")
    void shapes() {
        NDArray logits = manager.zeros(new Shape(2, 4));
        NDArray target = manager.zeros(new Shape(2, 5));
        assertThatThrownBy(() -> HerbSetLoss.loss(logits, target)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("firstStepLogits (2, 4) and target (2, 5) must both be [B, V]");
    }
}
