package org.tcmrx.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.TcmRxVersion;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.lora.internal.CheckpointLoader;
import org.tcmrx.lora.internal.CheckpointWriter;
import org.tcmrx.lora.internal.DecoderStack;
import org.tcmrx.lora.internal.KvCache;
import org.tcmrx.lora.internal.Linear;
import org.tcmrx.lora.internal.Qwen2Weights;
import org.tcmrx.lora.internal.RandomInit;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code Qwen2ForCausalLM} on DJL: the same weights under the same names give the same logits. The
 * configuration, the weights and the per-generation state ({@link Qwen2Cache}) are separate.
 *
 * <p>Arrays: ids are {@code [B, T]} int64 or int32 arrays; an attention mask is {@code [B, P + T]}, 1 for real tokens
 * and 0 for padding, covering the {@code P} cached tokens and the {@code T} new ones (as Hugging Face's
 * {@code attention_mask} during generation), or null when nothing is padding. Positions run {@code P .. P + T - 1} in
 * every row, Hugging Face's default without {@code position_ids}, which is right for right padding; for left padding
 * pass explicit {@code positionIds} to {@link #forward(NDArray, NDArray, NDArray, Qwen2Cache)}, as {@link Generator}
 * does. Every result lands in the manager of the input ids and every temporary is freed before a method returns, so
 * a caller that creates its inputs in a per-step sub-manager leaves nothing behind. The forward pass uses
 * only differentiable operations and never copies to the JVM, so it trains under a {@code GradientCollector} once the
 * {@link #parameters()} require gradients. Only {@link #forward(NDArray, NDArray, boolean)} in training mode applies
 * dropout ({@code lora_dropout}, {@code attention_dropout}); every other method computes what {@code model.eval()}
 * computes.
 *
 * <p>LoRA: {@link #applyLora} and {@link #loadAdapter} add a PEFT adapter in place, one at a time; every method then
 * runs with it (see {@link LoraAdapter}) until it is disabled or closed. {@link #parameters()} stay the base weights.
 */
public final class Qwen2Model implements AutoCloseable {
    /** The configuration file of a model folder. */
    public static final String CONFIG_FILE = "config.json";
    /** The weights file written by {@link #save}. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    private final Qwen2Config config;
    private final Qwen2Weights weights;
    private final WeightStorage storage;
    private final DecoderStack stack;
    private LoraAdapter adapter;

    private Qwen2Model(Qwen2Config config, Qwen2Weights weights, WeightStorage storage) {
        this.config = config;
        this.weights = weights;
        this.storage = storage;
        this.stack = new DecoderStack(config, weights);
    }

    /**
     * Loads a Hugging Face model folder with float32 weights; see {@link #load(Path, Device, WeightStorage)}.
     *
     * @param dir the folder
     * @param device where the weights go
     * @return the model; close it to free the weights
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when {@code config.json} is invalid, or a tensor is missing, unexpected,
     *     mis-shaped or not floating-point (the message names the file and the key)
     */
    public static Qwen2Model load(Path dir, Device device) throws IOException {
        return load(dir, device, WeightStorage.FLOAT32);
    }

    /**
     * Loads a Hugging Face model folder: {@code config.json} and {@code model.safetensors} (or
     * {@code model.safetensors.index.json} and its shards), stored as F32, F16 or BF16. Tensors go into native memory
     * in chunks of at most 64 MiB, so loading needs no Java array of a whole tensor, whatever the model's size.
     *
     * @param dir the folder
     * @param device where the weights go
     * @param storage float32 weights, or float16 weight matrices (see {@link WeightStorage})
     * @return the model; close it to free the weights
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when {@code config.json} is invalid, or a tensor is missing, unexpected,
     *     mis-shaped or not floating-point (the message names the file and the key)
     * @throws IllegalArgumentException when {@code storage} is null, or is {@code FLOAT16} and a weight matrix has
     *     values beyond float16's range (the message names the file, the key and the count)
     */
    public static Qwen2Model load(Path dir, Device device, WeightStorage storage) throws IOException {
        Checks.notNull(storage, "storage");
        Qwen2Config config = Qwen2Config.read(dir.resolve(CONFIG_FILE));
        return new Qwen2Model(config, CheckpointLoader.load(dir, config, storage, device), storage);
    }

    /**
     * Creates a model with random weights, initialised as Hugging Face does ({@code N(0, initializer_range)}
     * weights, zero biases, unit RMSNorm scales), for tests and training from scratch.
     *
     * @param config the configuration
     * @param seed the seed; the same seed gives the same weights on every device
     * @param device where the weights go
     * @return the model; close it to free the weights
     */
    public static Qwen2Model init(Qwen2Config config, long seed, Device device) {
        return new Qwen2Model(config, RandomInit.init(config, seed, device), WeightStorage.FLOAT32);
    }

    /**
     * Returns the configuration.
     *
     * @return the hyper-parameters
     */
    public Qwen2Config config() {
        return config;
    }

    /**
     * Returns how the weights are stored.
     *
     * @return {@link WeightStorage#FLOAT16} when the weight matrices are float16, else {@link WeightStorage#FLOAT32}
     */
    public WeightStorage weightStorage() {
        return storage;
    }

    /**
     * Returns the device of the weights; inputs must be on it.
     *
     * @return the device
     */
    public Device device() {
        return weights.manager().getDevice();
    }

    /**
     * Returns every distinct weight under its Hugging Face name, in module order. The arrays are the model's own: an
     * optimiser updates them in place (with gradients required) and the model sees the update. A tied table appears
     * once, as {@code model.embed_tokens.weight}. With {@link WeightStorage#FLOAT16} the weight matrices are float16
     * arrays, which can only be frozen.
     *
     * @return an unmodifiable map
     */
    public Map<String, NDArray> parameters() {
        return weights.parameters();
    }

    /**
     * Computes the logits of every position, as {@code Qwen2ForCausalLM.forward} without a cache; for training, with
     * {@link CausalLmLoss}.
     *
     * @param inputIds {@code [B, T]}
     * @param attentionMask {@code [B, T]}, or null when nothing is padding
     * @return logits {@code [B, T, V]}, in the manager of {@code inputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask) {
        return forward(inputIds, attentionMask, null);
    }

    /**
     * Computes the logits of every position without a cache, in training mode (PyTorch's {@code model.train()}:
     * {@code lora_dropout} on each LoRA branch's input and {@code attention_dropout} on the attention probabilities)
     * or in inference mode, which is {@link #forward(NDArray, NDArray)}. Dropout masks come from the engine's random
     * generator: seed it ({@code Engine.getInstance().setRandomSeed}) for reproducible masks, as the training loop
     * does before every step.
     *
     * @param inputIds {@code [B, T]}
     * @param attentionMask {@code [B, T]}, or null when nothing is padding
     * @param training whether dropout applies
     * @return logits {@code [B, T, V]}, in the manager of {@code inputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, boolean training) {
        return logits(inputIds, attentionMask, null, null, training, false);
    }

    /**
     * Computes the logits of new tokens. Without a cache every position of {@code inputIds} is decoded; with one,
     * {@code inputIds} continues the tokens the cache holds (typically one new token per call), and the cache grows
     * by {@code T}.
     *
     * @param inputIds {@code [B, T]}
     * @param attentionMask {@code [B, P + T]}, or null when nothing is padding
     * @param cacheOrNull the generation's cache, or null
     * @return logits {@code [B, T, V]}, in the manager of {@code inputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong, or the cache was made for another model or
     *     holds another batch size
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, Qwen2Cache cacheOrNull) {
        return logits(inputIds, attentionMask, null, cacheOrNull, false, false);
    }

    /**
     * Computes the logits of new tokens at explicit positions, as Hugging Face's {@code position_ids}. With left
     * padding, {@code generate} passes {@code attention_mask.cumsum(-1) - 1} (1 at padding), so that every row's first
     * real token is at position 0 and a padded prompt is decoded as the same prompt alone.
     *
     * @param inputIds {@code [B, T]}
     * @param attentionMask {@code [B, P + T]}, or null when nothing is padding
     * @param positionIdsOrNull {@code [B, T]} int64 or int32 positions of the new tokens, or null for
     *     {@code P .. P + T - 1} in every row
     * @param cacheOrNull the generation's cache, or null
     * @return logits {@code [B, T, V]}, in the manager of {@code inputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong, or the cache does not fit
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray positionIdsOrNull,
            Qwen2Cache cacheOrNull) {
        long[][] positions = positionIdsOrNull == null ? null : DecoderStack.positions(positionIdsOrNull, inputIds);
        return logits(inputIds, attentionMask, positions, cacheOrNull, false, false);
    }

    /**
     * The logits of the last position only, {@code [B, V]}, in the manager of {@code inputIds}: one generation step.
     */
    NDArray lastLogits(NDArray inputIds, NDArray attentionMask, long[][] positionsOrNull, Qwen2Cache cache) {
        return logits(inputIds, attentionMask, positionsOrNull, cache, false, true);
    }

    private NDArray logits(NDArray inputIds, NDArray attentionMask, long[][] positionsOrNull, Qwen2Cache cacheOrNull,
            boolean training, boolean lastOnly) {
        NDManager out = inputIds.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray h = decode(inputIds, attentionMask, positionsOrNull, cacheOrNull, training, scope); // [B, T, C]
            if (lastOnly) {
                h = h.get(":, -1, :"); // [B, C]
            }
            NDArray logits = Linear.project(h, weights.lmHead(), null); // [B, (T,) V]
            logits.attach(out);
            return logits;
        }
    }

    /**
     * Computes the final hidden states (the output of {@code model.norm}, Hugging Face's {@code last_hidden_state})
     * of every position, without a cache.
     *
     * @param inputIds {@code [B, T]}
     * @param attentionMask {@code [B, T]}, or null when nothing is padding
     * @return {@code [B, T, C]}, in the manager of {@code inputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong
     */
    public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask) {
        return hiddenStates(inputIds, attentionMask, null);
    }

    /**
     * Computes the final hidden states of new tokens, continuing a cache as {@link #forward(NDArray, NDArray,
     * Qwen2Cache)} does.
     *
     * @param inputIds {@code [B, T]}
     * @param attentionMask {@code [B, P + T]}, or null when nothing is padding
     * @param cacheOrNull the generation's cache, or null
     * @return {@code [B, T, C]}, in the manager of {@code inputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong, or the cache does not fit
     */
    public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask, Qwen2Cache cacheOrNull) {
        NDManager out = inputIds.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray h = decode(inputIds, attentionMask, null, cacheOrNull, false, scope);
            h.attach(out);
            return h;
        }
    }

    private NDArray decode(NDArray inputIds, NDArray attentionMask, long[][] positionsOrNull, Qwen2Cache cacheOrNull,
            boolean training, NDManager scope) {
        return stack.forward(inputIds, attentionMask, positionsOrNull, cacheOrNull == null ? null : cacheOrNull.kv(),
                training, scope);
    }

    /**
     * Opens an empty cache for one generation.
     *
     * @param parent the manager under which the cache keeps its arrays
     * @return the cache; close it when the generation ends
     */
    public Qwen2Cache newCache(NDManager parent) {
        return new Qwen2Cache(new KvCache(parent, config.numHiddenLayers()));
    }

    /**
     * Greedy decoding with the cache: appends the argmax token {@code maxNewTokens} times. Nothing stops early (an
     * emitted EOS is fed back like any token), as {@code generate(do_sample=False, num_beams=1)} with the EOS stop
     * switched off. Only the last position's logits are computed at each step.
     *
     * @param promptIds {@code [B, T]}, no padding (every row {@code T} real tokens)
     * @param maxNewTokens the number of tokens to generate
     * @param listenerOrNull told each step's logits, or null
     * @return the generated ids, {@code [B][maxNewTokens]}, without the prompt
     * @throws IllegalArgumentException when the shape or type is wrong or {@code maxNewTokens} is negative
     */
    public long[][] greedy(NDArray promptIds, int maxNewTokens, StepListener listenerOrNull) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must not be negative, got " + maxNewTokens);
        }
        int b = Math.toIntExact(DecoderStack.ids("promptIds", promptIds).get(0));
        long[][] generated = new long[b][maxNewTokens];
        long[] next = null;
        try (NDManager generation = promptIds.getManager().newSubManager();
                Qwen2Cache cache = newCache(generation)) {
            for (int step = 0; step < maxNewTokens; step++) {
                try (NDManager stepScope = generation.newSubManager()) {
                    NDArray ids = step == 0 ? promptIds : NativeArrays.longs(stepScope, next, new Shape(b, 1));
                    NDArray logits = lastLogits(ids, null, null, cache); // [B, V], in the prompt's manager at step 0
                    logits.attach(stepScope);
                    if (listenerOrNull != null) {
                        listenerOrNull.onStep(step, logits);
                    }
                    next = logits.argMax(-1).toType(DataType.INT64, false).toLongArray(); // [B]
                    for (int row = 0; row < b; row++) {
                        generated[row][step] = next[row];
                    }
                }
            }
        }
        return generated;
    }

    /**
     * Adds a new LoRA adapter to the projections {@code config.targetModules()} selects, initialised from a seed as
     * {@code init_lora_weights} says (PEFT's default: {@code lora_B} zero, so the outputs do not change yet).
     *
     * @param config the adapter's configuration
     * @param seed the seed; the same seed gives the same adapter on every device
     * @return the adapter, enabled; close it to remove it
     * @throws IllegalArgumentException naming {@code target_modules} when they select nothing or a module that is not
     *     a decoder layer's projection
     * @throws IllegalStateException when the model already has an adapter
     */
    public LoraAdapter applyLora(LoraConfig config, long seed) {
        requireNoAdapter();
        adapter = LoraAdapter.create(this, weights, config, seed);
        return adapter;
    }

    /**
     * Loads a PEFT adapter folder ({@code adapter_config.json} and {@code adapter_model.safetensors}, as
     * {@code save_pretrained} writes them) onto this model, as {@code PeftModel.from_pretrained}.
     *
     * @param dir the folder
     * @return the adapter, enabled; close it to remove it
     * @throws IOException when a file cannot be read or is absent
     * @throws MalformedDataException when {@code adapter_config.json} is invalid, unsupported or does not fit the
     *     model, or a tensor is missing, unexpected, mis-shaped or not floating-point; the message names the file and
     *     the key
     * @throws IllegalStateException when the model already has an adapter
     */
    public LoraAdapter loadAdapter(Path dir) throws IOException {
        requireNoAdapter();
        adapter = LoraAdapter.load(this, weights, dir);
        return adapter;
    }

    /**
     * Returns the adapter the model runs with.
     *
     * @return the adapter added by {@link #applyLora} or {@link #loadAdapter} and not closed since, or null
     */
    public LoraAdapter adapterOrNull() {
        return adapter;
    }

    private void requireNoAdapter() {
        if (adapter != null) {
            throw new IllegalStateException("the model already has an adapter on " + adapter.modules().size()
                    + " modules; close it first");
        }
    }

    /** Forgets an adapter that has removed itself. */
    void detach(LoraAdapter removed) {
        adapter = adapter == removed ? null : adapter;
    }

    /**
     * Writes the model as a Hugging Face folder: {@code config.json} (with {@code torch_dtype} float32) and
     * {@code model.safetensors} (float32, a tied table once, as {@code save_pretrained} writes it). The safetensors
     * metadata records the producer and version. The weights are written as they are: with a merged adapter's update,
     * without an unmerged adapter (save that with {@link LoraAdapter#save}).
     *
     * @param dir the folder, created when absent; existing files of the same names are replaced
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        CheckpointWriter.write(weights, dir.resolve(WEIGHTS_FILE),
                Map.of("producer", "tcmrx " + Qwen2Model.class.getSimpleName(), "version", TcmRxVersion.VERSION));
        config.toBuilder().optTorchDtype("float32").build().write(dir.resolve(CONFIG_FILE));
    }

    /**
     * Frees the weights and the adapter's arrays (those no {@code ParameterStore} has taken); the adapter is then
     * unloaded. Caches and arrays returned earlier live in their own managers.
     */
    @Override
    public void close() {
        if (adapter != null) {
            adapter.modelClosed();
            adapter = null;
        }
        weights.close();
    }

    /** Sees each step of {@link #greedy}. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * Receives one step's logits; they are freed when the step ends, so copy what is kept.
         *
         * @param step the step, from 0
         * @param logits {@code [B, V]}, from which the step's tokens are the argmax
         */
        void onStep(int step, NDArray logits);
    }
}
