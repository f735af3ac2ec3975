package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcmrx.core.Progress;

@DisplayName("TrainingArguments")
class TrainingArgumentsTest {
    /** Valid settings that a case changes before building. */
    private static final class Values {
        int epochs = 3;
        int maxSteps = -1;
        int batchSize = 4;
        int gradientAccumulationSteps = 2;
        double learningRate = 1e-3;
        double warmupRatio;
        String lrSchedulerType = TrainingArguments.LINEAR;
        double weightDecay = 0.01;
        double maxGradNorm = 0.5;
        long seed = 42;
        Path outputDir;
        int saveSteps = 5;
        int saveTotalLimit = 3;
        int evalSteps = 7;
        int earlyStoppingPatience = 2;

        TrainingArguments build() {
            return new TrainingArguments(epochs, maxSteps, batchSize, gradientAccumulationSteps, learningRate,
                    warmupRatio, lrSchedulerType, weightDecay, maxGradNorm, seed, outputDir, saveSteps,
                    saveTotalLimit, evalSteps, earlyStoppingPatience);
        }
    }

    private static TrainingArguments args(Consumer<Values> change) {
        Values v = new Values();
        change.accept(v);
        return v.build();
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        static Stream<Arguments> invalid() {
            return Stream.of(
                    Arguments.of((Consumer<Values>) v -> v.epochs = 0, "epochs must be at least 1, got 0"),
                    Arguments.of((Consumer<Values>) v -> v.maxSteps = 0,
                            "maxSteps must be -1 (no limit) or at least 1, got 0"),
                    Arguments.of((Consumer<Values>) v -> v.maxSteps = -2,
                            "maxSteps must be -1 (no limit) or at least 1, got -2"),
                    Arguments.of((Consumer<Values>) v -> v.batchSize = 0, "batchSize must be at least 1, got 0"),
                    Arguments.of((Consumer<Values>) v -> v.gradientAccumulationSteps = 0,
                            "gradientAccumulationSteps must be at least 1, got 0"),
                    Arguments.of((Consumer<Values>) v -> v.learningRate = 0,
                            "learningRate must be finite and positive, got 0.0"),
                    Arguments.of((Consumer<Values>) v -> v.learningRate = Double.NaN,
                            "learningRate must be finite and positive, got NaN"),
                    Arguments.of((Consumer<Values>) v -> v.learningRate = Double.POSITIVE_INFINITY,
                            "learningRate must be finite and positive, got Infinity"),
                    Arguments.of((Consumer<Values>) v -> v.warmupRatio = 1.5,
                            "warmupRatio must be in [0, 1], got 1.5"),
                    Arguments.of((Consumer<Values>) v -> v.warmupRatio = -0.1,
                            "warmupRatio must be in [0, 1], got -0.1"),
                    Arguments.of((Consumer<Values>) v -> v.lrSchedulerType = "polynomial",
                            "lrSchedulerType: unsupported value 'polynomial'; supported: linear, cosine, constant"),
                    Arguments.of((Consumer<Values>) v -> v.lrSchedulerType = null,
                            "lrSchedulerType: unsupported value 'null'; supported: linear, cosine, constant"),
                    Arguments.of((Consumer<Values>) v -> v.weightDecay = -0.1,
                            "weightDecay must be finite and at least 0, got -0.1"),
                    Arguments.of((Consumer<Values>) v -> v.weightDecay = Double.POSITIVE_INFINITY,
                            "weightDecay must be finite and at least 0, got Infinity"),
                    Arguments.of((Consumer<Values>) v -> v.maxGradNorm = Double.NaN,
                            "maxGradNorm must be finite and at least 0, got NaN"),
                    Arguments.of((Consumer<Values>) v -> v.saveSteps = -1, "saveSteps must be at least 0, got -1"),
                    Arguments.of((Consumer<Values>) v -> v.saveTotalLimit = -1,
                            "saveTotalLimit must be at least 0, got -1"),
                    Arguments.of((Consumer<Values>) v -> v.evalSteps = -1, "evalSteps must be at least 0, got -1"),
                    Arguments.of((Consumer<Values>) v -> v.earlyStoppingPatience = -1,
                            "earlyStoppingPatience must be at least 0, got -1"));
        }

        @ParameterizedTest(name = "{1}")
        @MethodSource("invalid")
        @DisplayName("refuses an invalid value naming it")
        void refuses(Consumer<Values> change, String message) {
            assertThatThrownBy(() -> args(change)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        }

        @Test
        @DisplayName("accepts the limits: no step limit, no warmup or a full one, no decay, clipping or checkpoints")
        void limits() {
            assertThat(args(v -> {
                v.warmupRatio = 1;
                v.weightDecay = 0;
                v.maxGradNorm = 0;
                v.saveSteps = 0;
                v.saveTotalLimit = 0;
                v.evalSteps = 0;
                v.earlyStoppingPatience = 0;
            }).warmupRatio()).isEqualTo(1.0);
            assertThat(args(v -> v.maxSteps = 1).maxSteps()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("schedule")
    class Schedule {
        @Test
        @DisplayName("linear: warms up over round(ratio * total) steps, then decays to 0 at the end")
        void linear() {
            LearningRateSchedule s = args(v -> v.warmupRatio = 0.25).schedule(10); // round(2.5) = 3 warmup steps
            assertThat(s).hasToString("linear_with_warmup(peak=0.001, warmup_steps=3, total_steps=10)");
            assertThat(s.at(0)).isZero();
            assertThat(s.at(3)).isCloseTo(1e-3, within(1e-15));
            assertThat(s.at(10)).isZero();
        }

        @Test
        @DisplayName("cosine: half a wave from the peak, at half of it midway")
        void cosine() {
            LearningRateSchedule s = args(v -> v.lrSchedulerType = TrainingArguments.COSINE).schedule(10);
            assertThat(s).hasToString("cosine_with_warmup(peak=0.001, warmup_steps=0, total_steps=10, num_cycles=0.5)");
            assertThat(s.at(5)).isCloseTo(5e-4, within(1e-15)); // 0.5 * (1 + cos(pi / 2))
            assertThat(s.at(10)).isZero();
        }

        @Test
        @DisplayName("constant: the plain schedule without warmup, the peak after one")
        void constant() {
            assertThat(args(v -> v.lrSchedulerType = TrainingArguments.CONSTANT).schedule(10))
                    .hasToString("constant(lr=0.001)");
            LearningRateSchedule warm = args(v -> {
                v.lrSchedulerType = TrainingArguments.CONSTANT;
                v.warmupRatio = 0.2;
            }).schedule(10);
            assertThat(warm).hasToString("constant_with_warmup(peak=0.001, warmup_steps=2)");
            assertThat(warm.at(1)).isCloseTo(5e-4, within(1e-15)); // 1 / 2 of the warmup
            assertThat(warm.at(9)).isCloseTo(1e-3, within(1e-15));
        }
    }

    @Test
    @DisplayName("summary: Hugging Face's names, without where the run writes")
    void summary() {
        assertThat(new Values().build().summary()).containsOnlyKeys("num_train_epochs", "max_steps",
                "per_device_train_batch_size", "gradient_accumulation_steps", "learning_rate", "warmup_ratio",
                "lr_scheduler_type", "weight_decay", "max_grad_norm", "seed", "save_steps", "eval_steps",
                "early_stopping_patience")
                .containsEntry("num_train_epochs", "3").containsEntry("max_steps", "-1")
                .containsEntry("per_device_train_batch_size", "4").containsEntry("gradient_accumulation_steps", "2")
                .containsEntry("learning_rate", "0.001").containsEntry("warmup_ratio", "0.0")
                .containsEntry("lr_scheduler_type", "linear").containsEntry("weight_decay", "0.01")
                .containsEntry("max_grad_norm", "0.5").containsEntry("seed", "42").containsEntry("save_steps", "5")
                .containsEntry("eval_steps", "7").containsEntry("early_stopping_patience", "2");
    }

    @Nested
    @DisplayName("the training loop's config")
    class LoopConfig {
        @Test
        @DisplayName("an epoch's last micro-batch and last step take what is left")
        void stepsPerEpoch() {
            TrainingArguments a = new Values().build(); // 4 examples a micro-batch, 2 micro-batches a step
            assertThat(a.stepsPerEpoch(1)).isEqualTo(1);
            assertThat(a.stepsPerEpoch(8)).isEqualTo(1);
            assertThat(a.stepsPerEpoch(9)).isEqualTo(2); // 3 micro-batches
            assertThat(a.stepsPerEpoch(17)).isEqualTo(3); // 5 micro-batches
            assertThatThrownBy(() -> a.stepsPerEpoch(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("trainExamples must be at least 1, got 0");
        }

        @Test
        @DisplayName("carries every setting, the schedule laid out over all epochs' steps")
        void values() {
            Path dir = Path.of("run");
            TrainingConfig c = args(v -> v.maxSteps = 4).loopConfigBuilder(17, dir, "eval_loss").build();
            assertThat(c.epochs()).isEqualTo(3);
            assertThat(c.schedule()).hasToString("linear_with_warmup(peak=0.001, warmup_steps=0, total_steps=9)");
            assertThat(c.seed()).isEqualTo(42);
            assertThat(c.maxSteps()).isEqualTo(4);
            assertThat(c.gradientAccumulationSteps()).isEqualTo(2);
            assertThat(c.maxGradNorm()).isEqualTo(0.5);
            assertThat(c.adamW()).isEqualTo(AdamWConfig.builder().optWeightDecay(0.01).build());
            assertThat(c.evalEverySteps()).isEqualTo(7);
            assertThat(c.checkpointDir()).isEqualTo(dir);
            assertThat(c.checkpointEverySteps()).isEqualTo(5);
            assertThat(c.keepCheckpoints()).isEqualTo(3);
            assertThat(c.earlyStopping()).isEqualTo(new EarlyStopping("eval_loss", EarlyStopping.Mode.MIN, 2, 0.0));
            assertThat(c.progress()).isSameAs(Progress.NONE);
            assertThat(c.listeners()).isEmpty();
        }

        @Test
        @DisplayName("without validation data there is no early stopping")
        void withoutValidation() {
            assertThat(new Values().build().loopConfigBuilder(8, null, null).build().earlyStopping()).isNull();
        }
    }
}
