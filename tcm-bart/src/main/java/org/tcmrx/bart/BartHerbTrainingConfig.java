package org.tcmrx.bart;

import org.tcmrx.core.internal.Checks;

/**
 * How {@link BartHerbTrainer} builds and trains a symptom → herb BART. Defaults are for SMGCN-sized data on a CPU.
 *
 * @param dModel the model width ({@code d_model})
 * @param layers encoder and decoder layers each
 * @param heads attention heads
 * @param ffnDim feed-forward width
 * @param maxPositions {@code max_position_embeddings}: the longest input or target sequence
 * @param herbOrder the order of herbs in the targets
 * @param tongueAndPulse whether tongue and pulse findings are input tokens
 * @param scoring how the finished ranker scores herbs
 * @param epochs the maximum number of epochs
 * @param batchSize examples per step
 * @param learningRate the peak learning rate (linear warmup, then linear decay to 0)
 * @param warmupRatio the share of all steps spent warming up
 * @param weightDecay AdamW's decoupled weight decay (not on biases and LayerNorm weights)
 * @param labelSmoothing label smoothing of the cross-entropy
 * @param maxGradNorm gradient clipping by global norm (0 disables)
 * @param patience validations without a better P@5 before stopping
 * @param seed the seed of initialization, data order and herb shuffling
 */
public record BartHerbTrainingConfig(int dModel, int layers, int heads, int ffnDim, int maxPositions,
        HerbOrder herbOrder, boolean tongueAndPulse, HerbScoring scoring, int epochs, int batchSize,
        double learningRate, double warmupRatio, double weightDecay, double labelSmoothing, double maxGradNorm,
        int patience, long seed) {
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
     * @param maxGradNorm gradient clipping by global norm
     * @param patience validations without a better P@5 before stopping
     * @param seed the seed
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
        return new BartHerbTrainingConfig(256, 2, 4, 1024, 128, HerbOrder.RANDOM, true, HerbScoring.FIRST_STEP, 30,
                64, 1e-3, 0.05, 0.01, 0.0, 1.0, 3, 42);
    }

    /**
     * Returns these settings with another seed.
     *
     * @param newSeed the seed
     * @return the settings
     */
    public BartHerbTrainingConfig withSeed(long newSeed) {
        return new BartHerbTrainingConfig(dModel, layers, heads, ffnDim, maxPositions, herbOrder, tongueAndPulse,
                scoring, epochs, batchSize, learningRate, warmupRatio, weightDecay, labelSmoothing, maxGradNorm,
                patience, newSeed);
    }

    /**
     * Returns these settings with another size and length, for small tests and the embedded corpus.
     *
     * @param newDModel the width
     * @param newLayers layers per side
     * @param newFfnDim feed-forward width
     * @param newEpochs epochs
     * @param newBatchSize batch size
     * @return the settings
     */
    public BartHerbTrainingConfig withSize(int newDModel, int newLayers, int newFfnDim, int newEpochs,
            int newBatchSize) {
        return new BartHerbTrainingConfig(newDModel, newLayers, heads, newFfnDim, maxPositions, herbOrder,
                tongueAndPulse, scoring, newEpochs, newBatchSize, learningRate, warmupRatio, weightDecay,
                labelSmoothing, maxGradNorm, patience, seed);
    }

    /**
     * Returns the BART configuration for a vocabulary.
     *
     * @param vocabSize the tokenizer's size
     * @return the model configuration, with the tokenizer's special ids
     */
    public BartConfig modelConfig(int vocabSize) {
        return BartConfig.builder()
                .optVocabSize(vocabSize)
                .optDModel(dModel)
                .optEncoderLayers(layers)
                .optDecoderLayers(layers)
                .optEncoderAttentionHeads(heads)
                .optDecoderAttentionHeads(heads)
                .optEncoderFfnDim(ffnDim)
                .optDecoderFfnDim(ffnDim)
                .optMaxPositionEmbeddings(maxPositions)
                .optPadTokenId(HerbTokenizer.PAD)
                .optBosTokenId(HerbTokenizer.BOS)
                .optEosTokenId(HerbTokenizer.EOS)
                .optDecoderStartTokenId(HerbTokenizer.EOS)
                .optForcedBosTokenId(null)
                .optForcedEosTokenId(null)
                .build();
    }
}
