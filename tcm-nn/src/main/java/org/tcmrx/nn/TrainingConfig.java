package org.tcmrx.nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.Progress;
import org.tcmrx.core.internal.Checks;

/**
 * How the {@link TrainingLoop} trains; names and defaults follow Hugging Face's {@code TrainingArguments}.
 *
 * @param epochs the number of passes over the data ({@code num_train_epochs}), at least 1
 * @param maxSteps the optimizer steps after which training stops ({@code max_steps}); -1 for no limit (the default)
 * @param gradientAccumulationSteps micro-batches per optimizer step; default 1. An epoch's last step takes what is
 *     left, and each micro-batch's loss is divided by the number of micro-batches of its step, so the gradient is
 *     that of the mean loss
 * @param maxGradNorm the global gradient norm clipping limit; default 1.0 ({@code max_grad_norm}); 0 disables
 *     clipping (the norm is still computed, for the logs and the non-finite guard)
 * @param schedule the learning rate of every step
 * @param adamW the optimizer's hyper-parameters; default {@code AdamWConfig.builder().build()}
 * @param evalEverySteps evaluate every this many steps ({@code eval_steps}); 0 (the default) evaluates at the end of
 *     every epoch
 * @param earlyStopping the metric that picks {@code best/} and stops training; null (the default) for none
 * @param checkpointDir where {@code checkpoint-<step>} and {@code best} folders go; null (the default) writes none
 * @param checkpointEverySteps write a checkpoint every this many steps ({@code save_steps}); 0 (the default) at the
 *     end of every epoch. The last step is always checkpointed
 * @param keepCheckpoints how many {@code checkpoint-<step>} folders to keep, newest first ({@code
 *     save_total_limit}); default 2; 0 keeps all. {@code best} is kept apart
 * @param seed the seed every epoch's data order and every step's engine seed derive from ({@code seed})
 * @param onNonFinite what a NaN or infinite loss or gradient does; default {@link NonFinitePolicy#FAIL}
 * @param progress started with the steps the run expects (every epoch taken to have as many batches as the first;
 *     capped by {@code maxSteps}), then one advance per optimizer step; default {@link Progress#NONE}
 * @param listeners receive steps, evaluations, checkpoints and the end, in order
 */
public record TrainingConfig(int epochs, int maxSteps, int gradientAccumulationSteps, double maxGradNorm,
        LearningRateSchedule schedule, AdamWConfig adamW, int evalEverySteps, EarlyStopping earlyStopping,
        Path checkpointDir, int checkpointEverySteps, int keepCheckpoints, long seed, NonFinitePolicy onNonFinite,
        Progress progress, List<TrainingListener> listeners) {
    /**
     * Validates the values.
     *
     * @param epochs the number of passes over the data, at least 1
     * @param maxSteps the step limit, -1 for none or at least 1
     * @param gradientAccumulationSteps micro-batches per optimizer step, at least 1
     * @param maxGradNorm the clipping limit, finite and at least 0
     * @param schedule the learning-rate schedule
     * @param adamW the optimizer's hyper-parameters
     * @param evalEverySteps the evaluation interval, at least 0
     * @param earlyStopping the early-stopping rule, or null
     * @param checkpointDir the checkpoint folder, or null
     * @param checkpointEverySteps the checkpoint interval, at least 0
     * @param keepCheckpoints how many step checkpoints to keep, at least 0
     * @param seed the seed
     * @param onNonFinite the non-finite policy
     * @param progress the progress receiver
     * @param listeners the listeners
     * @throws IllegalArgumentException naming the first invalid argument and its value
     */
    public TrainingConfig {
        atLeast(epochs, 1, "epochs");
        if (maxSteps != -1 && maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be -1 (no limit) or at least 1, got " + maxSteps);
        }
        atLeast(gradientAccumulationSteps, 1, "gradientAccumulationSteps");
        if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
            throw new IllegalArgumentException("maxGradNorm must be finite and at least 0, got " + maxGradNorm);
        }
        Checks.notNull(schedule, "schedule");
        Checks.notNull(adamW, "adamW");
        atLeast(evalEverySteps, 0, "evalEverySteps");
        atLeast(checkpointEverySteps, 0, "checkpointEverySteps");
        atLeast(keepCheckpoints, 0, "keepCheckpoints");
        Checks.notNull(onNonFinite, "onNonFinite");
        Checks.notNull(progress, "progress");
        listeners = List.copyOf(Checks.notNull(listeners, "listeners"));
    }

    private static void atLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * Returns the settings that shape the run (not the listeners or progress), by name, for checkpoints and
     * provenance.
     *
     * @return a sorted, unmodifiable map
     */
    public Map<String, String> summary() {
        Map<String, String> m = new TreeMap<>();
        m.put("epochs", String.valueOf(epochs));
        m.put("max_steps", String.valueOf(maxSteps));
        m.put("gradient_accumulation_steps", String.valueOf(gradientAccumulationSteps));
        m.put("max_grad_norm", String.valueOf(maxGradNorm));
        m.put("schedule", schedule.toString());
        m.put("adam_beta1", String.valueOf(adamW.beta1()));
        m.put("adam_beta2", String.valueOf(adamW.beta2()));
        m.put("adam_epsilon", String.valueOf(adamW.eps()));
        m.put("weight_decay", String.valueOf(adamW.weightDecay()));
        m.put("no_decay", adamW.noDecay().toString());
        m.put("eval_every_steps", String.valueOf(evalEverySteps));
        m.put("early_stopping", String.valueOf(earlyStopping));
        m.put("checkpoint_every_steps", String.valueOf(checkpointEverySteps));
        m.put("keep_checkpoints", String.valueOf(keepCheckpoints));
        m.put("seed", String.valueOf(seed));
        m.put("on_non_finite", onNonFinite.name().toLowerCase(Locale.ROOT));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Starts a builder; {@link Builder#setEpochs}, {@link Builder#setSchedule} and {@link Builder#setSeed} are
     * required.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TrainingConfig}: {@code setX} values are required, {@code optX} values optional. */
    public static final class Builder {
        private Integer epochs;
        private int maxSteps = -1;
        private int gradientAccumulationSteps = 1;
        private double maxGradNorm = 1.0;
        private LearningRateSchedule schedule;
        private AdamWConfig adamW = AdamWConfig.builder().build();
        private int evalEverySteps;
        private EarlyStopping earlyStopping;
        private Path checkpointDir;
        private int checkpointEverySteps;
        private int keepCheckpoints = 2;
        private Long seed;
        private NonFinitePolicy onNonFinite = NonFinitePolicy.FAIL;
        private Progress progress = Progress.NONE;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder() {}

        /**
         * Sets the number of epochs.
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the learning-rate schedule.
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder setSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the seed.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets a step limit.
         *
         * @param maxSteps at least 1, or -1 for none
         * @return this builder
         */
        public Builder optMaxSteps(int maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        /**
         * Sets the micro-batches per optimizer step.
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder optGradientAccumulationSteps(int steps) {
            this.gradientAccumulationSteps = steps;
            return this;
        }

        /**
         * Sets the clipping limit.
         *
         * @param maxGradNorm the limit, or 0 for no clipping
         * @return this builder
         */
        public Builder optMaxGradNorm(double maxGradNorm) {
            this.maxGradNorm = maxGradNorm;
            return this;
        }

        /**
         * Sets the optimizer's hyper-parameters.
         *
         * @param adamW the config
         * @return this builder
         */
        public Builder optAdamW(AdamWConfig adamW) {
            this.adamW = adamW;
            return this;
        }

        /**
         * Sets the evaluation interval.
         *
         * @param steps the interval, or 0 for once per epoch
         * @return this builder
         */
        public Builder optEvalEverySteps(int steps) {
            this.evalEverySteps = steps;
            return this;
        }

        /**
         * Sets the early-stopping rule.
         *
         * @param earlyStopping the rule, or null for none
         * @return this builder
         */
        public Builder optEarlyStopping(EarlyStopping earlyStopping) {
            this.earlyStopping = earlyStopping;
            return this;
        }

        /**
         * Sets the checkpoint folder.
         *
         * @param dir the folder, or null for no checkpoints
         * @return this builder
         */
        public Builder optCheckpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /**
         * Sets the checkpoint interval.
         *
         * @param steps the interval, or 0 for once per epoch
         * @return this builder
         */
        public Builder optCheckpointEverySteps(int steps) {
            this.checkpointEverySteps = steps;
            return this;
        }

        /**
         * Sets how many step checkpoints to keep.
         *
         * @param keep the count, or 0 to keep all
         * @return this builder
         */
        public Builder optKeepCheckpoints(int keep) {
            this.keepCheckpoints = keep;
            return this;
        }

        /**
         * Sets what a non-finite loss or gradient does.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optOnNonFinite(NonFinitePolicy policy) {
            this.onNonFinite = policy;
            return this;
        }

        /**
         * Sets the progress receiver.
         *
         * @param progress the receiver
         * @return this builder
         */
        public Builder optProgress(Progress progress) {
            this.progress = progress;
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener the listener
         * @return this builder
         * @throws IllegalArgumentException when it is null
         */
        public Builder addListener(TrainingListener listener) {
            listeners.add(Checks.notNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException when a required value is missing or a value is invalid; the message names
         *     it
         */
        public TrainingConfig build() {
            if (epochs == null) {
                throw new IllegalArgumentException("epochs is required; call setEpochs");
            }
            if (seed == null) {
                throw new IllegalArgumentException("seed is required; call setSeed");
            }
            if (schedule == null) {
                throw new IllegalArgumentException("schedule is required; call setSchedule");
            }
            return new TrainingConfig(epochs, maxSteps, gradientAccumulationSteps, maxGradNorm, schedule, adamW,
                    evalEverySteps, earlyStopping, checkpointDir, checkpointEverySteps, keepCheckpoints, seed,
                    onNonFinite, progress, listeners);
        }
    }
}
