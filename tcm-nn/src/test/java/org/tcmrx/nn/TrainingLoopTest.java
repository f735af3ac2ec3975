package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.nn.internal.Checkpoints;
import org.tcmrx.nn.internal.TrainerState;

@DisplayName("TrainingLoop")
class TrainingLoopTest {
    private NDManager base;

    @BeforeEach
    void setUp() {
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    private RegressionTask task(int batchSize, boolean shuffle) {
        return new RegressionTask(base, 11, 12, 32, batchSize, shuffle);
    }

    static TrainingConfig.Builder config(int totalSteps) {
        return TrainingConfig.builder().setEpochs(100).setSeed(7).optMaxSteps(totalSteps)
                .setSchedule(LearningRateSchedule.linearWithWarmup(0.05, 3, totalSteps));
    }

    /** Records every step. */
    private static class Recorder implements TrainingListener {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<Evaluation> evaluations = new ArrayList<>();

        @Override
        public void onStep(StepMetrics m) {
            steps.add(m);
        }

        @Override
        public void onEvaluation(Evaluation e) {
            evaluations.add(e);
        }
    }

    @Nested
    @DisplayName("training")
    class Training {
        @Test
        @DisplayName("fits y = P(Wx + b): the loss falls by more than 90% and the frozen P stays bitwise identical")
        void fits() throws IOException {
            RegressionTask task = task(4, true);
            float[] frozen = task.parameters().get(RegressionTask.PROJ).toFloatArray();
            float[] w0 = task.parameters().get(RegressionTask.WEIGHT).toFloatArray();
            Recorder recorder = new Recorder();
            TrainingResult result = new TrainingLoop<RegressionTask.Batch>(config(200).addListener(recorder)
                    .setSchedule(LearningRateSchedule.cosineWithWarmup(0.1, 10, 200)).build()).train(task);

            assertThat(result.steps()).isEqualTo(200);
            assertThat(result.epochs()).isEqualTo(25); // 8 batches an epoch
            double first = recorder.steps.get(0).loss();
            assertThat(result.finalTrainLoss()).isLessThan(0.1 * first);
            assertThat(recorder.evaluations).hasSize(25);
            assertThat(recorder.evaluations.get(24).metrics().get("eval_loss"))
                    .isLessThan(0.1 * recorder.evaluations.get(0).metrics().get("eval_loss"));
            assertThat(task.parameters().get(RegressionTask.PROJ).toFloatArray()).isEqualTo(frozen);
            assertThat(task.parameters().get(RegressionTask.WEIGHT).toFloatArray()).isNotEqualTo(w0);
            assertThat(recorder.steps.get(0).learningRate()).isZero(); // the warmup starts at 0, as in transformers
            assertThat(recorder.steps.get(0).examples()).isEqualTo(4);
            assertThat(recorder.steps).extracting(StepMetrics::step).startsWith(1, 2, 3).endsWith(200);
        }

        @Test
        @DisplayName("accumulating 2 micro-batches of 1 gives the update of one batch of 2 with a mean loss")
        void accumulation() throws IOException {
            RegressionTask micro = task(1, false);
            RegressionTask whole = task(2, false);
            new TrainingLoop<RegressionTask.Batch>(config(5).optGradientAccumulationSteps(2).build()).train(micro);
            new TrainingLoop<RegressionTask.Batch>(config(5).build()).train(whole);
            for (String name : List.of(RegressionTask.WEIGHT, RegressionTask.BIAS)) {
                float[] a = micro.parameters().get(name).toFloatArray();
                float[] b = whole.parameters().get(name).toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    assertThat((double) a[i]).as("%s[%d]", name, i).isCloseTo(b[i], within(1e-6));
                }
            }
        }
    }

    @Nested
    @DisplayName("checkpoints")
    class Checkpointing {
        @Test
        @DisplayName("20 steps straight equal 10 steps, a checkpoint, and 10 resumed steps in a new loop")
        void resume(@TempDir Path dir) throws IOException {
            Path straightLog = dir.resolve("straight.jsonl");
            RegressionTask straight = task(4, true);
            new TrainingLoop<RegressionTask.Batch>(config(20).optCheckpointDir(dir.resolve("a"))
                    .addListener(new JsonlMetricsListener(straightLog)).build()).train(straight);

            Path splitLog = dir.resolve("split.jsonl");
            Path ckpt = dir.resolve("b");
            RegressionTask first = task(4, true);
            TrainingConfig.Builder firstHalf = config(20).optMaxSteps(10).optCheckpointDir(ckpt)
                    .addListener(new JsonlMetricsListener(splitLog));
            TrainingResult half = new TrainingLoop<RegressionTask.Batch>(firstHalf.build()).train(first);
            assertThat(half.steps()).isEqualTo(10);
            TrainerState state = Checkpoints.readState(ckpt.resolve("checkpoint-10"));
            assertThat(state.epoch()).isEqualTo(1); // mid-epoch: 8 batches an epoch
            assertThat(state.batchIndex()).isEqualTo(2);

            // A task initialised differently: the checkpoint must overwrite every trainable value.
            RegressionTask second = new RegressionTask(base, 11, 99, 32, 4, true);
            TrainingResult resumed = new TrainingLoop<RegressionTask.Batch>(config(20).optCheckpointDir(ckpt)
                    .addListener(new JsonlMetricsListener(splitLog)).build())
                    .resume(second, ckpt.resolve("checkpoint-10"));

            assertThat(resumed.steps()).isEqualTo(20);
            assertThat(resumed.history()).hasSize(2); // the evaluations after epochs 0 and 1
            for (String name : List.of(RegressionTask.WEIGHT, RegressionTask.BIAS)) {
                float[] a = straight.parameters().get(name).toFloatArray();
                float[] b = second.parameters().get(name).toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    assertThat((double) b[i]).as("%s[%d]", name, i).isCloseTo(a[i], within(1e-6));
                }
            }
            assertThat(stepLosses(splitLog)).hasSize(20).isEqualTo(stepLosses(straightLog));
        }

        private List<Double> stepLosses(Path log) throws IOException {
            List<Double> out = new ArrayList<>();
            for (Object line : Jsonl.read(log, Map.class)) {
                Map<?, ?> m = (Map<?, ?>) line;
                if ("step".equals(m.get("event"))) {
                    out.add(((Number) m.get("loss")).doubleValue());
                }
            }
            return out;
        }

        @Test
        @DisplayName("folders are complete, atomic and pruned to keepCheckpoints")
        void folders(@TempDir Path dir) throws IOException {
            List<Path> seen = new ArrayList<>();
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onCheckpoint(int step, Path folder) {
                    seen.add(folder);
                }
            };
            new TrainingLoop<RegressionTask.Batch>(config(20).optCheckpointDir(dir).optCheckpointEverySteps(5)
                    .optKeepCheckpoints(2).addListener(listener).build()).train(task(4, true));
            assertThat(seen).extracting(p -> p.getFileName().toString())
                    .containsExactly("checkpoint-5", "checkpoint-10", "checkpoint-15", "checkpoint-20");
            try (Stream<Path> list = Files.list(dir)) {
                assertThat(list.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("checkpoint-15", "checkpoint-20");
            }
            try (Stream<Path> list = Files.list(dir.resolve("checkpoint-20"))) {
                assertThat(list.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                        "model.safetensors", "optimizer.safetensors", "trainer_state.json", "provenance.json");
            }
            try (SafetensorsFile model = SafetensorsFile.open(dir.resolve("checkpoint-20/model.safetensors"))) {
                assertThat(model.names()).containsExactly(RegressionTask.WEIGHT, RegressionTask.BIAS);
            }
            assertThat(Files.readString(dir.resolve("checkpoint-20/provenance.json")))
                    .contains("\"producer\" : \"TrainingLoop\"", "\"seed\" : 7", "\"global_step\" : \"20\"");
        }

        @Test
        @DisplayName("resuming with another seed fails")
        void otherSeed(@TempDir Path dir) throws IOException {
            new TrainingLoop<RegressionTask.Batch>(config(4).optCheckpointDir(dir).build()).train(task(4, true));
            TrainingLoop<RegressionTask.Batch> other = new TrainingLoop<>(config(4).setSeed(8).build());
            assertThatThrownBy(() -> other.resume(task(4, true), dir.resolve("checkpoint-4")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("checkpoint " + dir.resolve("checkpoint-4")
                            + " was trained with seed 7 but this loop's seed is 8; the data order would differ");
        }
    }

    @Nested
    @DisplayName("early stopping")
    class Stopping {
        @Test
        @DisplayName("stops after patience evaluations without improvement and keeps best/")
        void stops(@TempDir Path dir) throws IOException {
            ScriptedTask task = new ScriptedTask(base, 1.0, 0.5, 0.45, 0.7, 0.3);
            Map<Integer, float[]> weightAt = new HashMap<>();
            TrainingListener snapshot = new TrainingListener() {
                @Override
                public void onEvaluation(Evaluation e) {
                    weightAt.put(e.step(), task.parameters().get(RegressionTask.WEIGHT).toFloatArray());
                }
            };
            TrainingResult result = new TrainingLoop<RegressionTask.Batch>(config(100).optEvalEverySteps(2)
                    .optEarlyStopping(new EarlyStopping("eval_loss", EarlyStopping.Mode.MIN, 2, 0.1))
                    .optCheckpointDir(dir).optCheckpointEverySteps(50).addListener(snapshot).build()).train(task);

            // 1.0 best; 0.5 best; 0.45 is not better by more than 0.1; 0.7 is worse: two without improvement.
            assertThat(result.stoppedEarly()).isTrue();
            assertThat(result.steps()).isEqualTo(8);
            assertThat(result.history()).extracting(Evaluation::step).containsExactly(2, 4, 6, 8);
            assertThat(result.bestMetric()).isEqualTo(0.5);
            assertThat(result.bestStep()).isEqualTo(4);
            assertThat(task.calls).isEqualTo(4);
            TrainerState best = Checkpoints.readState(dir.resolve("best"));
            assertThat(best.globalStep()).isEqualTo(4);
            assertThat(best.bestMetric()).isEqualTo(0.5);
            try (SafetensorsFile model = SafetensorsFile.open(dir.resolve("best/model.safetensors"))) {
                assertThat(model.floats(RegressionTask.WEIGHT)).isEqualTo(weightAt.get(4));
            }
            assertThat(dir.resolve("checkpoint-8")).isDirectory(); // the last step is always checkpointed
        }

        @Test
        @DisplayName("a missing metric fails naming what evaluate() returned")
        void missingMetric() {
            ScriptedTask task = new ScriptedTask(base, 1.0);
            TrainingLoop<RegressionTask.Batch> loop = new TrainingLoop<>(config(100).optEvalEverySteps(2)
                    .optEarlyStopping(new EarlyStopping("eval_recall", EarlyStopping.Mode.MAX, 1, 0)).build());
            assertThatThrownBy(() -> loop.train(task)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("evaluate() returned no metric 'eval_recall'; it returned [eval_loss]");
        }

        @Test
        @DisplayName("improvement is strict by more than minDelta, in either direction")
        void improves() {
            EarlyStopping min = new EarlyStopping("m", EarlyStopping.Mode.MIN, 1, 0.1);
            assertThat(min.improves(5.0, null)).isTrue();
            assertThat(min.improves(0.85, 1.0)).isTrue();
            assertThat(min.improves(0.9, 1.0)).isFalse();
            assertThat(min.improves(Double.NaN, 1.0)).isFalse();
            EarlyStopping max = new EarlyStopping("m", EarlyStopping.Mode.parse("MAX"), 1, 0);
            assertThat(max.improves(0.6, 0.5)).isTrue();
            assertThat(max.improves(0.5, 0.5)).isFalse();
        }
    }

    @Nested
    @DisplayName("non-finite values")
    class NonFinite {
        /** The regression task whose loss at one call is NaN, or whose gradient is infinite. */
        private final class Broken implements TrainingTask<RegressionTask.Batch> {
            final RegressionTask inner = task(4, true);
            final int badCall;
            final boolean infiniteGradient;
            int calls;

            Broken(int badCall, boolean infiniteGradient) {
                this.badCall = badCall;
                this.infiniteGradient = infiniteGradient;
            }

            @Override
            public List<RegressionTask.Batch> batches(int epoch, Random rng) {
                return inner.batches(epoch, rng);
            }

            @Override
            public NDArray loss(RegressionTask.Batch batch, NDManager scope) {
                NDArray loss = inner.loss(batch, scope);
                if (calls++ != badCall) {
                    return loss;
                }
                if (infiniteGradient) {
                    // d sqrt(0 * b)/db = 0 * inf: NaN in the bias gradient while the loss stays finite.
                    return loss.add(inner.parameters().get(RegressionTask.BIAS).mul(0f).sqrt().sum());
                }
                return loss.mul(Float.NaN);
            }

            @Override
            public ParameterStore parameters() {
                return inner.parameters();
            }
        }

        @Test
        @DisplayName("a NaN loss stops training naming the step")
        void nanLoss() {
            TrainingLoop<RegressionTask.Batch> loop = new TrainingLoop<>(config(10).build());
            assertThatThrownBy(() -> loop.train(new Broken(2, false))).isInstanceOf(NonFiniteException.class)
                    .hasMessage("step 3: loss is not finite (NaN)");
        }

        @Test
        @DisplayName("a non-finite gradient stops training naming the step and the parameter")
        void badGradient() {
            TrainingLoop<RegressionTask.Batch> loop = new TrainingLoop<>(config(10).build());
            assertThatThrownBy(() -> loop.train(new Broken(4, true))).isInstanceOf(NonFiniteException.class)
                    .hasMessage("step 5: gradient of linear.bias is not finite (norm NaN)");
        }

        @Test
        @DisplayName("with SKIP_STEP the step is logged as skipped and changes nothing")
        void skip(@TempDir Path dir) throws IOException {
            Broken task = new Broken(2, true);
            Map<Integer, float[]> weightAfter = new HashMap<>();
            Recorder recorder = new Recorder() {
                @Override
                public void onStep(StepMetrics m) {
                    super.onStep(m);
                    weightAfter.put(m.step(), task.parameters().get(RegressionTask.WEIGHT).toFloatArray());
                }
            };
            Path log = dir.resolve("metrics.jsonl");
            new TrainingLoop<RegressionTask.Batch>(config(5).optOnNonFinite(NonFinitePolicy.SKIP_STEP)
                    .addListener(recorder).addListener(new JsonlMetricsListener(log)).build()).train(task);
            assertThat(recorder.steps).extracting(StepMetrics::skipped)
                    .containsExactly(false, false, true, false, false);
            assertThat(recorder.steps.get(2).gradNorm()).isNaN();
            assertThat(weightAfter.get(3)).isEqualTo(weightAfter.get(2));
            assertThat(weightAfter.get(4)).isNotEqualTo(weightAfter.get(3));
            @SuppressWarnings("unchecked")
            Map<String, Object> skipped = (Map<String, Object>) Jsonl.read(log, Map.class).get(2);
            assertThat(skipped).containsEntry("event", "step").containsEntry("step", 3)
                    .containsEntry("skipped", true).containsEntry("loss", "NaN").containsEntry("grad_norm", "NaN");
        }
    }

    @Nested
    @DisplayName("native memory")
    class Memory {
        @Test
        @DisplayName("the arrays alive in the base manager are as many after 200 steps as after 10")
        void noLeak(@TempDir Path dir) throws IOException {
            int[] alive = new int[201];
            TrainingListener counter = new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    alive[m.step()] = base.getManagedArrays().size();
                }
            };
            new TrainingLoop<RegressionTask.Batch>(config(200).optGradientAccumulationSteps(2).optEvalEverySteps(50)
                    .optCheckpointDir(dir).optCheckpointEverySteps(50).addListener(counter).build())
                    .train(task(4, true));
            // 3 parameters + 2 AdamW moments for each of the 2 trainable ones.
            assertThat(alive[10]).isEqualTo(7);
            assertThat(alive[200]).isEqualTo(alive[10]);
            assertThat(Arrays.stream(alive, 10, 201).distinct().toArray()).containsExactly(7);
        }
    }
}
