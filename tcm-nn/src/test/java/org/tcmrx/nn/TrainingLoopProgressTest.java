package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.Progress;

@DisplayName("TrainingLoop's progress display")
class TrainingLoopProgressTest {
    @AutoClose
    private final NDManager base = NDManager.newBaseManager();

    /** Records what a progress display is told, advances summed. */
    private static final class Counting implements Progress {
        final List<String> calls = new ArrayList<>();
        long advanced;

        @Override
        public void start(String task, long total) {
            calls.add("start " + total);
        }

        @Override
        public void advance(long steps) {
            advanced += steps;
        }

        @Override
        public void finish() {
            calls.add("advance " + advanced);
            calls.add("finish");
        }
    }

    @Test
    @DisplayName("the progress display is started with the steps expected and told each step")
    void progress() throws IOException {
        // 32 examples in batches of 3: 11 micro-batches an epoch, 6 steps with accumulation 2 (the last takes 1).
        Counting bounded = new Counting();
        new TrainingLoop<RegressionTask.Batch>(TrainingLoopTest.config(10).optGradientAccumulationSteps(2).optProgress(bounded)
                .build()).train(new RegressionTask(base, 11, 12, 32, 3, false));
        assertThat(bounded.calls).containsExactly("start 10", "advance 10", "finish");
        Counting epochs = new Counting();
        new TrainingLoop<RegressionTask.Batch>(TrainingConfig.builder().setEpochs(3).setSeed(7)
                .setSchedule(LearningRateSchedule.linearWithWarmup(0.05, 3, 18)).optGradientAccumulationSteps(2)
                .optProgress(epochs).build()).train(new RegressionTask(base, 11, 12, 32, 3, false));
        assertThat(epochs.calls).containsExactly("start 18", "advance 18", "finish");
    }
}
