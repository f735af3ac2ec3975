package org.tcmrx.bart;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.bart.internal.ActivationFunction;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;

/**
 * The hyper-parameters of a Hugging Face {@code BartForConditionalGeneration}, one component per {@code config.json}
 * key (the key is given with each). Defaults are Hugging Face's {@code BartConfig} defaults, which describe
 * {@code facebook/bart-large}; build small models with {@link #builder()}.
 *
 * <p>Supported: post-LN BART ({@code normalize_before} and {@code add_final_layer_norm} false; the mBART variants
 * are rejected), {@code activation_function} {@code gelu} (exact erf), {@code relu} or {@code gelu_new}. The dropout
 * and layer-drop fields are kept and written back but are not applied by {@link BartModel}, which computes in eval
 * mode. {@code init_std} is the standard deviation of {@link BartModel#init}.
 *
 * @param vocabSize {@code vocab_size}
 * @param dModel {@code d_model}, the hidden size {@code C}
 * @param encoderLayers {@code encoder_layers}
 * @param decoderLayers {@code decoder_layers}
 * @param encoderAttentionHeads {@code encoder_attention_heads}; must divide {@code d_model}
 * @param decoderAttentionHeads {@code decoder_attention_heads}; must divide {@code d_model}
 * @param encoderFfnDim {@code encoder_ffn_dim}
 * @param decoderFfnDim {@code decoder_ffn_dim}
 * @param maxPositionEmbeddings {@code max_position_embeddings}; the position tables have 2 more rows
 * @param activationFunction {@code activation_function}
 * @param scaleEmbedding {@code scale_embedding}: multiply token embeddings by {@code sqrt(d_model)}
 * @param padTokenId {@code pad_token_id}
 * @param bosTokenId {@code bos_token_id}
 * @param eosTokenId {@code eos_token_id}
 * @param decoderStartTokenId {@code decoder_start_token_id}
 * @param forcedBosTokenId {@code forced_bos_token_id}, or null
 * @param forcedEosTokenId {@code forced_eos_token_id}, or null
 * @param normalizeBefore {@code normalize_before}; only false is supported
 * @param addFinalLayerNorm {@code add_final_layer_norm}; only false is supported
 * @param tieWordEmbeddings {@code tie_word_embeddings}: the output projection is {@code model.shared.weight}
 * @param dropout {@code dropout}
 * @param attentionDropout {@code attention_dropout}
 * @param activationDropout {@code activation_dropout}
 * @param classifierDropout {@code classifier_dropout}
 * @param encoderLayerdrop {@code encoder_layerdrop}
 * @param decoderLayerdrop {@code decoder_layerdrop}
 * @param initStd {@code init_std}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BartConfig(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("d_model") int dModel,
        @JsonProperty("encoder_layers") int encoderLayers,
        @JsonProperty("decoder_layers") int decoderLayers,
        @JsonProperty("encoder_attention_heads") int encoderAttentionHeads,
        @JsonProperty("decoder_attention_heads") int decoderAttentionHeads,
        @JsonProperty("encoder_ffn_dim") int encoderFfnDim,
        @JsonProperty("decoder_ffn_dim") int decoderFfnDim,
        @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
        @JsonProperty("activation_function") String activationFunction,
        @JsonProperty("scale_embedding") boolean scaleEmbedding,
        @JsonProperty("pad_token_id") int padTokenId,
        @JsonProperty("bos_token_id") int bosTokenId,
        @JsonProperty("eos_token_id") int eosTokenId,
        @JsonProperty("decoder_start_token_id") int decoderStartTokenId,
        @JsonProperty("forced_bos_token_id") Integer forcedBosTokenId,
        @JsonProperty("forced_eos_token_id") Integer forcedEosTokenId,
        @JsonProperty("normalize_before") boolean normalizeBefore,
        @JsonProperty("add_final_layer_norm") boolean addFinalLayerNorm,
        @JsonProperty("tie_word_embeddings") boolean tieWordEmbeddings,
        @JsonProperty("dropout") double dropout,
        @JsonProperty("attention_dropout") double attentionDropout,
        @JsonProperty("activation_dropout") double activationDropout,
        @JsonProperty("classifier_dropout") double classifierDropout,
        @JsonProperty("encoder_layerdrop") double encoderLayerdrop,
        @JsonProperty("decoder_layerdrop") double decoderLayerdrop,
        @JsonProperty("init_std") double initStd) {

    /** The {@code model_type} of a BART {@code config.json}. */
    public static final String MODEL_TYPE = "bart";

    /** Hugging Face's defaults ({@code transformers.BartConfig()}, i.e. {@code facebook/bart-large}). */
    private static final BartConfig HF_DEFAULTS = new BartConfig(50265, 1024, 12, 12, 16, 16, 4096, 4096, 1024,
            "gelu", false, 1, 0, 2, 2, null, 2, false, false, true, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.02);

    /**
     * Validates the values.
     *
     * @param vocabSize {@code vocab_size}
     * @param dModel {@code d_model}
     * @param encoderLayers {@code encoder_layers}
     * @param decoderLayers {@code decoder_layers}
     * @param encoderAttentionHeads {@code encoder_attention_heads}
     * @param decoderAttentionHeads {@code decoder_attention_heads}
     * @param encoderFfnDim {@code encoder_ffn_dim}
     * @param decoderFfnDim {@code decoder_ffn_dim}
     * @param maxPositionEmbeddings {@code max_position_embeddings}
     * @param activationFunction {@code activation_function}
     * @param scaleEmbedding {@code scale_embedding}
     * @param padTokenId {@code pad_token_id}
     * @param bosTokenId {@code bos_token_id}
     * @param eosTokenId {@code eos_token_id}
     * @param decoderStartTokenId {@code decoder_start_token_id}
     * @param forcedBosTokenId {@code forced_bos_token_id}, or null
     * @param forcedEosTokenId {@code forced_eos_token_id}, or null
     * @param normalizeBefore {@code normalize_before}
     * @param addFinalLayerNorm {@code add_final_layer_norm}
     * @param tieWordEmbeddings {@code tie_word_embeddings}
     * @param dropout {@code dropout}
     * @param attentionDropout {@code attention_dropout}
     * @param activationDropout {@code activation_dropout}
     * @param classifierDropout {@code classifier_dropout}
     * @param encoderLayerdrop {@code encoder_layerdrop}
     * @param decoderLayerdrop {@code decoder_layerdrop}
     * @param initStd {@code init_std}
     * @throws IllegalArgumentException naming the {@code config.json} key of the first invalid value
     */
    public BartConfig {
        positive("vocab_size", vocabSize);
        positive("d_model", dModel);
        positive("encoder_layers", encoderLayers);
        positive("decoder_layers", decoderLayers);
        heads("encoder_attention_heads", encoderAttentionHeads, dModel);
        heads("decoder_attention_heads", decoderAttentionHeads, dModel);
        positive("encoder_ffn_dim", encoderFfnDim);
        positive("decoder_ffn_dim", decoderFfnDim);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (ActivationFunction.byName(activationFunction) == null) {
            throw new FieldException("activation_function", "unsupported value " + quote(activationFunction)
                    + "; supported: " + ActivationFunction.NAMES);
        }
        tokenId("pad_token_id", padTokenId, vocabSize);
        tokenId("bos_token_id", bosTokenId, vocabSize);
        tokenId("eos_token_id", eosTokenId, vocabSize);
        tokenId("decoder_start_token_id", decoderStartTokenId, vocabSize);
        if (forcedBosTokenId != null) {
            tokenId("forced_bos_token_id", forcedBosTokenId, vocabSize);
        }
        if (forcedEosTokenId != null) {
            tokenId("forced_eos_token_id", forcedEosTokenId, vocabSize);
        }
        if (normalizeBefore) {
            throw new FieldException("normalize_before", "true (mBART-style pre-LN) is not supported; expected false");
        }
        if (addFinalLayerNorm) {
            throw new FieldException("add_final_layer_norm", "true (mBART-style) is not supported; expected false");
        }
        probability("dropout", dropout);
        probability("attention_dropout", attentionDropout);
        probability("activation_dropout", activationDropout);
        probability("classifier_dropout", classifierDropout);
        probability("encoder_layerdrop", encoderLayerdrop);
        probability("decoder_layerdrop", decoderLayerdrop);
        if (!(initStd > 0 && Double.isFinite(initStd))) {
            throw new FieldException("init_std", "must be a positive number, got " + initStd);
        }
    }

    /**
     * Returns Hugging Face's defaults ({@code facebook/bart-large}).
     *
     * @return the default configuration
     */
    public static BartConfig defaults() {
        return HF_DEFAULTS;
    }

    /**
     * Starts a configuration from Hugging Face's defaults.
     *
     * @return a builder
     */
    public static BartConfigBuilder builder() {
        return new BartConfigBuilder(HF_DEFAULTS);
    }

    /**
     * Starts a configuration from this one.
     *
     * @return a builder holding these values
     */
    public BartConfigBuilder toBuilder() {
        return new BartConfigBuilder(this);
    }

    /**
     * Reads a Hugging Face {@code config.json}. A {@code model_type} other than {@value #MODEL_TYPE} is refused (a
     * file without one is read as BART's, as {@code BartConfig.from_pretrained} reads it); other keys this class
     * does not model ({@code architectures}, {@code id2label}, ...) are ignored; missing keys take Hugging Face's
     * defaults.
     *
     * @param file the {@code config.json}
     * @return the configuration
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is not JSON, is another model's configuration, or a value has
     *     the wrong type or is invalid; its field is the key
     */
    public static BartConfig read(Path file) throws IOException {
        String location = file.toString();
        ObjectNode json = Json.readObject(file);
        JsonNode type = json.get("model_type");
        if (type != null && !(type.isTextual() && type.textValue().equals(MODEL_TYPE))) {
            // Without this check another model's config.json would read as BART's defaults and fail later, on a
            // missing tensor, far from the cause.
            throw new MalformedDataException(location, 0, "model_type", "unsupported value "
                    + (type.isTextual() ? quote(type.textValue()) : type.toString()) + "; expected '" + MODEL_TYPE
                    + "'");
        }
        ObjectNode merged = Json.MAPPER.valueToTree(HF_DEFAULTS);
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            if (merged.has(e.getKey())) {
                merged.set(e.getKey(), e.getValue());
            }
        }
        try {
            return Json.MAPPER.treeToValue(merged, BartConfig.class);
        } catch (JsonProcessingException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof FieldException f) {
                    throw new MalformedDataException(location, 0, f.field, f.problem, e);
                }
            }
            throw new MalformedDataException(location, 0, Json.path(e), e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes this configuration as a Hugging Face {@code config.json} (keys sorted, as {@code save_pretrained}
     * writes them), with {@code model_type}, {@code architectures} and {@code is_encoder_decoder} added so that
     * {@code transformers} loads it as a {@code BartForConditionalGeneration}.
     *
     * @param file the file to write, atomically
     * @throws IOException when writing fails
     */
    public void write(Path file) throws IOException {
        ObjectNode fields = Json.MAPPER.valueToTree(this);
        fields.put("model_type", MODEL_TYPE);
        fields.putPOJO("architectures", List.of("BartForConditionalGeneration"));
        fields.put("is_encoder_decoder", true);
        fields.put("torch_dtype", "float32");
        Map<String, JsonNode> sorted = new TreeMap<>();
        fields.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(sorted) + "\n");
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new FieldException(field, "must be positive, got " + value);
        }
    }

    private static void heads(String field, int heads, int dModel) {
        positive(field, heads);
        if (dModel % heads != 0) {
            throw new FieldException(field, heads + " does not divide d_model " + dModel);
        }
    }

    private static void tokenId(String field, int id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new FieldException(field, id + " is outside the vocabulary [0, " + vocabSize + ")");
        }
    }

    private static void probability(String field, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new FieldException(field, "must be in [0, 1), got " + p);
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    /** An invalid value, with the {@code config.json} key it came from. */
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
