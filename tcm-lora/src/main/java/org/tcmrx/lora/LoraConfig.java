package org.tcmrx.lora;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.lora.Qwen2Config.FieldException;

/**
 * A PEFT LoRA adapter's hyper-parameters, one component per {@code adapter_config.json} key (given with each).
 * Defaults are those of PEFT's {@code LoraConfig()} (see {@link #defaults()}); build configurations with
 * {@link #builder()}.
 *
 * <p>Supported is plain LoRA on the decoder layers' projections: {@code bias} {@code none}, {@code fan_in_fan_out},
 * {@code use_dora} and {@code lora_bias} false, one rank and one alpha for every module. Keys that would change the
 * adapter's math or its tensors ({@code rank_pattern}, {@code alpha_pattern}, {@code layers_to_transform},
 * {@code layer_replication}, {@code modules_to_save}, {@code exclude_modules}, ...) must hold their neutral value;
 * every other key (including ones this version has never heard of) is kept in {@link #otherKeys()} and written back.
 * {@code inference_mode} and {@code base_model_name_or_path} are informational: which tensors train is the caller's
 * choice (see {@link LoraAdapter}).
 *
 * @param r {@code r}, the rank {@code R}
 * @param loraAlpha {@code lora_alpha}; an integer, as PEFT declares it
 * @param loraDropout {@code lora_dropout}, the dropout on the LoRA branch's input in training mode, in {@code [0, 1)}
 * @param targetModules {@code target_modules}: module names matched as PEFT matches a list (a module is adapted when
 *     its path equals a name or ends with {@code "." + name}, so {@code q_proj} and {@code self_attn.q_proj} both
 *     select every layer's query projection), or {@link #ALL_LINEAR} alone (every projection but the output layer;
 *     written as PEFT's string shorthand). PEFT's regular-expression form (any other string) is not supported
 * @param useRslora {@code use_rslora}: scale by {@code lora_alpha / sqrt(r)} instead of {@code lora_alpha / r}
 * @param bias {@code bias}; only {@code none}
 * @param fanInFanOut {@code fan_in_fan_out}; only false (Hugging Face's {@code nn.Linear} layout)
 * @param initLoraWeights {@code init_lora_weights}: true for PEFT's default initialisation (A Kaiming-uniform, B
 *     zero, so a fresh adapter changes nothing), false for {@code nn.Linear}'s random initialisation of both (for
 *     tests); PEFT's named schemes ({@code gaussian}, {@code pissa}, ...) are not supported
 * @param useDora {@code use_dora}; only false
 * @param peftType {@code peft_type}; only {@code LORA}
 * @param taskType {@code task_type}: {@code CAUSAL_LM}, or null as PEFT leaves it without a task
 * @param baseModelNameOrPath {@code base_model_name_or_path}, or null; informational
 * @param inferenceMode {@code inference_mode}; informational ({@link LoraAdapter#save} writes true, as PEFT does)
 * @param otherKeys every other key with its value as plain Java objects (maps, lists, strings, numbers, booleans,
 *     null); {@link #defaults()} holds the other keys PEFT writes, at PEFT's defaults
 */
public record LoraConfig(
        @JsonProperty("r") int r,
        @JsonProperty("lora_alpha") int loraAlpha,
        @JsonProperty("lora_dropout") double loraDropout,
        @JsonProperty("target_modules") List<String> targetModules,
        @JsonProperty("use_rslora") boolean useRslora,
        @JsonProperty("bias") String bias,
        @JsonProperty("fan_in_fan_out") boolean fanInFanOut,
        @JsonProperty("init_lora_weights") boolean initLoraWeights,
        @JsonProperty("use_dora") boolean useDora,
        @JsonProperty("peft_type") String peftType,
        @JsonProperty("task_type") String taskType,
        @JsonProperty("base_model_name_or_path") String baseModelNameOrPath,
        @JsonProperty("inference_mode") boolean inferenceMode,
        @JsonIgnore Map<String, Object> otherKeys) {

    /** PEFT's shorthand for every linear layer except the output layer. */
    public static final String ALL_LINEAR = "all-linear";
    /** The only {@code peft_type}. */
    public static final String LORA = "LORA";
    /** The {@code task_type} of a causal language model. */
    public static final String CAUSAL_LM = "CAUSAL_LM";
    /** The only {@code bias}. */
    public static final String NO_BIAS = "none";

    /** The keys of the components, as they appear in {@code adapter_config.json}. */
    private static final Set<String> KEYS = Set.of("r", "lora_alpha", "lora_dropout", "target_modules", "use_rslora",
            "bias", "fan_in_fan_out", "init_lora_weights", "use_dora", "peft_type", "task_type",
            "base_model_name_or_path", "inference_mode");

    /**
     * Keys that change the adapter's math or tensors, with the one value (as JSON) supported; an empty map or list
     * counts as null, as PEFT treats them alike.
     */
    private static final Map<String, String> NEUTRAL = neutral();

    /** PEFT's {@code LoraConfig()} and {@code PeftConfig()} defaults, but for the two noted. */
    private static final LoraConfig PEFT_DEFAULTS = new LoraConfig(8, 8, 0.0,
            // target_modules=None, which PEFT resolves for model_type qwen2 through
            // TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING, and then saves resolved.
            List.of("q_proj", "v_proj"), false, NO_BIAS, false, true, false, LORA,
            // task_type is None in PeftConfig(); get_peft_model on a causal LM is how adapters are made here.
            CAUSAL_LM, null, false, peftOtherKeys());

    /**
     * Validates the values.
     *
     * @param r {@code r}
     * @param loraAlpha {@code lora_alpha}
     * @param loraDropout {@code lora_dropout}
     * @param targetModules {@code target_modules}; copied
     * @param useRslora {@code use_rslora}
     * @param bias {@code bias}
     * @param fanInFanOut {@code fan_in_fan_out}
     * @param initLoraWeights {@code init_lora_weights}
     * @param useDora {@code use_dora}
     * @param peftType {@code peft_type}
     * @param taskType {@code task_type}, or null
     * @param baseModelNameOrPath {@code base_model_name_or_path}, or null
     * @param inferenceMode {@code inference_mode}
     * @param otherKeys the other keys; null is taken as none
     * @throws IllegalArgumentException naming the {@code adapter_config.json} key of the first invalid value
     */
    public LoraConfig {
        if (r <= 0) {
            throw new FieldException("r", "must be positive, got " + r);
        }
        if (loraAlpha <= 0) {
            throw new FieldException("lora_alpha", "must be positive, got " + loraAlpha);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new FieldException("lora_dropout", "must be in [0, 1), got " + loraDropout);
        }
        targetModules = targetModules(targetModules);
        if (!NO_BIAS.equals(bias)) {
            throw new FieldException("bias", "unsupported value " + quote(bias) + "; only '" + NO_BIAS
                    + "' is supported (PEFT's 'all' and 'lora_only' train the base biases)");
        }
        if (fanInFanOut) {
            throw new FieldException("fan_in_fan_out", "true is not supported; Qwen2's nn.Linear stores [out, in]");
        }
        if (useDora) {
            throw new FieldException("use_dora", "true is not supported; only plain LoRA");
        }
        if (!LORA.equals(peftType)) {
            throw new FieldException("peft_type", "unsupported value " + quote(peftType) + "; expected '" + LORA + "'");
        }
        if (taskType != null && !CAUSAL_LM.equals(taskType)) {
            throw new FieldException("task_type", "unsupported value " + quote(taskType) + "; expected '" + CAUSAL_LM
                    + "' or null");
        }
        otherKeys = otherKeys == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(otherKeys));
        for (Map.Entry<String, Object> e : otherKeys.entrySet()) {
            if (KEYS.contains(e.getKey())) {
                throw new FieldException(e.getKey(),
                        "has a component of its own, so it cannot be one of the other keys");
            }
            String supported = NEUTRAL.get(e.getKey());
            if (supported != null && !isNeutral(e.getValue())) {
                throw new FieldException(e.getKey(), "unsupported value " + Json.MAPPER.valueToTree(e.getValue())
                        + "; only " + supported + " is supported");
            }
        }
    }

    private static List<String> targetModules(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new FieldException("target_modules", "must name at least one module");
        }
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new FieldException("target_modules", "has a null or blank name: " + names);
            }
            if (name.equalsIgnoreCase(ALL_LINEAR) && names.size() > 1) {
                throw new FieldException("target_modules", "'" + ALL_LINEAR + "' must stand alone, got " + names);
            }
        }
        return names.size() == 1 && names.get(0).equalsIgnoreCase(ALL_LINEAR) ? List.of(ALL_LINEAR)
                : List.copyOf(names);
    }

    /**
     * Returns PEFT's defaults: {@code r} 8, {@code lora_alpha} 8, {@code lora_dropout} 0, {@code bias} none,
     * {@code init_lora_weights} true, {@code use_rslora}, {@code fan_in_fan_out}, {@code use_dora} and
     * {@code inference_mode} false, {@code base_model_name_or_path} null, and the other keys PEFT writes at their
     * defaults ({@code rank_pattern} and {@code alpha_pattern} {}, {@code modules_to_save} null, ...). Two differ from
     * {@code LoraConfig()}, where they are None, as PEFT saves them for a Qwen2 causal LM: {@code target_modules}
     * {@code [q_proj, v_proj]} (PEFT's choice for {@code model_type} qwen2) and {@code task_type} {@code CAUSAL_LM}.
     *
     * @return the default configuration
     */
    public static LoraConfig defaults() {
        return PEFT_DEFAULTS;
    }

    /**
     * Starts a configuration from {@link #defaults()}.
     *
     * @return a builder
     */
    public static LoraConfigBuilder builder() {
        return new LoraConfigBuilder(PEFT_DEFAULTS);
    }

    /**
     * Starts a configuration from this one.
     *
     * @return a builder holding these values
     */
    public LoraConfigBuilder toBuilder() {
        return new LoraConfigBuilder(this);
    }

    /**
     * Returns the factor of the LoRA branch, as PEFT's {@code LoraLayer.update_layer} computes it.
     *
     * @return {@code lora_alpha / sqrt(r)} with {@code use_rslora}, else {@code lora_alpha / r}
     */
    public double scaling() {
        return useRslora ? loraAlpha / Math.sqrt(r) : (double) loraAlpha / r;
    }

    /**
     * Tells whether {@code target_modules} is {@link #ALL_LINEAR}.
     *
     * @return true for the shorthand
     */
    public boolean targetsAllLinear() {
        return targetModules.equals(List.of(ALL_LINEAR));
    }

    /**
     * Reads a PEFT {@code adapter_config.json}. Missing keys take {@link #defaults()}'s values (a null
     * {@code target_modules} too, as PEFT resolves it for Qwen2); keys without a component are kept in
     * {@link #otherKeys()}, on top of the defaults' other keys.
     *
     * @param file the {@code adapter_config.json}
     * @return the configuration
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is not a JSON object, or a value has the wrong type, is invalid or
     *     is not supported; its field is the key
     */
    public static LoraConfig read(Path file) throws IOException {
        String location = file.toString();
        ObjectNode json = Json.readObject(file);
        ObjectNode merged = Json.MAPPER.valueToTree(PEFT_DEFAULTS);
        Map<String, Object> others = new LinkedHashMap<>(PEFT_DEFAULTS.otherKeys);
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            if (KEYS.contains(e.getKey())) {
                merged.set(e.getKey(), e.getValue());
            } else {
                others.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        try {
            normalise(merged);
            return Json.MAPPER.treeToValue(merged, LoraConfig.class).toBuilder().optOtherKeys(others).build();
        } catch (JsonProcessingException | FieldException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof FieldException f) {
                    throw new MalformedDataException(location, 0, f.field, f.problem, e);
                }
            }
            JsonProcessingException j = (JsonProcessingException) e;
            throw new MalformedDataException(location, 0, Json.path(j), j.getOriginalMessage(), e);
        }
    }

    /** Turns PEFT's alternative JSON forms into the components' types, rejecting the unsupported ones. */
    private static void normalise(ObjectNode json) {
        JsonNode targets = json.get("target_modules");
        if (targets.isNull()) {
            json.set("target_modules", Json.MAPPER.valueToTree(PEFT_DEFAULTS.targetModules));
        } else if (targets.isTextual()) {
            if (!targets.asText().toLowerCase(Locale.ROOT).equals(ALL_LINEAR)) {
                throw new FieldException("target_modules", "the regular expression " + targets + " is not "
                        + "supported; give a list of module names or '" + ALL_LINEAR + "'");
            }
            json.set("target_modules", json.arrayNode().add(ALL_LINEAR));
        }
        JsonNode init = json.get("init_lora_weights");
        if (!init.isBoolean()) {
            throw new FieldException("init_lora_weights", "unsupported value " + init + "; supported: true (PEFT's "
                    + "default initialisation), false (random)");
        }
        for (String key : List.of("r", "lora_alpha")) {
            JsonNode n = json.get(key);
            if (n.isNumber() && !n.canConvertToExactIntegral()) {
                throw new FieldException(key, "must be an integer, got " + n);
            }
        }
    }

    /**
     * Writes this configuration as a PEFT {@code adapter_config.json}: every component and every other key, sorted
     * as PEFT sorts them, nulls included; {@link #ALL_LINEAR} as PEFT's string shorthand.
     *
     * @param file the file to write, atomically
     * @throws IOException when writing fails
     */
    public void write(Path file) throws IOException {
        Map<String, JsonNode> sorted = new TreeMap<>();
        otherKeys.forEach((key, value) -> sorted.put(key, Json.MAPPER.valueToTree(value)));
        ObjectNode fields = Json.MAPPER.valueToTree(this);
        fields.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        if (targetsAllLinear()) {
            sorted.put("target_modules", Json.MAPPER.valueToTree(ALL_LINEAR));
        }
        AtomicFiles.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(sorted) + "\n");
    }

    private static boolean isNeutral(Object value) {
        return value == null || Boolean.FALSE.equals(value) || value instanceof Map<?, ?> m && m.isEmpty()
                || value instanceof List<?> l && l.isEmpty();
    }

    private static Map<String, String> neutral() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("alpha_pattern", "{}");
        keys.put("rank_pattern", "{}");
        keys.put("layers_to_transform", "null");
        keys.put("layer_replication", "null");
        keys.put("modules_to_save", "null");
        keys.put("exclude_modules", "null");
        keys.put("trainable_token_indices", "null");
        keys.put("target_parameters", "null");
        keys.put("lora_bias", "false");
        keys.put("use_qalora", "false");
        return Collections.unmodifiableMap(keys);
    }

    /**
     * The keys besides the components that PEFT's {@code LoraConfig().to_dict()} holds (the set of the peft-lora-A
     * fixture, written by a PEFT with {@code lora_bias}), at their defaults.
     */
    private static Map<String, Object> peftOtherKeys() {
        Map<String, Object> keys = new TreeMap<>();
        keys.put("alpha_pattern", Map.of());
        keys.put("auto_mapping", null);
        keys.put("layer_replication", null);
        keys.put("layers_pattern", null);
        keys.put("layers_to_transform", null);
        keys.put("loftq_config", Map.of());
        keys.put("lora_bias", false);
        keys.put("megatron_config", null);
        keys.put("megatron_core", "megatron.core");
        keys.put("modules_to_save", null);
        keys.put("rank_pattern", Map.of());
        keys.put("revision", null);
        return keys;
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
