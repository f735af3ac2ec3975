package org.tcmrx.lora;

import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Qwen2Config}; every value starts at Hugging Face's default (or at the configuration it was made
 * from) and is validated by {@link #build()}.
 *
 * <pre>{@code
 * Qwen2Config tiny = Qwen2Config.builder()
 *         .optVocabSize(512).optHiddenSize(64).optIntermediateSize(160).optNumHiddenLayers(2)
 *         .optNumAttentionHeads(4).optNumKeyValueHeads(2).optRopeTheta(1e6).optTieWordEmbeddings(true)
 *         .build();
 * }</pre>
 */
public final class Qwen2ConfigBuilder {
    private int vocabSize;
    private int hiddenSize;
    private int intermediateSize;
    private int numHiddenLayers;
    private int numAttentionHeads;
    private int numKeyValueHeads;
    private Integer headDim;
    private int maxPositionEmbeddings;
    private double ropeTheta;
    private double rmsNormEps;
    private boolean tieWordEmbeddings;
    private String hiddenAct;
    private Integer bosTokenId;
    private List<Integer> eosTokenIds;
    private double attentionDropout;
    private double initializerRange;
    private boolean useSlidingWindow;
    private Integer slidingWindow;
    private int maxWindowLayers;
    private String torchDtype;
    private String modelType;
    private Map<String, Object> otherKeys;

    Qwen2ConfigBuilder(Qwen2Config from) {
        vocabSize = from.vocabSize();
        hiddenSize = from.hiddenSize();
        intermediateSize = from.intermediateSize();
        numHiddenLayers = from.numHiddenLayers();
        numAttentionHeads = from.numAttentionHeads();
        numKeyValueHeads = from.numKeyValueHeads();
        headDim = from.headDim();
        maxPositionEmbeddings = from.maxPositionEmbeddings();
        ropeTheta = from.ropeTheta();
        rmsNormEps = from.rmsNormEps();
        tieWordEmbeddings = from.tieWordEmbeddings();
        hiddenAct = from.hiddenAct();
        bosTokenId = from.bosTokenId();
        eosTokenIds = from.eosTokenIds();
        attentionDropout = from.attentionDropout();
        initializerRange = from.initializerRange();
        useSlidingWindow = from.useSlidingWindow();
        slidingWindow = from.slidingWindow();
        maxWindowLayers = from.maxWindowLayers();
        torchDtype = from.torchDtype();
        modelType = from.modelType();
        otherKeys = from.otherKeys();
    }

    /**
     * Sets {@code vocab_size}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optVocabSize(int value) {
        vocabSize = value;
        return this;
    }

    /**
     * Sets {@code hidden_size}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optHiddenSize(int value) {
        hiddenSize = value;
        return this;
    }

    /**
     * Sets {@code intermediate_size}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optIntermediateSize(int value) {
        intermediateSize = value;
        return this;
    }

    /**
     * Sets {@code num_hidden_layers}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optNumHiddenLayers(int value) {
        numHiddenLayers = value;
        return this;
    }

    /**
     * Sets {@code num_attention_heads}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optNumAttentionHeads(int value) {
        numAttentionHeads = value;
        return this;
    }

    /**
     * Sets {@code num_key_value_heads}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optNumKeyValueHeads(int value) {
        numKeyValueHeads = value;
        return this;
    }

    /**
     * Sets {@code head_dim}.
     *
     * @param value the value, or null for {@code hidden_size / num_attention_heads}
     * @return this builder
     */
    public Qwen2ConfigBuilder optHeadDim(Integer value) {
        headDim = value;
        return this;
    }

    /**
     * Sets {@code max_position_embeddings}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optMaxPositionEmbeddings(int value) {
        maxPositionEmbeddings = value;
        return this;
    }

    /**
     * Sets {@code rope_theta}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optRopeTheta(double value) {
        ropeTheta = value;
        return this;
    }

    /**
     * Sets {@code rms_norm_eps}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optRmsNormEps(double value) {
        rmsNormEps = value;
        return this;
    }

    /**
     * Sets {@code tie_word_embeddings}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optTieWordEmbeddings(boolean value) {
        tieWordEmbeddings = value;
        return this;
    }

    /**
     * Sets {@code hidden_act}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optHiddenAct(String value) {
        hiddenAct = value;
        return this;
    }

    /**
     * Sets {@code bos_token_id}.
     *
     * @param value the value, or null
     * @return this builder
     */
    public Qwen2ConfigBuilder optBosTokenId(Integer value) {
        bosTokenId = value;
        return this;
    }

    /**
     * Sets {@code eos_token_id}.
     *
     * @param value the ids (one or more, or none); copied
     * @return this builder
     */
    public Qwen2ConfigBuilder optEosTokenIds(List<Integer> value) {
        eosTokenIds = value;
        return this;
    }

    /**
     * Sets {@code attention_dropout}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optAttentionDropout(double value) {
        attentionDropout = value;
        return this;
    }

    /**
     * Sets {@code initializer_range}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optInitializerRange(double value) {
        initializerRange = value;
        return this;
    }

    /**
     * Sets {@code use_sliding_window}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optUseSlidingWindow(boolean value) {
        useSlidingWindow = value;
        return this;
    }

    /**
     * Sets {@code sliding_window}.
     *
     * @param value the value, or null
     * @return this builder
     */
    public Qwen2ConfigBuilder optSlidingWindow(Integer value) {
        slidingWindow = value;
        return this;
    }

    /**
     * Sets {@code max_window_layers}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optMaxWindowLayers(int value) {
        maxWindowLayers = value;
        return this;
    }

    /**
     * Sets {@code torch_dtype}.
     *
     * @param value the value, or null
     * @return this builder
     */
    public Qwen2ConfigBuilder optTorchDtype(String value) {
        torchDtype = value;
        return this;
    }

    /**
     * Sets {@code model_type}.
     *
     * @param value the value
     * @return this builder
     */
    public Qwen2ConfigBuilder optModelType(String value) {
        modelType = value;
        return this;
    }

    /**
     * Sets the keys of {@code config.json} that have no component (see {@link Qwen2Config#otherKeys()}).
     *
     * @param value the keys with plain Java values ({@code Map}, {@code List}, {@code String}, {@code Number},
     *     {@code Boolean} or null); copied
     * @return this builder
     */
    public Qwen2ConfigBuilder optOtherKeys(Map<String, Object> value) {
        otherKeys = value;
        return this;
    }

    /**
     * Validates the values and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the {@code config.json} key of the first invalid value
     */
    public Qwen2Config build() {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, maxPositionEmbeddings, ropeTheta, rmsNormEps, tieWordEmbeddings, hiddenAct,
                bosTokenId, eosTokenIds, attentionDropout, initializerRange, useSlidingWindow, slidingWindow,
                maxWindowLayers, torchDtype, modelType, otherKeys);
    }
}
