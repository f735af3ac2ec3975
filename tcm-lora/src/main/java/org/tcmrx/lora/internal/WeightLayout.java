package org.tcmrx.lora.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.lora.Qwen2Config;

/**
 * The tensors of a {@code Qwen2ForCausalLM} under Hugging Face's names, with the shapes a configuration implies: the
 * one list that loading, random initialisation, saving and the parameter map all follow.
 */
public final class WeightLayout {
    /** The token table, also the output projection when {@code tie_word_embeddings} is true. */
    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    /** The final RMSNorm's scale. */
    public static final String NORM = "model.norm.weight";
    /** The output projection when it is not tied. */
    public static final String LM_HEAD = "lm_head.weight";

    private WeightLayout() {}

    /**
     * Lists every distinct tensor in the order of {@code model.named_parameters()}: the embeddings, each layer's
     * {@code self_attn}, {@code mlp}, {@code input_layernorm} and {@code post_attention_layernorm} (the order the
     * layer registers them), the final norm and, when untied, {@code lm_head.weight}.
     *
     * @param config the configuration
     * @return name to shape
     */
    public static Map<String, long[]> of(Qwen2Config config) {
        long v = config.vocabSize();
        long c = config.hiddenSize();
        long q = (long) config.numAttentionHeads() * config.headSize();
        long kv = (long) config.numKeyValueHeads() * config.headSize();
        long i = config.intermediateSize();
        Map<String, long[]> layout = new LinkedHashMap<>();
        layout.put(EMBED_TOKENS, new long[] {v, c});
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String p = layerPrefix(layer);
            linear(layout, p + "self_attn.q_proj.", q, c, true);
            linear(layout, p + "self_attn.k_proj.", kv, c, true);
            linear(layout, p + "self_attn.v_proj.", kv, c, true);
            linear(layout, p + "self_attn.o_proj.", c, q, false);
            linear(layout, p + "mlp.gate_proj.", i, c, false);
            linear(layout, p + "mlp.up_proj.", i, c, false);
            linear(layout, p + "mlp.down_proj.", c, i, false);
            layout.put(p + "input_layernorm.weight", new long[] {c});
            layout.put(p + "post_attention_layernorm.weight", new long[] {c});
        }
        layout.put(NORM, new long[] {c});
        if (!config.tieWordEmbeddings()) {
            layout.put(LM_HEAD, new long[] {v, c});
        }
        return layout;
    }

    /**
     * Lists the names a checkpoint may carry as copies of a tied table; their values are not used.
     *
     * @param config the configuration
     * @return {@code lm_head.weight} when {@code tie_word_embeddings} is true, else nothing
     */
    public static List<String> tiedCopies(Qwen2Config config) {
        return config.tieWordEmbeddings() ? List.of(LM_HEAD) : List.of();
    }

    /**
     * Returns the name prefix of a decoder layer.
     *
     * @param layer the layer's index
     * @return {@code model.layers.<layer>.}
     */
    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    private static void linear(Map<String, long[]> layout, String prefix, long out, long in, boolean bias) {
        layout.put(prefix + "weight", new long[] {out, in});
        if (bias) {
            layout.put(prefix + "bias", new long[] {out});
        }
    }

    /**
     * Tells whether a tensor is an RMSNorm scale (initialised to 1).
     *
     * @param name a name from {@link #of}
     * @return true for the layers' norms and {@code model.norm.weight}
     */
    static boolean isNormScale(String name) {
        return name.endsWith("layernorm.weight") || name.equals(NORM);
    }

    /**
     * Tells whether a tensor is a weight matrix: a projection's weight, the token table or the output projection.
     *
     * @param name a name from {@link #of}
     * @return true for every {@code .weight} but the RMSNorm scales; false for biases and norms
     */
    public static boolean isMatrix(String name) {
        return name.endsWith(".weight") && !isNormScale(name);
    }
}
