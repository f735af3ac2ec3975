package org.tcmrx.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.TcmRxVersion;
import org.tcmrx.lora.Qwen2Config.FieldException;
import org.tcmrx.lora.internal.AdapterTensors;
import org.tcmrx.lora.internal.Linear;
import org.tcmrx.lora.internal.LoraBranch;
import org.tcmrx.lora.internal.Qwen2Weights;

/**
 * A PEFT LoRA adapter on a {@link Qwen2Model}, made by {@link Qwen2Model#applyLora} or {@link Qwen2Model#loadAdapter}.
 * As PEFT's injection, it changes the model in place: while the adapter is enabled, every forward pass, greedy
 * decoding included, computes {@code y = x W^T (+ b) + dropout(x) A^T B^T * scaling} in each adapted projection
 * ({@code lora_dropout} applies only in {@link Qwen2Model#forward(NDArray, NDArray, boolean) training mode}).
 *
 * <p>States: enabled and unmerged (the LoRA branches run beside the base weights), merged (the base weights hold
 * {@code W + scaling * B @ A} and the branches are off: same outputs, no extra cost), or disabled (the base model
 * exactly, e.g. DPO's reference). {@link #close} unloads the adapter and leaves the base model as it was (unmerging
 * first); {@link #mergeAndUnload} leaves the merged weights behind.
 *
 * <p>Training: {@link #parameters()} are the live {@code lora_A}/{@code lora_B} arrays under PEFT's file keys
 * ({@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}), distinct from the base weights' names, so
 * one {@code ParameterStore} can hold both with only the adapter trainable:
 * <pre>{@code
 * model.parameters().forEach((name, array) -> store.add(name, array, false));
 * adapter.parameters().forEach((name, array) -> store.add(name, array, true));
 * }</pre>
 * The store then owns the arrays (closing it frees them). Train unmerged: a merged adapter's branches are off.
 *
 * <p>Not thread-safe: enable, disable, merge and unmerge while no forward pass runs.
 */
public final class LoraAdapter implements AutoCloseable {
    /** The configuration file of an adapter folder. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** The weights file of an adapter folder. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** The prefix of PEFT's keys: {@code PeftModel.base_model} (the LoRA model) and its {@code model}. */
    public static final String KEY_PREFIX = "base_model.model.";

    private final Qwen2Model model;
    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, Linear> modules = new LinkedHashMap<>();
    private final Map<String, LoraBranch> branches = new LinkedHashMap<>();
    private final Map<String, NDArray> parameters;
    private boolean enabled = true;
    private boolean merged;
    private boolean unloaded;

    private LoraAdapter(Qwen2Model model, Qwen2Weights weights, LoraConfig config, List<String> selected,
            NDManager manager, Map<String, NDArray> arrays) {
        this.model = model;
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(arrays);
        for (String module : selected) {
            NDArray a = arrays.get(keyA(module));
            NDArray b = arrays.get(keyB(module));
            a.setName(keyA(module));
            b.setName(keyB(module));
            modules.put(module, weights.linears().get(module));
            branches.put(module, new LoraBranch(a, b, (float) config.scaling(), (float) config.loraDropout()));
        }
        plugBranches(true);
    }

    /** Adds a new adapter, initialised as {@code init_lora_weights} says (see {@link Qwen2Model#applyLora}). */
    static LoraAdapter create(Qwen2Model model, Qwen2Weights weights, LoraConfig config, long seed) {
        List<String> selected = LoraTargets.select(config.targetModules(), weights.layers().size());
        NDManager manager = newManager(weights);
        try {
            Map<String, NDArray> arrays = AdapterTensors.init(layout(weights, selected, config.r()),
                    config.initLoraWeights(), seed, manager);
            return new LoraAdapter(model, weights, resolved(config, selected), selected, manager, arrays);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Loads a PEFT adapter folder (see {@link Qwen2Model#loadAdapter}). */
    static LoraAdapter load(Qwen2Model model, Qwen2Weights weights, Path dir) throws IOException {
        Path configFile = dir.resolve(CONFIG_FILE);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        LoraConfig config = LoraConfig.read(configFile);
        List<String> selected;
        try {
            selected = LoraTargets.select(config.targetModules(), weights.layers().size());
        } catch (FieldException e) {
            throw new MalformedDataException(configFile.toString(), 0, e.field, e.problem, e);
        }
        if (!Files.exists(weightsFile) && Files.exists(dir.resolve("adapter_model.bin"))) {
            throw new NoSuchFileException(weightsFile.toString(), null, "only adapter_model.bin is there, a pickle "
                    + "that is not read; save the adapter with safe_serialization=True");
        }
        NDManager manager = newManager(weights);
        try {
            String source = CONFIG_FILE + " (r " + config.r() + ", target_modules " + config.targetModules() + ")";
            Map<String, NDArray> arrays = AdapterTensors.read(weightsFile, layout(weights, selected, config.r()),
                    source, manager);
            return new LoraAdapter(model, weights, resolved(config, selected), selected, manager, arrays);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static NDManager newManager(Qwen2Weights weights) {
        NDManager manager = weights.manager().newSubManager();
        manager.setName("lora-adapter");
        return manager;
    }

    /** PEFT saves {@code all-linear} resolved to the selected modules' last names. */
    private static LoraConfig resolved(LoraConfig config, List<String> selected) {
        return config.targetsAllLinear()
                ? config.toBuilder().optTargetModules(LoraTargets.leafNames(selected)).build()
                : config;
    }

    /** Every key with its shape: per module, {@code lora_A [R, in]} then {@code lora_B [out, R]}. */
    private static Map<String, long[]> layout(Qwen2Weights weights, List<String> selected, int r) {
        Map<String, long[]> layout = new LinkedHashMap<>();
        for (String module : selected) {
            long[] w = weights.linears().get(module).weight().getShape().getShape(); // [out, in]
            layout.put(keyA(module), new long[] {r, w[1]});
            layout.put(keyB(module), new long[] {w[0], r});
        }
        return layout;
    }

    private static String keyA(String module) {
        return KEY_PREFIX + module + ".lora_A.weight";
    }

    private static String keyB(String module) {
        return KEY_PREFIX + module + ".lora_B.weight";
    }

    /**
     * Tells whether a parameter name is one of an adapter's, e.g. for {@code store.setTrainable(...)}.
     *
     * @param name a parameter name
     * @return true for PEFT's {@code base_model.model.<module>.lora_A.weight} and {@code .lora_B.weight}
     */
    public static boolean isAdapterParameter(String name) {
        return name.startsWith(KEY_PREFIX) && (name.endsWith(".lora_A.weight") || name.endsWith(".lora_B.weight"));
    }

    /**
     * Returns the configuration; an {@code all-linear} one lists the adapted projections' names, as PEFT saves it.
     *
     * @return the configuration
     */
    public LoraConfig config() {
        return config;
    }

    /**
     * Returns the adapted modules.
     *
     * @return their Hugging Face module paths ({@code model.layers.0.self_attn.q_proj}), in module order
     */
    public List<String> modules() {
        return List.copyOf(modules.keySet());
    }

    /**
     * Returns the adapter's weights under PEFT's file keys, per module {@code lora_A} ({@code [r, in]}) then
     * {@code lora_B} ({@code [out, r]}). The arrays are the adapter's own: an optimiser updates them in place.
     *
     * @return an unmodifiable map
     * @throws IllegalStateException when the adapter was unloaded
     */
    public Map<String, NDArray> parameters() {
        requireLoaded();
        return parameters;
    }

    /**
     * Tells whether the adapter takes part in the forward pass.
     *
     * @return true while enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Switches the adapter on or off, as PEFT's {@code enable_adapter_layers} and {@code disable_adapter_layers}.
     * Disabled, the model computes the base model's outputs exactly; a merged adapter is unmerged first, as PEFT
     * does, so the base weights are back up to float rounding.
     *
     * @param on whether the adapter applies
     * @throws IllegalStateException when the adapter was unloaded
     */
    public void setEnabled(boolean on) {
        requireLoaded();
        if (!on && merged) {
            unmerge();
        }
        enabled = on;
        plugBranches(on && !merged);
    }

    /**
     * Tells whether the update is merged into the base weights.
     *
     * @return true while merged
     */
    public boolean isMerged() {
        return merged;
    }

    /**
     * Adds {@code scaling * B @ A} to each adapted weight in place and switches the branches off, as PEFT's
     * {@code merge_adapter}: the outputs stay the same (up to float rounding) at the base model's cost. Does nothing
     * when already merged. Call it outside any gradient collector. A float16 weight
     * ({@link WeightStorage#FLOAT16}) is merged in float32 and rounded back to float16 once, so the merged model
     * differs from the unmerged one by that rounding (a relative 2<sup>-11</sup> of each merged weight at most).
     *
     * @throws IllegalStateException when the adapter is disabled or was unloaded
     */
    public void merge() {
        requireLoaded();
        if (!enabled) {
            throw new IllegalStateException("the adapter is disabled; enable it before merging");
        }
        if (merged) {
            return;
        }
        for (Map.Entry<String, LoraBranch> e : branches.entrySet()) {
            try (NDManager scope = manager.newSubManager()) {
                modules.get(e.getKey()).addToWeight(e.getValue().delta(scope));
            }
        }
        merged = true;
        plugBranches(false);
    }

    /**
     * Subtracts {@code scaling * B @ A} from each adapted weight again and switches the branches back on, as PEFT's
     * {@code unmerge_adapter}; the base weights come back up to float rounding (one float16 rounding of each weight
     * with {@link WeightStorage#FLOAT16}, so not bit for bit). Does nothing when not merged.
     *
     * @throws IllegalStateException when the adapter was unloaded
     */
    public void unmerge() {
        requireLoaded();
        if (!merged) {
            return;
        }
        for (Map.Entry<String, LoraBranch> e : branches.entrySet()) {
            try (NDManager scope = manager.newSubManager()) {
                modules.get(e.getKey()).addToWeight(e.getValue().delta(scope).neg()); // W + (-d) is W - d exactly
            }
        }
        merged = false;
        plugBranches(enabled);
    }

    /**
     * Writes the adapter as PEFT's {@code save_pretrained} does: {@code adapter_config.json} (with
     * {@code inference_mode} true) and {@code adapter_model.safetensors} (float32, PEFT's keys, metadata
     * {@code format: pt} with the producer and version). {@code PeftModel.from_pretrained} reads the folder.
     *
     * @param dir the folder, created when absent; existing files of the same names are replaced
     * @throws IOException when writing fails
     * @throws IllegalStateException when the adapter was unloaded
     */
    public void save(Path dir) throws IOException {
        requireLoaded();
        Files.createDirectories(dir);
        AdapterTensors.write(dir.resolve(WEIGHTS_FILE), parameters,
                Map.of("producer", "tcmrx " + LoraAdapter.class.getSimpleName(), "version", TcmRxVersion.VERSION));
        config.toBuilder().optInferenceMode(true).build().write(dir.resolve(CONFIG_FILE));
    }

    /**
     * Merges the adapter for good and removes it, as PEFT's {@code merge_and_unload}: the model keeps the merged
     * weights ({@link Qwen2Model#save} then writes a plain merged checkpoint) and can take a new adapter.
     *
     * @throws IllegalStateException when the adapter is disabled or was unloaded
     */
    public void mergeAndUnload() {
        merge();
        detach();
    }

    /**
     * Removes the adapter, as PEFT's {@code unload}: a merged adapter is unmerged first, so the model is the base
     * model again and can take a new adapter. Frees the adapter's arrays unless a {@code ParameterStore} has taken
     * them. Does nothing the second time.
     */
    @Override
    public void close() {
        if (unloaded) {
            return;
        }
        unmerge();
        detach();
    }

    /** Marks the adapter unloaded when its model frees everything, without touching the freed arrays. */
    void modelClosed() {
        unloaded = true;
    }

    private void detach() {
        plugBranches(false);
        unloaded = true;
        model.detach(this);
        manager.close();
    }

    private void plugBranches(boolean on) {
        modules.forEach((module, linear) -> linear.setLora(on ? branches.get(module) : null));
    }

    private void requireLoaded() {
        if (unloaded) {
            throw new IllegalStateException("the adapter was unloaded");
        }
    }
}
