package org.tcmrx.nn;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run settings a trainer's config shares with Hugging Face's {@code TrainingArguments}, by its names: how long
 * to train, the batch, the learning rate and its schedule, the optimizer's decay and clipping, the seed, and where and
 * how often to checkpoint and evaluate. A trainer's own config (SFT's, DPO's) holds these beside its own options and
 * hands them to the {@link TrainingLoop} through {@link #loopConfigBuilder}. There are no defaults here: TRL's
 * {@code SFTConfig} and {@code DPOConfig} pick different ones, so each config keeps its own.
 *
 * @param epochs passes over the data ({@code num_train_epochs})
 * @param maxSteps optimizer steps after which training stops ({@code max_steps}); -1 for none. The schedule is laid
 *     out over the epochs' steps whatever this is, so a run stopped here and resumed is the run that was not stopped
 * @param batchSize examples per micro-batch ({@code per_device_train_batch_size})
 * @param gradientAccumulationSteps micro-batches per optimizer step ({@code gradient_accumulation_steps})
 * @param learningRate the peak learning rate ({@code learning_rate})
 * @param warmupRatio the share of the steps spent warming up linearly from 0 ({@code warmup_ratio})
 * @param lrSchedulerType what follows the warmup ({@code lr_scheduler_type}): {@value #LINEAR}, {@value #COSINE} or
 *     {@value #CONSTANT}
 * @param weightDecay AdamW's decoupled weight decay ({@code weight_decay})
 * @param maxGradNorm the global gradient-norm clipping limit ({@code max_grad_norm}); 0 disables clipping
 * @param seed the seed of the data order and of every step ({@code seed})
 * @param outputDir where the run writes ({@code output_dir}); null for a folder the trainer picks
 * @param saveSteps write a checkpoint every this many steps ({@code save_steps}); 0 at every epoch's end
 * @param saveTotalLimit how many {@code checkpoint-<step>} folders to keep ({@code save_total_limit}); 0 keeps all
 * @param evalSteps evaluate every this many steps ({@code eval_steps}); 0 at every epoch's end
 * @param earlyStoppingPatience evaluations without improvement before stopping ({@code early_stopping_patience}); 0
 *     never stops
 */
public record TrainingArguments(int epochs, int maxSteps, int batchSize, int gradientAccumulationSteps,
        double learningRate, double warmupRatio, String lrSchedulerType, double weightDecay, double maxGradNorm,
        long seed, Path outputDir, int saveSteps, int saveTotalLimit, int evalSteps, int earlyStoppingPatience) {
    /** Linear warmup, then a linear decay to 0 ({@code get_linear_schedule_with_warmup}). */
    public static final String LINEAR = "linear";
    /** Linear warmup, then half a cosine down to 0 ({@code get_cosine_schedule_with_warmup}). */
    public static final String COSINE = "cosine";
    /** Linear warmup, then the peak rate throughout ({@code get_constant_schedule_with_warmup}). */
    public static final String CONSTANT = "constant";
    /** The accepted {@code lr_scheduler_type} values, in the order of Hugging Face's {@code SchedulerType}. */
    public static final List<String> SCHEDULER_TYPES = List.of(LINEAR, COSINE, CONSTANT);

    /**
     * Validates the values.
     *
     * @param epochs at least 1
     * @param maxSteps -1 or at least 1
     * @param batchSize at least 1
     * @param gradientAccumulationSteps at least 1
     * @param learningRate finite and positive
     * @param warmupRatio in [0, 1]
     * @param lrSchedulerType one of {@link #SCHEDULER_TYPES}
     * @param weightDecay finite and at least 0
     * @param maxGradNorm finite and at least 0
     * @param seed the seed
     * @param outputDir the output folder, or null
     * @param saveSteps at least 0
     * @param saveTotalLimit at least 0
     * @param evalSteps at least 0
     * @param earlyStoppingPatience at least 0
     * @throws IllegalArgumentException naming the first invalid value
     */
    public TrainingArguments {
        atLeast(epochs, 1, "epochs");
        if (maxSteps != -1 && maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be -1 (no limit) or at least 1, got " + maxSteps);
        }
        atLeast(batchSize, 1, "batchSize");
        atLeast(gradientAccumulationSteps, 1, "gradientAccumulationSteps");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and positive, got " + learningRate);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warmupRatio must be in [0, 1], got " + warmupRatio);
        }
        if (lrSchedulerType == null || !SCHEDULER_TYPES.contains(lrSchedulerType)) {
            throw new IllegalArgumentException("lrSchedulerType: unsupported value '" + lrSchedulerType
                    + "'; supported: " + String.join(", ", SCHEDULER_TYPES));
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and at least 0, got " + weightDecay);
        }
        if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
            throw new IllegalArgumentException("maxGradNorm must be finite and at least 0, got " + maxGradNorm);
        }
        atLeast(saveSteps, 0, "saveSteps");
        atLeast(saveTotalLimit, 0, "saveTotalLimit");
        atLeast(evalSteps, 0, "evalSteps");
        atLeast(earlyStoppingPatience, 0, "earlyStoppingPatience");
    }

    private static void atLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * Builds the learning-rate schedule of a run.
     *
     * @param totalSteps the optimizer steps of all epochs, at least 1
     * @return warmup over {@code round(warmupRatio * totalSteps)} steps, then the decay of {@link #lrSchedulerType()}
     * @throws IllegalArgumentException when {@code totalSteps} is less than 1 (a decaying schedule needs an end)
     */
    public LearningRateSchedule schedule(int totalSteps) {
        int warmup = (int) Math.round(warmupRatio * totalSteps);
        return switch (lrSchedulerType) {
            case COSINE -> LearningRateSchedule.cosineWithWarmup(learningRate, warmup, totalSteps);
            case LINEAR -> LearningRateSchedule.linearWithWarmup(learningRate, warmup, totalSteps);
            // No warmup: get_constant_schedule, Hugging Face's "constant" proper.
            default -> warmup == 0 ? LearningRateSchedule.constant(learningRate)
                    : LearningRateSchedule.constantWithWarmup(learningRate, warmup);
        };
    }

    /**
     * Returns the optimizer steps of one epoch.
     *
     * @param trainExamples the training examples, at least 1
     * @return {@code ceil(ceil(trainExamples / batchSize) / gradientAccumulationSteps)}: the loop's last step of an
     *     epoch takes the micro-batches that are left, as its last micro-batch takes the examples that are left
     * @throws IllegalArgumentException when {@code trainExamples} is less than 1
     */
    public int stepsPerEpoch(int trainExamples) {
        atLeast(trainExamples, 1, "trainExamples");
        int batches = (trainExamples + batchSize - 1) / batchSize;
        return (batches + gradientAccumulationSteps - 1) / gradientAccumulationSteps;
    }

    /**
     * Starts the {@link TrainingLoop}'s config of a run on these settings: the epochs, the schedule laid out over all
     * epochs' steps, the seed, the step limit, accumulation, clipping, AdamW's weight decay (its other
     * hyper-parameters at their defaults), the evaluation interval, and the checkpoints. The caller adds its progress
     * and listeners and builds it.
     *
     * @param trainExamples the training examples, at least 1; they give the steps of an epoch
     *     ({@link #stepsPerEpoch})
     * @param checkpointDir where {@code checkpoint-<step>} and {@code best} go: {@link #outputDir()}, or the folder
     *     the trainer picked when that is null
     * @param evalMetric the validation loss that picks {@code best} and stops the run after
     *     {@link #earlyStoppingPatience()} evaluations without a lower value, e.g. {@code eval_loss}; null when the run
     *     has no validation data
     * @return a builder holding these settings
     * @throws IllegalArgumentException when {@code trainExamples} is less than 1, or {@code evalMetric} is blank
     */
    public TrainingConfig.Builder loopConfigBuilder(int trainExamples, Path checkpointDir, String evalMetric) {
        TrainingConfig.Builder loop = TrainingConfig.builder()
                .setEpochs(epochs)
                .setSchedule(schedule(stepsPerEpoch(trainExamples) * epochs))
                .setSeed(seed)
                .optMaxSteps(maxSteps)
                .optGradientAccumulationSteps(gradientAccumulationSteps)
                .optMaxGradNorm(maxGradNorm)
                .optAdamW(AdamWConfig.builder().optWeightDecay(weightDecay).build())
                .optEvalEverySteps(evalSteps)
                .optCheckpointDir(checkpointDir)
                .optCheckpointEverySteps(saveSteps)
                .optKeepCheckpoints(saveTotalLimit);
        if (evalMetric != null) {
            loop.optEarlyStopping(new EarlyStopping(evalMetric, EarlyStopping.Mode.MIN, earlyStoppingPatience, 0.0));
        }
        return loop;
    }

    /**
     * Returns the settings by Hugging Face's names, for provenance. {@code output_dir} and {@code save_total_limit}
     * are left out: they say where the run writes and what it deletes, not how it trains.
     *
     * @return a sorted, unmodifiable map
     */
    public Map<String, String> summary() {
        Map<String, String> m = new TreeMap<>();
        m.put("num_train_epochs", String.valueOf(epochs));
        m.put("max_steps", String.valueOf(maxSteps));
        m.put("per_device_train_batch_size", String.valueOf(batchSize));
        m.put("gradient_accumulation_steps", String.valueOf(gradientAccumulationSteps));
        m.put("learning_rate", String.valueOf(learningRate));
        m.put("warmup_ratio", String.valueOf(warmupRatio));
        m.put("lr_scheduler_type", lrSchedulerType);
        m.put("weight_decay", String.valueOf(weightDecay));
        m.put("max_grad_norm", String.valueOf(maxGradNorm));
        m.put("seed", String.valueOf(seed));
        m.put("save_steps", String.valueOf(saveSteps));
        m.put("eval_steps", String.valueOf(evalSteps));
        m.put("early_stopping_patience", String.valueOf(earlyStoppingPatience));
        return Collections.unmodifiableMap(m);
    }
}
