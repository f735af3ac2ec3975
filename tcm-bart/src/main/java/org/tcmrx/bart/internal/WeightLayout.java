package org.tcmrx.bart.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.bart.BartConfig;

/**
 * The tensors of a {@code BartForConditionalGeneration} under Hugging Face's names, with the shapes a configuration
 * implies: the one list that loading, random initialisation, saving and the parameter map all follow.
 */
public final class WeightLayout {
    /** The token table, shared by both embeddings and (when tied) the output projection. */
    public static final String SHARED = "model.shared.weight";
    /** The output projection when it is not tied. */
    public static final String LM_HEAD = "lm_head.weight";
    /** The bias added to the logits, {@code [1, V]}; a buffer in Hugging Face, zero unless trained. */
    public static final String FINAL_LOGITS_BIAS = "final_logits_bias";
    /** Hugging Face's per-side copies of {@link #SHARED}; some checkpoints carry them, none needs them. */
    public static final List<String> EMBED_TOKENS_COPIES =
            List.of("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight");

    private WeightLayout() {}

    /**
     * Lists every distinct tensor, in Hugging Face's module order.
     *
     * @param config the configuration
     * @return name to shape; {@code lm_head.weight} only when {@code tie_word_embeddings} is false
     */
    public static Map<String, long[]> of(BartConfig config) {
        long v = config.vocabSize();
        long c = config.dModel();
        Map<String, long[]> layout = new LinkedHashMap<>();
        layout.put(SHARED, new long[] {v, c});
        side(layout, "model.encoder.", config);
        for (int i = 0; i < config.encoderLayers(); i++) {
            String p = "model.encoder.layers." + i + ".";
            attention(layout, p + "self_attn.", c);
            layerNorm(layout, p + "self_attn_layer_norm.", c);
            feedForward(layout, p, c, config.encoderFfnDim());
        }
        side(layout, "model.decoder.", config);
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "model.decoder.layers." + i + ".";
            attention(layout, p + "self_attn.", c);
            layerNorm(layout, p + "self_attn_layer_norm.", c);
            attention(layout, p + "encoder_attn.", c);
            layerNorm(layout, p + "encoder_attn_layer_norm.", c);
            feedForward(layout, p, c, config.decoderFfnDim());
        }
        if (!config.tieWordEmbeddings()) {
            layout.put(LM_HEAD, new long[] {v, c});
        }
        layout.put(FINAL_LOGITS_BIAS, new long[] {1, v});
        return layout;
    }

    /**
     * Lists the names a checkpoint may carry as copies of {@link #SHARED}; their values are not used.
     *
     * @param config the configuration
     * @return the per-side embedding copies, and {@code lm_head.weight} when {@code tie_word_embeddings} is true
     */
    public static List<String> tiedCopies(BartConfig config) {
        return config.tieWordEmbeddings()
                ? List.of(EMBED_TOKENS_COPIES.get(0), EMBED_TOKENS_COPIES.get(1), LM_HEAD)
                : EMBED_TOKENS_COPIES;
    }

    private static void side(Map<String, long[]> layout, String prefix, BartConfig config) {
        long c = config.dModel();
        layout.put(prefix + "embed_positions.weight", new long[] {config.maxPositionEmbeddings() + 2L, c});
        layerNorm(layout, prefix + "layernorm_embedding.", c);
    }

    private static void attention(Map<String, long[]> layout, String prefix, long c) {
        for (String proj : List.of("k_proj", "v_proj", "q_proj", "out_proj")) {
            linear(layout, prefix + proj + ".", c, c);
        }
    }

    private static void feedForward(Map<String, long[]> layout, String prefix, long c, long f) {
        linear(layout, prefix + "fc1.", f, c);
        linear(layout, prefix + "fc2.", c, f);
        layerNorm(layout, prefix + "final_layer_norm.", c);
    }

    private static void linear(Map<String, long[]> layout, String prefix, long out, long in) {
        layout.put(prefix + "weight", new long[] {out, in});
        layout.put(prefix + "bias", new long[] {out});
    }

    private static void layerNorm(Map<String, long[]> layout, String prefix, long c) {
        layout.put(prefix + "weight", new long[] {c});
        layout.put(prefix + "bias", new long[] {c});
    }

    /**
     * Tells whether a tensor is a LayerNorm scale (initialised to 1).
     *
     * @param name a name from {@link #of}
     * @return true for {@code *layer_norm.weight} and {@code layernorm_embedding.weight}
     */
    static boolean isNormScale(String name) {
        return name.endsWith("layer_norm.weight") || name.endsWith("layernorm_embedding.weight");
    }
}
