package org.tcmrx.lora;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;

/**
 * The hyper-parameters of a Hugging Face {@code Qwen2ForCausalLM}, one component per {@code config.json} key (the key
 * is given with each). Defaults are those of {@code transformers.Qwen2Config()}; build small models with
 * {@link #builder()}.
 *
 * <p>Supported: {@code hidden_act} {@code silu}, plain RoPE ({@code rope_scaling} null, absent or of
 * {@code rope_type} {@code default}; YaRN and the other scalings are rejected) and full attention
 * ({@code use_sliding_window} false; {@code sliding_window} and {@code max_window_layers} are kept and written back,
 * as Hugging Face ignores them then). {@code attention_dropout} applies only in {@link Qwen2Model}'s training-mode
 * forward; every other method computes what {@code model.eval()} computes. {@code initializer_range} is the standard
 * deviation of {@link Qwen2Model#init}. {@code torch_dtype} is informational; the dtypes stored in the safetensors
 * files decide how they are read.
 *
 * @param vocabSize {@code vocab_size}, {@code V}
 * @param hiddenSize {@code hidden_size}, {@code C}
 * @param intermediateSize {@code intermediate_size}, the SwiGLU width {@code I}
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}, the query heads {@code H}
 * @param numKeyValueHeads {@code num_key_value_heads}, {@code KV}; must divide {@code H} (query head {@code h} reads
 *     key/value head {@code h / (H / KV)})
 * @param headDim {@code head_dim}, or null (the usual case) for {@code hidden_size / num_attention_heads}; see
 *     {@link #headSize()}
 * @param maxPositionEmbeddings {@code max_position_embeddings}; informational, as RoPE has no table to outgrow
 * @param ropeTheta {@code rope_theta}, the RoPE base
 * @param rmsNormEps {@code rms_norm_eps}
 * @param tieWordEmbeddings {@code tie_word_embeddings}: the output projection is {@code model.embed_tokens.weight}
 * @param hiddenAct {@code hidden_act}; only {@code silu}
 * @param bosTokenId {@code bos_token_id}, or null
 * @param eosTokenIds {@code eos_token_id}: one id or a list in {@code config.json}; empty when null or absent
 * @param attentionDropout {@code attention_dropout}
 * @param initializerRange {@code initializer_range}
 * @param useSlidingWindow {@code use_sliding_window}; only false
 * @param slidingWindow {@code sliding_window}, or null
 * @param maxWindowLayers {@code max_window_layers}
 * @param torchDtype {@code torch_dtype}, or null
 * @param modelType {@code model_type}; only {@code qwen2}
 * @param otherKeys every other key of {@code config.json} ({@code architectures}, {@code use_cache},
 *     {@code rope_scaling}, {@code transformers_version}, ...) with its value as plain Java objects (maps, lists,
 *     strings, numbers, booleans, null), written back by {@link #write}
 */
public record Qwen2Config(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("num_key_value_heads") int numKeyValueHeads,
        @JsonProperty("head_dim") Integer headDim,
        @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
        @JsonProperty("rope_theta") double ropeTheta,
        @JsonProperty("rms_norm_eps") double rmsNormEps,
        @JsonProperty("tie_word_embeddings") boolean tieWordEmbeddings,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("bos_token_id") Integer bosTokenId,
        @JsonProperty("eos_token_id") List<Integer> eosTokenIds,
        @JsonProperty("attention_dropout") double attentionDropout,
        @JsonProperty("initializer_range") double initializerRange,
        @JsonProperty("use_sliding_window") boolean useSlidingWindow,
        @JsonProperty("sliding_window") Integer slidingWindow,
        @JsonProperty("max_window_layers") int maxWindowLayers,
        @JsonProperty("torch_dtype") String torchDtype,
        @JsonProperty("model_type") String modelType,
        @JsonIgnore Map<String, Object> otherKeys) {

    /** The only {@code model_type}. */
    public static final String MODEL_TYPE = "qwen2";
    /** The only {@code hidden_act}. */
    public static final String SILU = "silu";

    /** The keys of the components, as they appear in {@code config.json}. */
    private static final Set<String> KEYS = Set.of("vocab_size", "hidden_size", "intermediate_size",
            "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings",
            "rope_theta", "rms_norm_eps", "tie_word_embeddings", "hidden_act", "bos_token_id", "eos_token_id",
            "attention_dropout", "initializer_range", "use_sliding_window", "sliding_window", "max_window_layers",
            "torch_dtype", "model_type");

    /** {@code transformers.Qwen2Config()} (v4.45); {@code bos_token_id} and {@code eos_token_id} are unset there. */
    private static final Qwen2Config HF_DEFAULTS = new Qwen2Config(151936, 4096, 22016, 32, 32, 32, null, 32768,
            10000.0, 1e-6, false, SILU, null, List.of(), 0.0, 0.02, false, 4096, 28, null, MODEL_TYPE, Map.of());

    /**
     * Validates the values.
     *
     * @param vocabSize {@code vocab_size}
     * @param hiddenSize {@code hidden_size}
     * @param intermediateSize {@code intermediate_size}
     * @param numHiddenLayers {@code num_hidden_layers}
     * @param numAttentionHeads {@code num_attention_heads}
     * @param numKeyValueHeads {@code num_key_value_heads}
     * @param headDim {@code head_dim}, or null
     * @param maxPositionEmbeddings {@code max_position_embeddings}
     * @param ropeTheta {@code rope_theta}
     * @param rmsNormEps {@code rms_norm_eps}
     * @param tieWordEmbeddings {@code tie_word_embeddings}
     * @param hiddenAct {@code hidden_act}
     * @param bosTokenId {@code bos_token_id}, or null
     * @param eosTokenIds {@code eos_token_id}; null is taken as empty
     * @param attentionDropout {@code attention_dropout}
     * @param initializerRange {@code initializer_range}
     * @param useSlidingWindow {@code use_sliding_window}
     * @param slidingWindow {@code sliding_window}, or null
     * @param maxWindowLayers {@code max_window_layers}
     * @param torchDtype {@code torch_dtype}, or null
     * @param modelType {@code model_type}
     * @param otherKeys the other keys; null is taken as none
     * @throws IllegalArgumentException naming the {@code config.json} key of the first invalid value
     */
    public Qwen2Config {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new FieldException("num_key_value_heads", numKeyValueHeads + " does not divide num_attention_heads "
                    + numAttentionHeads);
        }
        if (headDim != null) {
            positive("head_dim", headDim);
        } else if (hiddenSize % numAttentionHeads != 0) {
            throw new FieldException("num_attention_heads", numAttentionHeads + " does not divide hidden_size "
                    + hiddenSize + " (and there is no head_dim)");
        }
        int d = headDim != null ? headDim : hiddenSize / numAttentionHeads;
        if (d % 2 != 0) {
            throw new FieldException("head_dim", "the head size " + d + " is odd; rotary embeddings rotate pairs");
        }
        positive("max_position_embeddings", maxPositionEmbeddings);
        positiveNumber("rope_theta", ropeTheta);
        positiveNumber("rms_norm_eps", rmsNormEps);
        if (!SILU.equals(hiddenAct)) {
            throw new FieldException("hidden_act", "unsupported value " + quote(hiddenAct) + "; supported: " + SILU);
        }
        if (bosTokenId != null) {
            tokenId("bos_token_id", bosTokenId, vocabSize);
        }
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
        for (int id : eosTokenIds) {
            tokenId("eos_token_id", id, vocabSize);
        }
        if (!(attentionDropout >= 0 && attentionDropout < 1)) {
            throw new FieldException("attention_dropout", "must be in [0, 1), got " + attentionDropout);
        }
        positiveNumber("initializer_range", initializerRange);
        if (useSlidingWindow) {
            throw new FieldException("use_sliding_window", "true is not supported; expected false");
        }
        if (slidingWindow != null) {
            positive("sliding_window", slidingWindow);
        }
        if (maxWindowLayers < 0) {
            throw new FieldException("max_window_layers", "must not be negative, got " + maxWindowLayers);
        }
        if (!MODEL_TYPE.equals(modelType)) {
            throw new FieldException("model_type", "unsupported value " + quote(modelType) + "; expected '"
                    + MODEL_TYPE + "'");
        }
        otherKeys = otherKeys == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(otherKeys));
        for (String key : otherKeys.keySet()) {
            if (KEYS.contains(key)) {
                throw new FieldException(key, "has a component of its own, so it cannot be one of the other keys");
            }
        }
        Object ropeScaling = otherKeys.get("rope_scaling");
        if (ropeScaling != null && !(ropeScaling instanceof Map<?, ?> m
                && "default".equals(m.containsKey("rope_type") ? m.get("rope_type") : m.get("type")))) {
            throw new FieldException("rope_scaling", "unsupported value " + Json.MAPPER.valueToTree(ropeScaling)
                    + "; only plain RoPE (null) is supported");
        }
    }

    /**
     * Returns {@code transformers.Qwen2Config()}'s defaults.
     *
     * @return the default configuration
     */
    public static Qwen2Config defaults() {
        return HF_DEFAULTS;
    }

    /**
     * Starts a configuration from Hugging Face's defaults.
     *
     * @return a builder
     */
    public static Qwen2ConfigBuilder builder() {
        return new Qwen2ConfigBuilder(HF_DEFAULTS);
    }

    /**
     * Starts a configuration from this one.
     *
     * @return a builder holding these values
     */
    public Qwen2ConfigBuilder toBuilder() {
        return new Qwen2ConfigBuilder(this);
    }

    /**
     * Returns the size of one attention head, {@code D}, as Hugging Face computes it:
     * {@code getattr(config, "head_dim", hidden_size // num_attention_heads)}.
     *
     * @return {@code head_dim} when set, else {@code hidden_size / num_attention_heads}
     */
    public int headSize() {
        return headDim != null ? headDim : hiddenSize / numAttentionHeads;
    }

    /**
     * Reads a Hugging Face {@code config.json}. Missing keys take Hugging Face's defaults, except a missing or null
     * {@code num_key_value_heads}, which equals {@code num_attention_heads} as in Hugging Face. Keys this record has
     * no component for are kept in {@link #otherKeys()}.
     *
     * @param file the {@code config.json}
     * @return the configuration
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is not a JSON object, or a value has the wrong type or is invalid;
     *     its field is the key
     */
    public static Qwen2Config read(Path file) throws IOException {
        String location = file.toString();
        ObjectNode json = Json.readObject(file);
        ObjectNode merged = Json.MAPPER.valueToTree(HF_DEFAULTS);
        Map<String, Object> others = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            if (KEYS.contains(e.getKey())) {
                merged.set(e.getKey(), e.getValue());
            } else {
                others.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        JsonNode kv = json.get("num_key_value_heads");
        if (kv == null || kv.isNull()) {
            merged.set("num_key_value_heads", merged.get("num_attention_heads"));
        }
        JsonNode eos = merged.get("eos_token_id");
        if (eos.isNull()) {
            merged.set("eos_token_id", merged.arrayNode());
        } else if (!eos.isArray()) {
            merged.set("eos_token_id", merged.arrayNode().add(eos));
        }
        try {
            return Json.MAPPER.treeToValue(merged, Qwen2Config.class).toBuilder().optOtherKeys(others).build();
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

    /**
     * Writes this configuration as a Hugging Face {@code config.json}, keys sorted as {@code save_pretrained} writes
     * them: every component and every other key, with {@code architectures} {@code ["Qwen2ForCausalLM"]} added when
     * absent. A single {@code eos_token_id} is written as a number; null {@code head_dim}, {@code bos_token_id} and
     * {@code torch_dtype} and an empty {@code eos_token_id} are left out.
     *
     * @param file the file to write, atomically
     * @throws IOException when writing fails
     */
    public void write(Path file) throws IOException {
        Map<String, JsonNode> sorted = new TreeMap<>();
        sorted.put("architectures", Json.MAPPER.valueToTree(List.of("Qwen2ForCausalLM")));
        otherKeys.forEach((key, value) -> sorted.put(key, Json.MAPPER.valueToTree(value)));
        ObjectNode fields = Json.MAPPER.valueToTree(this);
        fields.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        for (String nullable : List.of("head_dim", "bos_token_id", "torch_dtype")) {
            if (sorted.get(nullable).isNull()) {
                sorted.remove(nullable);
            }
        }
        ArrayNode eos = (ArrayNode) sorted.get("eos_token_id");
        if (eos.isEmpty()) {
            sorted.remove("eos_token_id");
        } else if (eos.size() == 1) {
            sorted.put("eos_token_id", eos.get(0));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(sorted) + "\n");
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new FieldException(field, "must be positive, got " + value);
        }
    }

    private static void positiveNumber(String field, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new FieldException(field, "must be a positive number, got " + value);
        }
    }

    private static void tokenId(String field, int id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new FieldException(field, id + " is outside the vocabulary [0, " + vocabSize + ")");
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    /** An invalid value, with the JSON key it came from ({@code config.json}'s, or {@code adapter_config.json}'s). */
    static final class FieldException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        /** The key. */
        final String field;
        /** What is wrong, without the key. */
        final String problem;

        FieldException(String field, String problem) {
            super(field + ": " + problem);
            this.field = field;
            this.problem = problem;
        }
    }
}
