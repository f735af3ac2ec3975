package org.tcmrx.dpo;

import java.nio.file.Path;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.LoraConfig;

/** Builds a {@link DpoConfig}; every value starts at its default and is validated by {@link #build()}. */
public final class DpoConfigBuilder {
    private LoraConfig lora = LoraConfig.defaults();
    private ChatTemplate chatTemplate = ChatTemplate.qwen25();
    private DpoLoss.Type lossType = DpoLoss.Type.SIGMOID;
    private double beta = 0.1;
    private double labelSmoothing;
    private ReferenceMode referenceMode = ReferenceMode.ADAPTER_DISABLED;
    private boolean disableDropout = true;
    private int epochs = 3;
    private int maxSteps = -1;
    private int batchSize = 4;
    private int gradientAccumulationSteps = 1;
    private double learningRate = 1e-6;
    private double warmupRatio;
    private String lrSchedulerType = DpoConfig.LINEAR;
    private double weightDecay;
    private double maxGradNorm = 1.0;
    private int maxPromptLength = 512;
    private int maxLength = 1024;
    private long seed = 42;
    private Path outputDir;
    private int saveSteps;
    private int saveTotalLimit = 2;
    private int evalSteps;
    private int earlyStoppingPatience;

    DpoConfigBuilder() {}

    /**
     * Sets the adapter added to a model that has none; see {@link DpoConfig#lora()}.
     *
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException when {@code value} is null
     */
    public DpoConfigBuilder optLora(LoraConfig value) {
        if (value == null) {
            throw new IllegalArgumentException("lora must not be null");
        }
        this.lora = value;
        return this;
    }

    /**
     * Sets the chat template of the prompts; see {@link DpoConfig#chatTemplate()}.
     *
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException when {@code value} is null
     */
    public DpoConfigBuilder optChatTemplate(ChatTemplate value) {
        if (value == null) {
            throw new IllegalArgumentException("chatTemplate must not be null");
        }
        this.chatTemplate = value;
        return this;
    }

    /**
     * Sets the loss; see {@link DpoConfig#lossType()}.
     *
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException when {@code value} is null
     */
    public DpoConfigBuilder optLossType(DpoLoss.Type value) {
        if (value == null) {
            throw new IllegalArgumentException("lossType must not be null");
        }
        this.lossType = value;
        return this;
    }

    /**
     * Sets the temperature {@code beta}; see {@link DpoConfig#beta()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optBeta(double value) {
        this.beta = value;
        return this;
    }

    /**
     * Sets the label smoothing of the sigmoid loss; see {@link DpoConfig#labelSmoothing()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optLabelSmoothing(double value) {
        this.labelSmoothing = value;
        return this;
    }

    /**
     * Sets where the reference log-probabilities come from; see {@link DpoConfig#referenceMode()}.
     *
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException when {@code value} is null
     */
    public DpoConfigBuilder optReferenceMode(ReferenceMode value) {
        if (value == null) {
            throw new IllegalArgumentException("referenceMode must not be null");
        }
        this.referenceMode = value;
        return this;
    }

    /**
     * Sets whether the policy runs without dropout; see {@link DpoConfig#disableDropout()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optDisableDropout(boolean value) {
        this.disableDropout = value;
        return this;
    }

    /**
     * Sets the passes over the pairs; see {@link DpoConfig#epochs()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optEpochs(int value) {
        this.epochs = value;
        return this;
    }

    /**
     * Sets the step limit, -1 for none; see {@link DpoConfig#maxSteps()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optMaxSteps(int value) {
        this.maxSteps = value;
        return this;
    }

    /**
     * Sets the pairs per micro-batch; see {@link DpoConfig#batchSize()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optBatchSize(int value) {
        this.batchSize = value;
        return this;
    }

    /**
     * Sets the micro-batches per optimizer step; see {@link DpoConfig#gradientAccumulationSteps()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optGradientAccumulationSteps(int value) {
        this.gradientAccumulationSteps = value;
        return this;
    }

    /**
     * Sets the peak learning rate; see {@link DpoConfig#learningRate()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optLearningRate(double value) {
        this.learningRate = value;
        return this;
    }

    /**
     * Sets the share of warmup steps; see {@link DpoConfig#warmupRatio()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optWarmupRatio(double value) {
        this.warmupRatio = value;
        return this;
    }

    /**
     * Sets linear, cosine or constant; see {@link DpoConfig#lrSchedulerType()}.
     *
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException when {@code value} is null
     */
    public DpoConfigBuilder optLrSchedulerType(String value) {
        if (value == null) {
            throw new IllegalArgumentException("lrSchedulerType must not be null");
        }
        this.lrSchedulerType = value;
        return this;
    }

    /**
     * Sets AdamW's weight decay; see {@link DpoConfig#weightDecay()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optWeightDecay(double value) {
        this.weightDecay = value;
        return this;
    }

    /**
     * Sets the clipping limit, 0 for none; see {@link DpoConfig#maxGradNorm()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optMaxGradNorm(double value) {
        this.maxGradNorm = value;
        return this;
    }

    /**
     * Sets the longest tokenized prompt; see {@link DpoConfig#maxPromptLength()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optMaxPromptLength(int value) {
        this.maxPromptLength = value;
        return this;
    }

    /**
     * Sets the longest prompt plus completion; see {@link DpoConfig#maxLength()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optMaxLength(int value) {
        this.maxLength = value;
        return this;
    }

    /**
     * Sets the seed; see {@link DpoConfig#seed()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optSeed(long value) {
        this.seed = value;
        return this;
    }

    /**
     * Sets the output folder, null for a temporary one; see {@link DpoConfig#outputDir()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optOutputDir(Path value) {
        this.outputDir = value;
        return this;
    }

    /**
     * Sets the checkpoint interval, 0 for every epoch; see {@link DpoConfig#saveSteps()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optSaveSteps(int value) {
        this.saveSteps = value;
        return this;
    }

    /**
     * Sets the checkpoints kept, 0 for all; see {@link DpoConfig#saveTotalLimit()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optSaveTotalLimit(int value) {
        this.saveTotalLimit = value;
        return this;
    }

    /**
     * Sets the evaluation interval, 0 for every epoch; see {@link DpoConfig#evalSteps()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optEvalSteps(int value) {
        this.evalSteps = value;
        return this;
    }

    /**
     * Sets the evaluations without improvement before stopping, 0 for never; see
     * {@link DpoConfig#earlyStoppingPatience()}.
     *
     * @param value the value
     * @return this builder
     */
    public DpoConfigBuilder optEarlyStoppingPatience(int value) {
        this.earlyStoppingPatience = value;
        return this;
    }

    /**
     * Validates and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first invalid value
     */
    public DpoConfig build() {
        return new DpoConfig(lora, chatTemplate, lossType, beta, labelSmoothing, referenceMode, disableDropout,
                epochs, maxSteps, batchSize, gradientAccumulationSteps, learningRate, warmupRatio, lrSchedulerType,
                weightDecay, maxGradNorm, maxPromptLength, maxLength, seed, outputDir, saveSteps, saveTotalLimit,
                evalSteps, earlyStoppingPatience);
    }
}
