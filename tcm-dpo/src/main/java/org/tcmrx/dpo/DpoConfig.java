package org.tcmrx.dpo;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.LoraConfig;
import org.tcmrx.nn.LearningRateSchedule;
import org.tcmrx.nn.TrainingArguments;

/**
 * How {@link LoraDpoTrainer} aligns a model on preference pairs; names and defaults follow TRL's {@code DPOConfig}
 * (and Hugging Face's {@code TrainingArguments} under it) unless said otherwise.
 *
 * @param lora the adapter to add when the model has none; default {@link LoraConfig#defaults()}. A model that already
 *     has an adapter (an SFT adapter loaded for further training) trains that one and this is not used
 * @param chatTemplate renders the prompts; default {@link ChatTemplate#qwen25()}
 * @param lossType the loss ({@code loss_type}); default {@link DpoLoss.Type#SIGMOID}
 * @param beta the temperature of the implicit reward ({@code beta}); default 0.1
 * @param labelSmoothing the conservative-DPO smoothing of the sigmoid loss ({@code label_smoothing}); default 0
 * @param referenceMode where the reference log-probabilities come from; default {@link ReferenceMode#ADAPTER_DISABLED}
 *     (TRL's behaviour with a PEFT model)
 * @param disableDropout run the policy without dropout ({@code disable_dropout}); default true, so that at the first
 *     step the policy's log-probabilities equal the reference's exactly when they are the same model
 * @param epochs passes over the pairs ({@code num_train_epochs}); default 3
 * @param maxSteps optimizer steps after which training stops ({@code max_steps}); -1 (the default) for none
 * @param batchSize pairs per micro-batch ({@code per_device_train_batch_size}); a micro-batch runs
 *     {@code 2 * batchSize} sequences, the chosen ones then the rejected ones; default 4
 * @param gradientAccumulationSteps micro-batches per optimizer step; default 1
 * @param learningRate the peak learning rate; default 1e-6 ({@code DPOConfig}'s; LoRA usually wants more)
 * @param warmupRatio the share of the steps spent warming up linearly from 0; default 0
 * @param lrSchedulerType {@value #LINEAR} (the default, as {@code TrainingArguments}), {@value #COSINE} or
 *     {@value #CONSTANT}
 * @param weightDecay AdamW's decoupled weight decay; default 0
 * @param maxGradNorm the global gradient-norm clipping limit; default 1.0; 0 disables clipping
 * @param maxPromptLength the longest tokenized prompt ({@code max_prompt_length}); default 512. A longer prompt keeps
 *     its end ({@code truncation_mode="keep_end"}): the findings and the generation prompt
 * @param maxLength the longest prompt plus completion ({@code max_length}); default 1024. A longer completion is cut
 *     at its end; being longer than {@code maxPromptLength}, it always leaves a completion at least one token
 * @param seed the seed of a new adapter's initialisation and of the pair order ({@code seed}); default 42
 * @param outputDir where the checkpoints, the log, the charts, the reference cache and the adapter go
 *     ({@code output_dir}); null (the default) for a fresh temporary folder
 * @param saveSteps write a checkpoint every this many steps; 0 (the default) at every epoch's end
 * @param saveTotalLimit how many {@code checkpoint-<step>} folders to keep; default 2; 0 keeps all
 * @param evalSteps evaluate on the validation pairs every this many steps; 0 (the default) at every epoch's end
 * @param earlyStoppingPatience evaluations without a lower {@code eval_loss} before stopping; 0 (the default) never
 */
public record DpoConfig(LoraConfig lora, ChatTemplate chatTemplate, DpoLoss.Type lossType, double beta,
        double labelSmoothing, ReferenceMode referenceMode, boolean disableDropout, int epochs, int maxSteps,
        int batchSize, int gradientAccumulationSteps, double learningRate, double warmupRatio,
        String lrSchedulerType, double weightDecay, double maxGradNorm, int maxPromptLength, int maxLength,
        long seed, Path outputDir, int saveSteps, int saveTotalLimit, int evalSteps, int earlyStoppingPatience) {
    /** Linear warmup, then a linear decay to 0. */
    public static final String LINEAR = TrainingArguments.LINEAR;
    /** Linear warmup, then half a cosine down to 0. */
    public static final String COSINE = TrainingArguments.COSINE;
    /** Linear warmup, then the peak rate throughout. */
    public static final String CONSTANT = TrainingArguments.CONSTANT;

    /**
     * Validates the values.
     *
     * @param lora the adapter for a model without one
     * @param chatTemplate the template
     * @param lossType the loss
     * @param beta positive and finite
     * @param labelSmoothing in [0, 0.5); 0 unless the loss is sigmoid
     * @param referenceMode the reference
     * @param disableDropout whether the policy runs without dropout
     * @param epochs at least 1
     * @param maxSteps -1 or at least 1
     * @param batchSize at least 1
     * @param gradientAccumulationSteps at least 1
     * @param learningRate finite and positive
     * @param warmupRatio in [0, 1]
     * @param lrSchedulerType linear, cosine or constant
     * @param weightDecay finite and at least 0
     * @param maxGradNorm finite and at least 0
     * @param maxPromptLength at least 1
     * @param maxLength greater than {@code maxPromptLength}
     * @param seed the seed
     * @param outputDir the output folder, or null
     * @param saveSteps at least 0
     * @param saveTotalLimit at least 0
     * @param evalSteps at least 0
     * @param earlyStoppingPatience at least 0
     * @throws IllegalArgumentException naming the first invalid value
     */
    public DpoConfig {
        if (lora == null || chatTemplate == null || lossType == null || referenceMode == null) {
            throw new IllegalArgumentException("lora, chatTemplate, lossType and referenceMode must not be null");
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be positive and finite, got " + beta);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing != 0 && lossType != DpoLoss.Type.SIGMOID) {
            throw new IllegalArgumentException("labelSmoothing applies to the sigmoid loss only; the "
                    + lossType.trlName() + " loss needs 0, got " + labelSmoothing);
        }
        if (maxPromptLength < 1) {
            throw new IllegalArgumentException("maxPromptLength must be at least 1, got " + maxPromptLength);
        }
        if (maxLength <= maxPromptLength) {
            throw new IllegalArgumentException("maxLength must be greater than maxPromptLength (" + maxPromptLength
                    + "), got " + maxLength);
        }
        // Validates the settings shared with TrainingArguments; arguments() cannot yet, the fields being unset.
        new TrainingArguments(epochs, maxSteps, batchSize, gradientAccumulationSteps, learningRate, warmupRatio,
                lrSchedulerType, weightDecay, maxGradNorm, seed, outputDir, saveSteps, saveTotalLimit, evalSteps,
                earlyStoppingPatience);
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
     * Builds the learning-rate schedule of a run.
     *
     * @param totalSteps the optimizer steps of all epochs, at least 1
     * @return warmup over {@code round(warmupRatio * totalSteps)} steps, then the decay of {@link #lrSchedulerType()}
     */
    public LearningRateSchedule schedule(int totalSteps) {
        return arguments().schedule(totalSteps);
    }

    /**
     * Returns the settings by TRL's names, for provenance.
     *
     * @return a sorted, unmodifiable map
     */
    public Map<String, String> summary() {
        Map<String, String> m = new TreeMap<>(arguments().summary());
        m.put("loss_type", lossType.trlName());
        m.put("beta", String.valueOf(beta));
        m.put("label_smoothing", String.valueOf(labelSmoothing));
        m.put("reference", referenceMode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("disable_dropout", String.valueOf(disableDropout));
        m.put("lora_r", String.valueOf(lora.r()));
        m.put("lora_alpha", String.valueOf(lora.loraAlpha()));
        m.put("target_modules", String.valueOf(lora.targetModules()));
        m.put("default_system_message", String.valueOf(chatTemplate.defaultSystemMessage()));
        m.put("max_prompt_length", String.valueOf(maxPromptLength));
        m.put("max_length", String.valueOf(maxLength));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Starts a builder at the defaults.
     *
     * @return a builder
     */
    public static DpoConfigBuilder builder() {
        return new DpoConfigBuilder();
    }
}
