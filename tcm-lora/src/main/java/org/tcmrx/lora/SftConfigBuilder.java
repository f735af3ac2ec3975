package org.tcmrx.lora;

import java.nio.file.Path;

/** Builds an {@link SftConfig}; every value starts at its default and is validated by {@link #build()}. */
public final class SftConfigBuilder {
    private LoraConfig lora = LoraConfig.defaults();
    private ChatTemplate chatTemplate = ChatTemplate.qwen25();
    private int epochs = 3;
    private int maxSteps = -1;
    private int batchSize = 8;
    private int gradientAccumulationSteps = 1;
    private double learningRate = 2e-5;
    private double warmupRatio;
    private String lrSchedulerType = SftConfig.COSINE;
    private double weightDecay;
    private double maxGradNorm = 1.0;
    private int maxLength = 1024;
    private long seed = 42;
    private Path outputDir;
    private int saveSteps;
    private int saveTotalLimit = 2;
    private int evalSteps;
    private int earlyStoppingPatience;

    SftConfigBuilder() {}

    /**
     * Trains a LoRA adapter on the frozen model (the default, with {@link LoraConfig#defaults()}).
     *
     * @param value the adapter's configuration
     * @return this builder
     */
    public SftConfigBuilder optLora(LoraConfig value) {
        if (value == null) {
            throw new IllegalArgumentException("lora must not be null; use optFullParameters() to train every "
                    + "weight");
        }
        this.lora = value;
        return this;
    }

    /**
     * Trains every weight of the model instead of an adapter.
     *
     * @return this builder
     */
    public SftConfigBuilder optFullParameters() {
        this.lora = null;
        return this;
    }

    /**
     * Sets the chat template.
     *
     * @param value the template
     * @return this builder
     */
    public SftConfigBuilder optChatTemplate(ChatTemplate value) {
        this.chatTemplate = value;
        return this;
    }

    /**
     * Sets the number of epochs.
     *
     * @param value at least 1
     * @return this builder
     */
    public SftConfigBuilder optEpochs(int value) {
        this.epochs = value;
        return this;
    }

    /**
     * Sets the step limit.
     *
     * @param value -1 for none, or at least 1
     * @return this builder
     */
    public SftConfigBuilder optMaxSteps(int value) {
        this.maxSteps = value;
        return this;
    }

    /**
     * Sets the samples per micro-batch.
     *
     * @param value at least 1
     * @return this builder
     */
    public SftConfigBuilder optBatchSize(int value) {
        this.batchSize = value;
        return this;
    }

    /**
     * Sets the micro-batches per optimizer step.
     *
     * @param value at least 1
     * @return this builder
     */
    public SftConfigBuilder optGradientAccumulationSteps(int value) {
        this.gradientAccumulationSteps = value;
        return this;
    }

    /**
     * Sets the peak learning rate.
     *
     * @param value finite and positive
     * @return this builder
     */
    public SftConfigBuilder optLearningRate(double value) {
        this.learningRate = value;
        return this;
    }

    /**
     * Sets the warmup's share of the steps.
     *
     * @param value in [0, 1]
     * @return this builder
     */
    public SftConfigBuilder optWarmupRatio(double value) {
        this.warmupRatio = value;
        return this;
    }

    /**
     * Sets the decay after the warmup.
     *
     * @param value one of {@link SftConfig#SCHEDULER_TYPES}
     * @return this builder
     */
    public SftConfigBuilder optLrSchedulerType(String value) {
        this.lrSchedulerType = value;
        return this;
    }

    /**
     * Sets the weight decay.
     *
     * @param value finite and at least 0
     * @return this builder
     */
    public SftConfigBuilder optWeightDecay(double value) {
        this.weightDecay = value;
        return this;
    }

    /**
     * Sets the gradient-norm clipping limit.
     *
     * @param value finite and at least 0; 0 disables clipping
     * @return this builder
     */
    public SftConfigBuilder optMaxGradNorm(double value) {
        this.maxGradNorm = value;
        return this;
    }

    /**
     * Sets the longest tokenized sample.
     *
     * @param value at least 2
     * @return this builder
     */
    public SftConfigBuilder optMaxLength(int value) {
        this.maxLength = value;
        return this;
    }

    /**
     * Sets the seed.
     *
     * @param value the seed
     * @return this builder
     */
    public SftConfigBuilder optSeed(long value) {
        this.seed = value;
        return this;
    }

    /**
     * Sets the output folder.
     *
     * @param value the folder, or null for a temporary one
     * @return this builder
     */
    public SftConfigBuilder optOutputDir(Path value) {
        this.outputDir = value;
        return this;
    }

    /**
     * Sets the checkpoint interval.
     *
     * @param value at least 0; 0 checkpoints at every epoch's end
     * @return this builder
     */
    public SftConfigBuilder optSaveSteps(int value) {
        this.saveSteps = value;
        return this;
    }

    /**
     * Sets how many step checkpoints are kept.
     *
     * @param value at least 0; 0 keeps all
     * @return this builder
     */
    public SftConfigBuilder optSaveTotalLimit(int value) {
        this.saveTotalLimit = value;
        return this;
    }

    /**
     * Sets the evaluation interval.
     *
     * @param value at least 0; 0 evaluates at every epoch's end
     * @return this builder
     */
    public SftConfigBuilder optEvalSteps(int value) {
        this.evalSteps = value;
        return this;
    }

    /**
     * Sets the early-stopping patience.
     *
     * @param value at least 0; 0 never stops early
     * @return this builder
     */
    public SftConfigBuilder optEarlyStoppingPatience(int value) {
        this.earlyStoppingPatience = value;
        return this;
    }

    /**
     * Validates and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first invalid value
     */
    public SftConfig build() {
        return new SftConfig(lora, chatTemplate, epochs, maxSteps, batchSize, gradientAccumulationSteps,
                learningRate, warmupRatio, lrSchedulerType, weightDecay, maxGradNorm, maxLength, seed, outputDir,
                saveSteps, saveTotalLimit, evalSteps, earlyStoppingPatience);
    }
}
