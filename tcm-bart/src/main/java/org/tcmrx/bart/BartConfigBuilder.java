package org.tcmrx.bart;

/**
 * Builds a {@link BartConfig}; every value starts at Hugging Face's default (or at the configuration it was made
 * from) and is validated by {@link #build()}.
 *
 * <pre>{@code
 * BartConfig tiny = BartConfig.builder()
 *         .optVocabSize(300).optDModel(64).optEncoderLayers(2).optDecoderLayers(2)
 *         .optEncoderAttentionHeads(4).optDecoderAttentionHeads(4).optEncoderFfnDim(128).optDecoderFfnDim(128)
 *         .optMaxPositionEmbeddings(64).optPadTokenId(0).optBosTokenId(1).optEosTokenId(2)
 *         .build();
 * }</pre>
 */
public final class BartConfigBuilder {
    private int vocabSize;
    private int dModel;
    private int encoderLayers;
    private int decoderLayers;
    private int encoderAttentionHeads;
    private int decoderAttentionHeads;
    private int encoderFfnDim;
    private int decoderFfnDim;
    private int maxPositionEmbeddings;
    private String activationFunction;
    private boolean scaleEmbedding;
    private int padTokenId;
    private int bosTokenId;
    private int eosTokenId;
    private int decoderStartTokenId;
    private Integer forcedBosTokenId;
    private Integer forcedEosTokenId;
    private boolean normalizeBefore;
    private boolean addFinalLayerNorm;
    private boolean tieWordEmbeddings;
    private double dropout;
    private double attentionDropout;
    private double activationDropout;
    private double classifierDropout;
    private double encoderLayerdrop;
    private double decoderLayerdrop;
    private double initStd;

    BartConfigBuilder(BartConfig from) {
        vocabSize = from.vocabSize();
        dModel = from.dModel();
        encoderLayers = from.encoderLayers();
        decoderLayers = from.decoderLayers();
        encoderAttentionHeads = from.encoderAttentionHeads();
        decoderAttentionHeads = from.decoderAttentionHeads();
        encoderFfnDim = from.encoderFfnDim();
        decoderFfnDim = from.decoderFfnDim();
        maxPositionEmbeddings = from.maxPositionEmbeddings();
        activationFunction = from.activationFunction();
        scaleEmbedding = from.scaleEmbedding();
        padTokenId = from.padTokenId();
        bosTokenId = from.bosTokenId();
        eosTokenId = from.eosTokenId();
        decoderStartTokenId = from.decoderStartTokenId();
        forcedBosTokenId = from.forcedBosTokenId();
        forcedEosTokenId = from.forcedEosTokenId();
        normalizeBefore = from.normalizeBefore();
        addFinalLayerNorm = from.addFinalLayerNorm();
        tieWordEmbeddings = from.tieWordEmbeddings();
        dropout = from.dropout();
        attentionDropout = from.attentionDropout();
        activationDropout = from.activationDropout();
        classifierDropout = from.classifierDropout();
        encoderLayerdrop = from.encoderLayerdrop();
        decoderLayerdrop = from.decoderLayerdrop();
        initStd = from.initStd();
    }

    /**
     * Sets {@code vocab_size}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optVocabSize(int value) {
        vocabSize = value;
        return this;
    }

    /**
     * Sets {@code d_model}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optDModel(int value) {
        dModel = value;
        return this;
    }

    /**
     * Sets {@code encoder_layers}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optEncoderLayers(int value) {
        encoderLayers = value;
        return this;
    }

    /**
     * Sets {@code decoder_layers}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optDecoderLayers(int value) {
        decoderLayers = value;
        return this;
    }

    /**
     * Sets {@code encoder_attention_heads}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optEncoderAttentionHeads(int value) {
        encoderAttentionHeads = value;
        return this;
    }

    /**
     * Sets {@code decoder_attention_heads}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optDecoderAttentionHeads(int value) {
        decoderAttentionHeads = value;
        return this;
    }

    /**
     * Sets {@code encoder_ffn_dim}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optEncoderFfnDim(int value) {
        encoderFfnDim = value;
        return this;
    }

    /**
     * Sets {@code decoder_ffn_dim}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optDecoderFfnDim(int value) {
        decoderFfnDim = value;
        return this;
    }

    /**
     * Sets {@code max_position_embeddings}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optMaxPositionEmbeddings(int value) {
        maxPositionEmbeddings = value;
        return this;
    }

    /**
     * Sets {@code activation_function}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optActivationFunction(String value) {
        activationFunction = value;
        return this;
    }

    /**
     * Sets {@code scale_embedding}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optScaleEmbedding(boolean value) {
        scaleEmbedding = value;
        return this;
    }

    /**
     * Sets {@code pad_token_id}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optPadTokenId(int value) {
        padTokenId = value;
        return this;
    }

    /**
     * Sets {@code bos_token_id}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optBosTokenId(int value) {
        bosTokenId = value;
        return this;
    }

    /**
     * Sets {@code eos_token_id}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optEosTokenId(int value) {
        eosTokenId = value;
        return this;
    }

    /**
     * Sets {@code decoder_start_token_id}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optDecoderStartTokenId(int value) {
        decoderStartTokenId = value;
        return this;
    }

    /**
     * Sets {@code forced_bos_token_id}.
     *
     * @param value the value, or null
     * @return this builder
     */
    public BartConfigBuilder optForcedBosTokenId(Integer value) {
        forcedBosTokenId = value;
        return this;
    }

    /**
     * Sets {@code forced_eos_token_id}.
     *
     * @param value the value, or null
     * @return this builder
     */
    public BartConfigBuilder optForcedEosTokenId(Integer value) {
        forcedEosTokenId = value;
        return this;
    }

    /**
     * Sets {@code normalize_before}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optNormalizeBefore(boolean value) {
        normalizeBefore = value;
        return this;
    }

    /**
     * Sets {@code add_final_layer_norm}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optAddFinalLayerNorm(boolean value) {
        addFinalLayerNorm = value;
        return this;
    }

    /**
     * Sets {@code tie_word_embeddings}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optTieWordEmbeddings(boolean value) {
        tieWordEmbeddings = value;
        return this;
    }

    /**
     * Sets {@code dropout}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optDropout(double value) {
        dropout = value;
        return this;
    }

    /**
     * Sets {@code attention_dropout}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optAttentionDropout(double value) {
        attentionDropout = value;
        return this;
    }

    /**
     * Sets {@code activation_dropout}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optActivationDropout(double value) {
        activationDropout = value;
        return this;
    }

    /**
     * Sets {@code classifier_dropout}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optClassifierDropout(double value) {
        classifierDropout = value;
        return this;
    }

    /**
     * Sets {@code encoder_layerdrop}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optEncoderLayerdrop(double value) {
        encoderLayerdrop = value;
        return this;
    }

    /**
     * Sets {@code decoder_layerdrop}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optDecoderLayerdrop(double value) {
        decoderLayerdrop = value;
        return this;
    }

    /**
     * Sets {@code init_std}.
     *
     * @param value the value
     * @return this builder
     */
    public BartConfigBuilder optInitStd(double value) {
        initStd = value;
        return this;
    }

    /**
     * Validates the values and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the {@code config.json} key of the first invalid value
     */
    public BartConfig build() {
        return new BartConfig(
                vocabSize, dModel, encoderLayers, decoderLayers, encoderAttentionHeads, decoderAttentionHeads,
                encoderFfnDim, decoderFfnDim, maxPositionEmbeddings, activationFunction, scaleEmbedding, padTokenId,
                bosTokenId, eosTokenId, decoderStartTokenId, forcedBosTokenId, forcedEosTokenId, normalizeBefore,
                addFinalLayerNorm, tieWordEmbeddings, dropout, attentionDropout, activationDropout,
                classifierDropout, encoderLayerdrop, decoderLayerdrop, initStd);
    }
}
