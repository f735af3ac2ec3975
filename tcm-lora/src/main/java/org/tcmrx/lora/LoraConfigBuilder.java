package org.tcmrx.lora;

import java.util.List;
import java.util.Map;

/**
 * Builds a {@link LoraConfig}; every value starts at PEFT's default (or at the configuration it was made from) and is
 * validated by {@link #build()}.
 *
 * <pre>{@code
 * LoraConfig config = LoraConfig.builder()
 *         .optR(16).optLoraAlpha(32).optLoraDropout(0.05)
 *         .optTargetModules(List.of("q_proj", "k_proj", "v_proj", "o_proj"))
 *         .build();
 * }</pre>
 */
public final class LoraConfigBuilder {
    private int r;
    private int loraAlpha;
    private double loraDropout;
    private List<String> targetModules;
    private boolean useRslora;
    private String bias;
    private boolean fanInFanOut;
    private boolean initLoraWeights;
    private boolean useDora;
    private String peftType;
    private String taskType;
    private String baseModelNameOrPath;
    private boolean inferenceMode;
    private Map<String, Object> otherKeys;

    LoraConfigBuilder(LoraConfig from) {
        r = from.r();
        loraAlpha = from.loraAlpha();
        loraDropout = from.loraDropout();
        targetModules = from.targetModules();
        useRslora = from.useRslora();
        bias = from.bias();
        fanInFanOut = from.fanInFanOut();
        initLoraWeights = from.initLoraWeights();
        useDora = from.useDora();
        peftType = from.peftType();
        taskType = from.taskType();
        baseModelNameOrPath = from.baseModelNameOrPath();
        inferenceMode = from.inferenceMode();
        otherKeys = from.otherKeys();
    }

    /**
     * Sets {@code r}, the rank.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optR(int value) {
        r = value;
        return this;
    }

    /**
     * Sets {@code lora_alpha}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optLoraAlpha(int value) {
        loraAlpha = value;
        return this;
    }

    /**
     * Sets {@code lora_dropout}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optLoraDropout(double value) {
        loraDropout = value;
        return this;
    }

    /**
     * Sets {@code target_modules}.
     *
     * @param value module names, or {@code List.of(LoraConfig.ALL_LINEAR)}; copied
     * @return this builder
     */
    public LoraConfigBuilder optTargetModules(List<String> value) {
        targetModules = value;
        return this;
    }

    /**
     * Sets {@code use_rslora}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optUseRslora(boolean value) {
        useRslora = value;
        return this;
    }

    /**
     * Sets {@code bias}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optBias(String value) {
        bias = value;
        return this;
    }

    /**
     * Sets {@code fan_in_fan_out}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optFanInFanOut(boolean value) {
        fanInFanOut = value;
        return this;
    }

    /**
     * Sets {@code init_lora_weights}.
     *
     * @param value true for PEFT's default initialisation, false for random A and B
     * @return this builder
     */
    public LoraConfigBuilder optInitLoraWeights(boolean value) {
        initLoraWeights = value;
        return this;
    }

    /**
     * Sets {@code use_dora}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optUseDora(boolean value) {
        useDora = value;
        return this;
    }

    /**
     * Sets {@code peft_type}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optPeftType(String value) {
        peftType = value;
        return this;
    }

    /**
     * Sets {@code task_type}.
     *
     * @param value the value, or null
     * @return this builder
     */
    public LoraConfigBuilder optTaskType(String value) {
        taskType = value;
        return this;
    }

    /**
     * Sets {@code base_model_name_or_path}.
     *
     * @param value the value, or null
     * @return this builder
     */
    public LoraConfigBuilder optBaseModelNameOrPath(String value) {
        baseModelNameOrPath = value;
        return this;
    }

    /**
     * Sets {@code inference_mode}.
     *
     * @param value the value
     * @return this builder
     */
    public LoraConfigBuilder optInferenceMode(boolean value) {
        inferenceMode = value;
        return this;
    }

    /**
     * Sets the keys of {@code adapter_config.json} that have no component (see {@link LoraConfig#otherKeys()}).
     *
     * @param value the keys with plain Java values ({@code Map}, {@code List}, {@code String}, {@code Number},
     *     {@code Boolean} or null); copied
     * @return this builder
     */
    public LoraConfigBuilder optOtherKeys(Map<String, Object> value) {
        otherKeys = value;
        return this;
    }

    /**
     * Validates the values and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the {@code adapter_config.json} key of the first invalid value
     */
    public LoraConfig build() {
        return new LoraConfig(r, loraAlpha, loraDropout, targetModules, useRslora, bias, fanInFanOut, initLoraWeights,
                useDora, peftType, taskType, baseModelNameOrPath, inferenceMode, otherKeys);
    }
}
