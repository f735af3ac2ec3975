package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.lora.Qwen2Config;

/**
 * The weights of a Qwen2 causal language model, as blocks ready to run, and the one {@link NDManager} that owns them.
 * A tied output projection is the token table itself, one array.
 */
public final class Qwen2Weights implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final List<DecoderLayer> layers;
    private final Map<String, Linear> linears = new LinkedHashMap<>();
    private final RmsNorm norm;

    private Qwen2Weights(Qwen2Config config, NDManager manager, Map<String, NDArray> parameters) {
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        float eps = (float) config.rmsNormEps();
        List<DecoderLayer> built = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = WeightLayout.layerPrefix(i);
            Attention attention = new Attention(linear(p + "self_attn.q_proj."), linear(p + "self_attn.k_proj."),
                    linear(p + "self_attn.v_proj."), linear(p + "self_attn.o_proj."), config.numAttentionHeads(),
                    config.numKeyValueHeads(), config.headSize(), (float) config.attentionDropout());
            SwiGlu mlp = new SwiGlu(linear(p + "mlp.gate_proj."), linear(p + "mlp.up_proj."),
                    linear(p + "mlp.down_proj."));
            built.add(new DecoderLayer(attention, mlp, new RmsNorm(parameters.get(p + "input_layernorm.weight"), eps),
                    new RmsNorm(parameters.get(p + "post_attention_layernorm.weight"), eps)));
        }
        this.layers = List.copyOf(built);
        this.norm = new RmsNorm(parameters.get(WeightLayout.NORM), eps);
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
    public static Qwen2Weights assemble(Qwen2Config config, NDManager manager, Map<String, NDArray> arrays) {
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (String name : WeightLayout.of(config).keySet()) {
            NDArray a = arrays.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no array for " + name);
            }
            a.setName(name);
            ordered.put(name, a);
        }
        return new Qwen2Weights(config, manager, ordered);
    }

    /**
     * Returns every distinct tensor under its Hugging Face name, in module order; a tied output projection is not
     * listed apart from the token table.
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
     * Returns the token table.
     *
     * @return {@code model.embed_tokens.weight}, {@code [V, C]}
     */
    public NDArray embedTokens() {
        return parameters.get(WeightLayout.EMBED_TOKENS);
    }

    /**
     * Returns the output projection.
     *
     * @return {@code lm_head.weight}, or {@code model.embed_tokens.weight} when tied; {@code [V, C]}
     */
    public NDArray lmHead() {
        return parameters.getOrDefault(WeightLayout.LM_HEAD, embedTokens());
    }

    /**
     * Returns the decoder layers.
     *
     * @return {@code model.layers}, in order
     */
    public List<DecoderLayer> layers() {
        return layers;
    }

    /**
     * Returns every projection of the decoder layers under its Hugging Face module path
     * ({@code model.layers.0.self_attn.q_proj}), in the order of {@code model.named_modules()}: per layer
     * {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj}, {@code gate_proj}, {@code up_proj},
     * {@code down_proj}. The output projection is not among them.
     *
     * @return an unmodifiable map of the live projections
     */
    public Map<String, Linear> linears() {
        return Collections.unmodifiableMap(linears);
    }

    /**
     * Returns the final norm.
     *
     * @return {@code model.norm}
     */
    public RmsNorm norm() {
        return norm;
    }

    /** Frees every weight still owned by the manager. */
    @Override
    public void close() {
        manager.close();
    }

    private Linear linear(String prefix) {
        Linear linear = new Linear(parameters.get(prefix + "weight"), parameters.get(prefix + "bias"));
        linears.put(prefix.substring(0, prefix.length() - 1), linear);
        return linear;
    }
}
