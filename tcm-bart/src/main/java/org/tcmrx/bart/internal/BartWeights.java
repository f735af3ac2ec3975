package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.bart.BartConfig;

/**
 * The weights of a BART, as blocks ready to run, and the one {@link NDManager} that owns them. Tied tensors are one
 * array: both embeddings read {@code model.shared.weight}, and so does the output projection when
 * {@code tie_word_embeddings} is true.
 */
public final class BartWeights implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final Embeddings encoderEmbeddings;
    private final Embeddings decoderEmbeddings;
    private final List<EncoderLayer> encoderLayers;
    private final List<DecoderLayer> decoderLayers;

    private BartWeights(BartConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        ActivationFunction act = ActivationFunction.byName(config.activationFunction());
        this.encoderEmbeddings = embeddings("model.encoder.");
        this.decoderEmbeddings = embeddings("model.decoder.");
        List<EncoderLayer> enc = new ArrayList<>();
        for (int i = 0; i < config.encoderLayers(); i++) {
            String p = "model.encoder.layers." + i + ".";
            enc.add(new EncoderLayer(attention(p + "self_attn.", config.encoderAttentionHeads()),
                    layerNorm(p + "self_attn_layer_norm."), feedForward(p, act), layerNorm(p + "final_layer_norm.")));
        }
        List<DecoderLayer> dec = new ArrayList<>();
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "model.decoder.layers." + i + ".";
            int h = config.decoderAttentionHeads();
            dec.add(new DecoderLayer(attention(p + "self_attn.", h), layerNorm(p + "self_attn_layer_norm."),
                    attention(p + "encoder_attn.", h), layerNorm(p + "encoder_attn_layer_norm."),
                    feedForward(p, act), layerNorm(p + "final_layer_norm.")));
        }
        this.encoderLayers = List.copyOf(enc);
        this.decoderLayers = List.copyOf(dec);
    }

    /**
     * Assembles the blocks from named arrays, taking ownership of the manager.
     *
     * @param config the configuration
     * @param manager the manager that owns every array
     * @param arrays every tensor of {@link WeightLayout#of}, by name and with its shape
     * @return the weights
     * @throws IllegalArgumentException when a tensor is missing (a bug: callers check the layout first)
     */
    public static BartWeights assemble(BartConfig config, NDManager manager, Map<String, NDArray> arrays) {
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (String name : WeightLayout.of(config).keySet()) {
            NDArray a = arrays.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no array for " + name);
            }
            a.setName(name);
            ordered.put(name, a);
        }
        return new BartWeights(config, manager, ordered);
    }

    /**
     * Returns every distinct tensor under its Hugging Face name, in module order; tied copies are not listed.
     *
     * @return an unmodifiable map of the live arrays
     */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Returns the manager that owns the weights.
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * Returns the shared token table.
     *
     * @return {@code model.shared.weight}, {@code [V, C]}
     */
    public NDArray shared() {
        return parameters.get(WeightLayout.SHARED);
    }

    /**
     * Returns the output projection.
     *
     * @return {@code lm_head.weight}, or {@code model.shared.weight} when tied; {@code [V, C]}
     */
    public NDArray lmHead() {
        return parameters.getOrDefault(WeightLayout.LM_HEAD, shared());
    }

    /**
     * Returns the logits bias.
     *
     * @return {@code final_logits_bias}, {@code [1, V]}
     */
    public NDArray finalLogitsBias() {
        return parameters.get(WeightLayout.FINAL_LOGITS_BIAS);
    }

    /**
     * Returns the encoder's input block.
     *
     * @return positions and {@code layernorm_embedding} of {@code model.encoder}
     */
    public Embeddings encoderEmbeddings() {
        return encoderEmbeddings;
    }

    /**
     * Returns the decoder's input block.
     *
     * @return positions and {@code layernorm_embedding} of {@code model.decoder}
     */
    public Embeddings decoderEmbeddings() {
        return decoderEmbeddings;
    }

    /**
     * Returns the encoder layers.
     *
     * @return {@code model.encoder.layers}, in order
     */
    public List<EncoderLayer> encoderLayers() {
        return encoderLayers;
    }

    /**
     * Returns the decoder layers.
     *
     * @return {@code model.decoder.layers}, in order
     */
    public List<DecoderLayer> decoderLayers() {
        return decoderLayers;
    }

    /** Frees every weight. */
    @Override
    public void close() {
        manager.close();
    }

    private Embeddings embeddings(String prefix) {
        return new Embeddings(parameters.get(prefix + "embed_positions.weight"),
                layerNorm(prefix + "layernorm_embedding."));
    }

    private Attention attention(String prefix, int heads) {
        return new Attention(projection(prefix + "q_proj."), projection(prefix + "k_proj."),
                projection(prefix + "v_proj."), projection(prefix + "out_proj."), heads);
    }

    private FeedForward feedForward(String prefix, ActivationFunction act) {
        return new FeedForward(projection(prefix + "fc1."), projection(prefix + "fc2."), act);
    }

    private Projection projection(String prefix) {
        return new Projection(parameters.get(prefix + "weight"), parameters.get(prefix + "bias"));
    }

    private LayerNorm layerNorm(String prefix) {
        return new LayerNorm(parameters.get(prefix + "weight"), parameters.get(prefix + "bias"));
    }
}
