package org.tcmrx.lora;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.nn.LearningRateSchedule;
import org.tcmrx.nn.TrainingArguments;

/**
 * How {@link SftTrainer} fine-tunes a {@link Qwen2Model}; names and defaults follow TRL's {@code SFTConfig} and
 * Hugging Face's {@code TrainingArguments} unless said otherwise.
 *
 * @param lora the adapter to train (LoRA mode: the base weights are frozen), or null to train every weight
 *     (full-parameter mode); default {@link LoraConfig#defaults()}
 * @param chatTemplate renders the samples; default {@link ChatTemplate#qwen25()}
 * @param epochs passes over the data ({@code num_train_epochs}); default 3
 * @param maxSteps optimizer steps after which training stops ({@code max_steps}); -1 (the default) for none. The
 *     schedule is laid out over the epochs' steps whatever this is, so a run stopped here and resumed is the run that
 *     was not stopped
 * @param batchSize samples per micro-batch ({@code per_device_train_batch_size}); default 8
 * @param gradientAccumulationSteps micro-batches per optimizer step; default 1
 * @param learningRate the peak learning rate; default 2e-5 ({@code SFTConfig}'s)
 * @param warmupRatio the share of the steps spent warming up linearly from 0 ({@code warmup_ratio}); default 0
 * @param lrSchedulerType {@value #COSINE} (the default; half a cosine from the peak to 0, as most LoRA SFT recipes,
 *     where {@code TrainingArguments} defaults to linear), {@value #LINEAR} or {@value #CONSTANT}
 * @param weightDecay AdamW's decoupled weight decay; default 0
 * @param maxGradNorm the global gradient-norm clipping limit; default 1.0; 0 disables clipping
 * @param maxLength the longest tokenized sample ({@code max_length}); default 1024. A longer sample is truncated from
 *     the end ({@code truncation_mode="keep_start"}), and skipped when no learnt token is left after the cut; both are
 *     counted in {@link SftResult}
 * @param seed the seed of the adapter's initialisation, the data order and dropout ({@code seed}); default 42
 * @param outputDir where checkpoints, {@value SftTrainer#METRICS_FILE} and {@value SftTrainer#LOSS_CHART} go
 *     ({@code output_dir}); null (the default) for a fresh temporary folder
 * @param saveSteps write a checkpoint every this many steps ({@code save_steps}); 0 (the default) at every epoch's end
 * @param saveTotalLimit how many {@code checkpoint-<step>} folders to keep ({@code save_total_limit}); default 2; 0
 *     keeps all
 * @param evalSteps evaluate every this many steps ({@code eval_steps}); 0 (the default) at every epoch's end
 * @param earlyStoppingPatience evaluations without a lower {@code eval_loss} before stopping
 *     ({@code early_stopping_patience}); 0 (the default) never stops. With validation samples the best model by
 *     {@code eval_loss} is always restored at the end ({@code load_best_model_at_end})
 */
public record SftConfig(LoraConfig lora, ChatTemplate chatTemplate, int epochs, int maxSteps, int batchSize,
        int gradientAccumulationSteps, double learningRate, double warmupRatio, String lrSchedulerType,
        double weightDecay, double maxGradNorm, int maxLength, long seed, Path outputDir, int saveSteps,
        int saveTotalLimit, int evalSteps, int earlyStoppingPatience) {
    /** Linear warmup, then half a cosine down to 0. */
    public static final String COSINE = TrainingArguments.COSINE;
    /** Linear warmup, then a linear decay to 0. */
    public static final String LINEAR = TrainingArguments.LINEAR;
    /** Linear warmup, then the peak rate throughout. */
    public static final String CONSTANT = TrainingArguments.CONSTANT;
    /** The accepted {@code lr_scheduler_type} values. */
    public static final List<String> SCHEDULER_TYPES = List.of(COSINE, LINEAR, CONSTANT);

    /**
     * Validates the values.
     *
     * @param lora the adapter, or null for full-parameter mode
     * @param chatTemplate the template
     * @param epochs at least 1
     * @param maxSteps -1 or at least 1
     * @param batchSize at least 1
     * @param gradientAccumulationSteps at least 1
     * @param learningRate finite and positive
     * @param warmupRatio in [0, 1]
     * @param lrSchedulerType one of {@link #SCHEDULER_TYPES}
     * @param weightDecay finite and at least 0
     * @param maxGradNorm finite and at least 0
     * @param maxLength at least 2 (a token and the one it predicts)
     * @param seed the seed
     * @param outputDir the output folder, or null
     * @param saveSteps at least 0
     * @param saveTotalLimit at least 0
     * @param evalSteps at least 0
     * @param earlyStoppingPatience at least 0
     * @throws IllegalArgumentException naming the first invalid value
     */
    public SftConfig {
        if (chatTemplate == null) {
            throw new IllegalArgumentException("chatTemplate must not be null");
        }
        // Checked before TrainingArguments does, so that the message lists SFT's default first.
        if (lrSchedulerType == null || !SCHEDULER_TYPES.contains(lrSchedulerType)) {
            throw new IllegalArgumentException("lrSchedulerType: unsupported value '" + lrSchedulerType
                    + "'; supported: " + String.join(", ", SCHEDULER_TYPES));
        }
        // Validates the settings shared with TrainingArguments; arguments() cannot yet, the fields being unset.
        new TrainingArguments(epochs, maxSteps, batchSize, gradientAccumulationSteps, learningRate, warmupRatio,
                lrSchedulerType, weightDecay, maxGradNorm, seed, outputDir, saveSteps, saveTotalLimit, evalSteps,
                earlyStoppingPatience);
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
    }

    /**
     * Returns the settings shared with Hugging Face's {@code TrainingArguments}, which validate, schedule and
     * summarize them and start the training loop's config.
     *
     * @return the training arguments
     */
    public TrainingArguments arguments() {
        return new TrainingArguments(epochs, maxSteps, batchSize, gradientAccumulationSteps, learningRate,
                warmupRatio, lrSchedulerType, weightDecay, maxGradNorm, seed, outputDir, saveSteps, saveTotalLimit,
                evalSteps, earlyStoppingPatience);
    }

    /**
     * Tells whether only a LoRA adapter trains.
     *
     * @return true in LoRA mode, false in full-parameter mode
     */
    public boolean isLora() {
        return lora != null;
    }

    /**
     * Builds the learning-rate schedule of a run.
     *
     * @param totalSteps the optimizer steps of all epochs, at least 1
     * @return warmup over {@code round(warmupRatio * totalSteps)} steps, then the decay of {@link #lrSchedulerType()}
     */
    public LearningRateSchedule schedule(int totalSteps) {
        return arguments().schedule(totalSteps);
    }

    /**
     * Returns the settings by Hugging Face's names, for provenance.
     *
     * @return a sorted, unmodifiable map
     */
    public Map<String, String> summary() {
        Map<String, String> m = new TreeMap<>(arguments().summary());
        m.put("mode", isLora() ? "lora" : "full");
        m.put("lora_r", isLora() ? String.valueOf(lora.r()) : "-");
        m.put("lora_alpha", isLora() ? String.valueOf(lora.loraAlpha()) : "-");
        m.put("lora_dropout", isLora() ? String.valueOf(lora.loraDropout()) : "-");
        m.put("target_modules", isLora() ? String.valueOf(lora.targetModules()) : "-");
        m.put("default_system_message", String.valueOf(chatTemplate.defaultSystemMessage()));
        m.put("max_length", String.valueOf(maxLength));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Starts a builder at the defaults.
     *
     * @return a builder
     */
    public static SftConfigBuilder builder() {
        return new SftConfigBuilder();
    }
}
