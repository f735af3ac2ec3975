package org.tcmrx.bart;

import java.nio.file.Path;
import org.tcmrx.core.internal.Checks;

/**
 * How {@link BartHerbTrainer} builds and trains a symptom → herb BART. Defaults are for SMGCN-sized data on a CPU:
 * d_model 128, 2 + 2 layers, 4 heads, FFN 512 (1.1 M parameters), dropout 0.1, batch 64, peak learning rate 5e-4
 * with 5% warmup and linear decay, weight decay 0.01, clipping at 1.0, early stopping on validation P@5 with
 * patience 3. With a peak of 1e-3 (with or without dropout) some seeds never learned to use the encoder on SMGCN:
 * their validation P@5 stayed at TopPop's. The README's benchmark section has the measurements.
 *
 * <p>By default the model starts from random weights. With an {@link #initCheckpoint()} it starts from a pretrained
 * Hugging Face BART instead ({@link #modelConfig(int, BartConfig)}): the architecture is the checkpoint's
 * {@code config.json}, so {@code dModel}, {@code layers}, {@code heads} and {@code ffnDim} are ignored (they keep
 * their values, and the defaults need not be changed to match the checkpoint), and {@code maxPositions} becomes the
 * least {@code max_position_embeddings} the checkpoint must have.
 *
 * @param dModel the model width ({@code d_model}); ignored with an {@code initCheckpoint}
 * @param layers encoder and decoder layers each; ignored with an {@code initCheckpoint}
 * @param heads attention heads; ignored with an {@code initCheckpoint}
 * @param ffnDim feed-forward width; ignored with an {@code initCheckpoint}
 * @param maxPositions {@code max_position_embeddings}: the longest input or target sequence; with an
 *     {@code initCheckpoint}, the least the checkpoint must have
 * @param herbOrder the order of herbs in the targets
 * @param tongueAndPulse whether tongue and pulse findings are input tokens
 * @param scoring how the finished ranker scores herbs
 * @param epochs the maximum number of epochs
 * @param batchSize examples per step
 * @param learningRate the peak learning rate (linear warmup, then linear decay to 0)
 * @param warmupRatio the share of all steps spent warming up
 * @param weightDecay AdamW's decoupled weight decay (not on biases and LayerNorm weights)
 * @param labelSmoothing label smoothing of the cross-entropy
 * @param setLossWeight weight of {@link HerbSetLoss} (the first decoder step against the whole target set) added
 *     to the sequence loss; 0 trains on the sequence loss alone
 * @param dropout BART's {@code dropout} during training (embeddings and sub-layer outputs; Hugging Face's
 *     {@code BartConfig} default 0.1, with {@code attention_dropout} and {@code activation_dropout} 0)
 * @param maxGradNorm gradient clipping by global norm (0 disables)
 * @param patience validations without a better P@5 before stopping
 * @param checkpointEverySteps write a {@code checkpoint-<step>} folder every this many optimizer steps, the
 *     granularity of a resume after a crash ({@link BartHerbTrainer#resume}); 0 (the default) at every epoch's end
 * @param seed the seed of initialization, data order and herb shuffling
 * @param initCheckpoint a Hugging Face BART folder to start from ({@code config.json} and {@code model.safetensors}
 *     or an index and shards, as {@link BartModel#load} reads it), or null to start from random weights
 */
public record BartHerbTrainingConfig(int dModel, int layers, int heads, int ffnDim, int maxPositions,
        HerbOrder herbOrder, boolean tongueAndPulse, HerbScoring scoring, int epochs, int batchSize,
        double learningRate, double warmupRatio, double weightDecay, double labelSmoothing, double setLossWeight,
        double dropout, double maxGradNorm, int patience, int checkpointEverySteps, long seed, Path initCheckpoint) {
    /**
     * Validates the settings.
     *
     * @param dModel the model width ({@code d_model})
     * @param layers encoder and decoder layers each
     * @param heads attention heads
     * @param ffnDim feed-forward width
     * @param maxPositions {@code max_position_embeddings}
     * @param herbOrder the order of herbs in the targets
     * @param tongueAndPulse whether tongue and pulse findings are input tokens
     * @param scoring how the finished ranker scores herbs
     * @param epochs the maximum number of epochs
     * @param batchSize examples per step
     * @param learningRate the peak learning rate
     * @param warmupRatio the share of all steps spent warming up
     * @param weightDecay AdamW's decoupled weight decay
     * @param labelSmoothing label smoothing of the cross-entropy
     * @param setLossWeight weight of {@link HerbSetLoss} added to the sequence loss
     * @param dropout BART's {@code dropout} during training
     * @param maxGradNorm gradient clipping by global norm
     * @param patience validations without a better P@5 before stopping
     * @param checkpointEverySteps optimizer steps between checkpoints, 0 for every epoch's end
     * @param seed the seed
     * @param initCheckpoint a Hugging Face BART folder to start from, or null for random weights
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public BartHerbTrainingConfig {
        positive(dModel, "dModel");
        positive(layers, "layers");
        positive(heads, "heads");
        positive(ffnDim, "ffnDim");
        positive(maxPositions, "maxPositions");
        positive(epochs, "epochs");
        positive(batchSize, "batchSize");
        positive(patience, "patience");
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("checkpointEverySteps must be at least 0, got " + checkpointEverySteps);
        }
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must divide dModel (" + dModel + ")");
        }
        Checks.notNull(herbOrder, "herbOrder");
        Checks.notNull(scoring, "scoring");
        if (!(learningRate > 0) || !(warmupRatio >= 0 && warmupRatio < 1) || !(weightDecay >= 0)
                || !(labelSmoothing >= 0 && labelSmoothing < 1) || !(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("need learningRate > 0, 0 <= warmupRatio < 1, weightDecay >= 0,"
                    + " 0 <= labelSmoothing < 1, maxGradNorm >= 0; got " + learningRate + ", " + warmupRatio + ", "
                    + weightDecay + ", " + labelSmoothing + ", " + maxGradNorm);
        }
        if (!(setLossWeight >= 0) || Double.isInfinite(setLossWeight)) {
            throw new IllegalArgumentException("setLossWeight must be finite and at least 0, got " + setLossWeight);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /**
     * Returns the default settings.
     *
     * @return the defaults
     */
    public static BartHerbTrainingConfig defaults() {
        return new BartHerbTrainingConfig(128, 2, 4, 512, 128, HerbOrder.RANDOM, true, HerbScoring.FIRST_STEP, 30,
                64, 5e-4, 0.05, 0.01, 0.0, 0.0, 0.1, 1.0, 3, 0, 42, null);
    }

    /**
     * Returns these settings with another seed.
     *
     * @param newSeed the seed
     * @return the settings
     */
    public BartHerbTrainingConfig withSeed(long newSeed) {
        return toBuilder().optSeed(newSeed).build();
    }

    /**
     * Returns a builder holding these settings.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** Builds a {@link BartHerbTrainingConfig}; every setting is optional and validated in {@link #build()}. */
    public static final class Builder {
        private int dModel;
        private int layers;
        private int heads;
        private int ffnDim;
        private int maxPositions;
        private HerbOrder herbOrder;
        private boolean tongueAndPulse;
        private HerbScoring scoring;
        private int epochs;
        private int batchSize;
        private double learningRate;
        private double warmupRatio;
        private double weightDecay;
        private double labelSmoothing;
        private double setLossWeight;
        private double dropout;
        private double maxGradNorm;
        private int patience;
        private int checkpointEverySteps;
        private long seed;
        private Path initCheckpoint;

        private Builder(BartHerbTrainingConfig c) {
            dModel = c.dModel;
            layers = c.layers;
            heads = c.heads;
            ffnDim = c.ffnDim;
            maxPositions = c.maxPositions;
            herbOrder = c.herbOrder;
            tongueAndPulse = c.tongueAndPulse;
            scoring = c.scoring;
            epochs = c.epochs;
            batchSize = c.batchSize;
            learningRate = c.learningRate;
            warmupRatio = c.warmupRatio;
            weightDecay = c.weightDecay;
            labelSmoothing = c.labelSmoothing;
            setLossWeight = c.setLossWeight;
            dropout = c.dropout;
            maxGradNorm = c.maxGradNorm;
            patience = c.patience;
            checkpointEverySteps = c.checkpointEverySteps;
            seed = c.seed;
            initCheckpoint = c.initCheckpoint;
        }

        /**
         * Sets the model's size.
         *
         * @param width {@code d_model}
         * @param layersPerSide encoder and decoder layers each
         * @param attentionHeads attention heads, dividing the width
         * @param feedForward feed-forward width
         * @return this builder
         */
        public Builder optSize(int width, int layersPerSide, int attentionHeads, int feedForward) {
            dModel = width;
            layers = layersPerSide;
            heads = attentionHeads;
            ffnDim = feedForward;
            return this;
        }

        /**
         * Sets {@code max_position_embeddings}.
         *
         * @param value the longest input or target sequence
         * @return this builder
         */
        public Builder optMaxPositions(int value) {
            maxPositions = value;
            return this;
        }

        /**
         * Sets the order of herbs in the targets.
         *
         * @param value the order
         * @return this builder
         */
        public Builder optHerbOrder(HerbOrder value) {
            herbOrder = value;
            return this;
        }

        /**
         * Sets whether tongue and pulse findings are input tokens.
         *
         * @param value the setting
         * @return this builder
         */
        public Builder optTongueAndPulse(boolean value) {
            tongueAndPulse = value;
            return this;
        }

        /**
         * Sets how the finished ranker scores herbs.
         *
         * @param value the scoring
         * @return this builder
         */
        public Builder optScoring(HerbScoring value) {
            scoring = value;
            return this;
        }

        /**
         * Sets the maximum number of epochs.
         *
         * @param value the epochs
         * @return this builder
         */
        public Builder optEpochs(int value) {
            epochs = value;
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param value examples per step
         * @return this builder
         */
        public Builder optBatchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * Sets the optimizer's settings.
         *
         * @param peakLearningRate the peak learning rate
         * @param warmup the share of steps spent warming up
         * @param decay AdamW's weight decay
         * @return this builder
         */
        public Builder optOptimizer(double peakLearningRate, double warmup, double decay) {
            learningRate = peakLearningRate;
            warmupRatio = warmup;
            weightDecay = decay;
            return this;
        }

        /**
         * Sets the label smoothing.
         *
         * @param value the smoothing in {@code [0, 1)}
         * @return this builder
         */
        public Builder optLabelSmoothing(double value) {
            labelSmoothing = value;
            return this;
        }

        /**
         * Sets the weight of {@link HerbSetLoss}, added to the sequence loss.
         *
         * @param value a weight of at least 0; 0 trains on the sequence loss alone
         * @return this builder
         */
        public Builder optSetLossWeight(double value) {
            setLossWeight = value;
            return this;
        }

        /**
         * Sets BART's {@code dropout} during training.
         *
         * @param value a rate in {@code [0, 1)}; 0 trains without dropout
         * @return this builder
         */
        public Builder optDropout(double value) {
            dropout = value;
            return this;
        }

        /**
         * Sets gradient clipping.
         *
         * @param value the maximum global norm, 0 to disable
         * @return this builder
         */
        public Builder optMaxGradNorm(double value) {
            maxGradNorm = value;
            return this;
        }

        /**
         * Sets early stopping's patience.
         *
         * @param value validations without a better P@5
         * @return this builder
         */
        public Builder optPatience(int value) {
            patience = value;
            return this;
        }

        /**
         * Sets how often a checkpoint is written, the most steps a crashed run loses.
         *
         * @param value optimizer steps between checkpoints; 0 writes one at every epoch's end
         * @return this builder
         */
        public Builder optCheckpointEverySteps(int value) {
            checkpointEverySteps = value;
            return this;
        }

        /**
         * Sets the seed.
         *
         * @param value the seed
         * @return this builder
         */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /**
         * Starts training from a pretrained Hugging Face BART instead of random weights. Its {@code config.json}
         * decides the architecture, and the size set by {@link #optSize} is ignored; {@link #optMaxPositions} is
         * the least {@code max_position_embeddings} it must have. The folder is read when training starts.
         *
         * @param value the folder ({@code config.json} and {@code model.safetensors}, or an index and shards), or
         *     null to start from random weights
         * @return this builder
         */
        public Builder optInitCheckpoint(Path value) {
            initCheckpoint = value;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public BartHerbTrainingConfig build() {
            return new BartHerbTrainingConfig(dModel, layers, heads, ffnDim, maxPositions, herbOrder,
                    tongueAndPulse, scoring, epochs, batchSize, learningRate, warmupRatio, weightDecay,
                    labelSmoothing, setLossWeight, dropout, maxGradNorm, patience, checkpointEverySteps, seed,
                    initCheckpoint);
        }
    }

    /**
     * Returns the BART configuration of a randomly initialized model for a vocabulary; {@link #initCheckpoint()} is
     * not consulted.
     *
     * @param vocabSize the tokenizer's size
     * @return the model configuration, with the tokenizer's special ids
     */
    public BartConfig modelConfig(int vocabSize) {
        return herbVocabulary(BartConfig.builder()
                .optDModel(dModel)
                .optEncoderLayers(layers)
                .optDecoderLayers(layers)
                .optEncoderAttentionHeads(heads)
                .optDecoderAttentionHeads(heads)
                .optEncoderFfnDim(ffnDim)
                .optDecoderFfnDim(ffnDim)
                .optMaxPositionEmbeddings(maxPositions), vocabSize);
    }

    /**
     * Returns the BART configuration of a model started from a pretrained checkpoint: the checkpoint's architecture
     * (every key of its {@code config.json} that shapes a weight or the computation, {@code max_position_embeddings}
     * and {@code init_std} included) with the tokenizer's vocabulary and special ids and this configuration's
     * dropout, set as {@link #modelConfig(int)} sets them.
     *
     * @param vocabSize the tokenizer's size
     * @param pretrained the checkpoint's configuration
     * @return the model configuration
     * @throws IllegalArgumentException when {@code pretrained} is null or its {@code max_position_embeddings} is
     *     less than {@link #maxPositions()}
     */
    public BartConfig modelConfig(int vocabSize, BartConfig pretrained) {
        Checks.notNull(pretrained, "pretrained");
        if (pretrained.maxPositionEmbeddings() < maxPositions) {
            throw new IllegalArgumentException("pretrained: max_position_embeddings "
                    + pretrained.maxPositionEmbeddings() + " is less than maxPositions " + maxPositions);
        }
        return herbVocabulary(pretrained.toBuilder(), vocabSize);
    }

    /**
     * Sets what the herb task decides whatever the architecture: the vocabulary, the tokenizer's special ids (nothing
     * forced: the ranker constrains decoding itself) and the dropout rates. Only {@code dropout} applies while
     * training; attention and activation dropout are off (Hugging Face's {@code BartConfig} defaults) even where a
     * checkpoint's {@code config.json} sets them, so that a dropout of 0 trains without dropout on either path.
     */
    private BartConfig herbVocabulary(BartConfigBuilder builder, int vocabSize) {
        return builder
                .optVocabSize(vocabSize)
                .optDropout(dropout)
                .optAttentionDropout(0)
                .optActivationDropout(0)
                .optPadTokenId(HerbTokenizer.PAD)
                .optBosTokenId(HerbTokenizer.BOS)
                .optEosTokenId(HerbTokenizer.EOS)
                .optDecoderStartTokenId(HerbTokenizer.EOS)
                .optForcedBosTokenId(null)
                .optForcedEosTokenId(null)
                .build();
    }
}
