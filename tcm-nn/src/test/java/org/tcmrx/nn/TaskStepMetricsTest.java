package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.Jsonl;

@DisplayName("A task's own per-step metrics")
class TaskStepMetricsTest {
    private NDManager base;

    @BeforeEach
    void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    /** Counts its loss calls and reports, per step, how many there were and their mean loss. */
    private static final class Counting implements TrainingTask<RegressionTask.Batch> {
        private final RegressionTask inner;
        private int calls;
        private double lossSum;

        Counting(RegressionTask inner) {
            this.inner = inner;
        }

        @Override
        public List<RegressionTask.Batch> batches(int epoch, Random rng) {
            return inner.batches(epoch, rng);
        }

        @Override
        public NDArray loss(RegressionTask.Batch batch, NDManager scope) {
            NDArray loss = inner.loss(batch, scope);
            calls++;
            lossSum += loss.getFloat();
            return loss;
        }

        @Override
        public Map<String, Double> stepMetrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("calls", (double) calls);
            m.put("mean/loss", lossSum / calls);
            m.put("loss", -1.0); // clashes with the loop's own key
            calls = 0;
            lossSum = 0;
            return m;
        }

        @Override
        public ParameterStore parameters() {
            return inner.parameters();
        }
    }

    @Test
    @DisplayName("are asked for once per step, reach the listeners, and are logged as top-level keys")
    void perStep(@TempDir Path dir) throws IOException {
        List<StepMetrics> steps = new ArrayList<>();
        Path log = dir.resolve("metrics.jsonl");
        new TrainingLoop<RegressionTask.Batch>(TrainingLoopTest.config(4).optGradientAccumulationSteps(2)
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        steps.add(m);
                    }
                }).addListener(new JsonlMetricsListener(log)).build())
                .train(new Counting(new RegressionTask(base, 11, 12, 32, 4, false)));
        assertThat(steps).hasSize(4).allSatisfy(m -> {
            assertThat(m.metrics()).containsEntry("calls", 2.0);
            assertThat(m.metrics().get("mean/loss")).isCloseTo(m.loss(), org.assertj.core.api.Assertions.within(1e-6));
            assertThat(m.metrics().keySet()).containsExactly("calls", "mean/loss", "loss");
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) Jsonl.read(log, Map.class).get(0);
        assertThat(first).containsEntry("calls", 2.0).containsKey("mean/loss");
        assertThat(((Number) first.get("loss")).doubleValue()).isEqualTo(steps.get(0).loss());
    }

    @Test
    @DisplayName("a step without task metrics has an empty map; null names or values are refused")
    void validation() {
        assertThat(new StepMetrics(1, 0, 0.5, 1e-3, 1, 2, 3, 4, false).metrics()).isEmpty();
        Map<String, Double> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        assertThatThrownBy(() -> new StepMetrics(1, 0, 0.5, 1e-3, 1, 2, 3, 4, false, withNull))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metrics must not hold a null name or value");
        assertThatThrownBy(() -> new StepMetrics(1, 0, 0.5, 1e-3, 1, 2, 3, 4, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("metrics must not be null");
    }
}
