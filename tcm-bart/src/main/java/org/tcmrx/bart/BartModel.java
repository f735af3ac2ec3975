package org.tcmrx.bart;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tcmrx.bart.internal.BartWeights;
import org.tcmrx.bart.internal.CheckpointLoader;
import org.tcmrx.bart.internal.CheckpointWriter;
import org.tcmrx.bart.internal.DecoderLayer;
import org.tcmrx.bart.internal.Dropout;
import org.tcmrx.bart.internal.EncoderLayer;
import org.tcmrx.bart.internal.KvCache;
import org.tcmrx.bart.internal.Masks;
import org.tcmrx.bart.internal.PretrainedInit;
import org.tcmrx.bart.internal.RandomInit;
import org.tcmrx.bart.internal.Scope;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.TcmRxVersion;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code BartForConditionalGeneration} on DJL: the same weights under the same names give the same
 * logits. The configuration, the weights and the per-generation state ({@link BartCache}) are separate.
 *
 * <p>Arrays: ids and masks are {@code [B, S]} or {@code [B, T]} integer arrays (masks 1 for real tokens, 0 for
 * padding; right or left padding, positions always run {@code 0..T-1}). Every result lands in the manager of the
 * input ids and every temporary is freed before a method returns, so a caller that creates its inputs in a per-step
 * sub-manager leaves nothing behind; the weights' manager never grows. The forward pass uses only differentiable
 * operations and never copies to the JVM, so it trains under a {@code GradientCollector} once the
 * {@link #parameters()} require gradients. Only {@link #forward(NDArray, NDArray, NDArray, boolean)} in training
 * mode applies dropout ({@code dropout}, {@code attention_dropout} and {@code activation_dropout} where Hugging Face
 * applies them); every other method computes what {@code model.eval()} computes.
 */
public final class BartModel implements AutoCloseable {
    /** The configuration file of a model folder. */
    public static final String CONFIG_FILE = "config.json";
    /**
     * The name of the logits bias, a buffer in Hugging Face's model (loaded and saved, never trained there); the
     * other entries of {@link #parameters()} are {@code nn.Parameter}s.
     */
    public static final String FINAL_LOGITS_BIAS = "final_logits_bias";
    /** The weights file written by {@link #save}. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    private final BartConfig config;
    private final BartWeights weights;
    private final float embedScale;

    private BartModel(BartConfig config, BartWeights weights) {
        this.config = config;
        this.weights = weights;
        this.embedScale = config.scaleEmbedding() ? (float) Math.sqrt(config.dModel()) : 1f;
    }

    /**
     * Loads a Hugging Face model folder: {@code config.json} and {@code model.safetensors} (or an index and shards).
     * Checkpoints with or without {@code lm_head.weight} and the per-side {@code embed_tokens} copies both load; the
     * copies of a tied table are ignored.
     *
     * @param dir the folder
     * @param device where the weights go
     * @return the model; close it to free the weights
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when {@code config.json} is invalid, or a tensor is missing, unexpected,
     *     mis-shaped or not floating-point (the message names the file and the key)
     */
    public static BartModel load(Path dir, Device device) throws IOException {
        BartConfig config = BartConfig.read(dir.resolve(CONFIG_FILE));
        return new BartModel(config, CheckpointLoader.load(dir, config, device));
    }

    /**
     * Starts a model from a Hugging Face folder's weights with another vocabulary, for fine-tuning on other tokens:
     * {@code from_pretrained}, then a token table that replaces the checkpoint's. Every tensor that does not depend on
     * the vocabulary (positions, layer norms, the encoder and decoder layers) is the checkpoint's. The token table
     * (and {@code lm_head.weight} when untied) gets {@code config}'s {@code vocab_size} rows: the special tokens
     * ({@code pad}, {@code bos}, {@code eos}, {@code decoder_start}) take the checkpoint's rows of the same role, the
     * others are drawn from a normal with the per-dimension mean and standard deviation of the checkpoint's table, so
     * that the pretrained layers see inputs of the scale they were trained on. {@code final_logits_bias} is zero.
     *
     * @param dir the folder: {@code config.json} and {@code model.safetensors} (or an index and shards)
     * @param config the configuration of the result: the folder's {@code config.json} with another vocabulary
     *     ({@code vocab_size} and the special token ids) and, optionally, other dropout and layer-drop rates and
     *     {@code init_std}
     * @param seed the seed of the new rows; the same seed gives the same rows on every device
     * @param device where the weights go
     * @return the model; close it to free the weights
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when {@code config.json} is invalid or another model's, or a tensor is missing,
     *     unexpected, mis-shaped or not floating-point (the message names the file and the key)
     * @throws IllegalArgumentException when {@code config} changes another key of {@code config.json}, such as
     *     {@code d_model}; the message names the key and both values
     */
    public static BartModel loadWithNewVocabulary(Path dir, BartConfig config, long seed, Device device)
            throws IOException {
        Checks.notNull(dir, "dir");
        Checks.notNull(config, "config");
        return new BartModel(config, PretrainedInit.init(dir, config, seed, device));
    }

    /**
     * Creates a model with random weights, initialised as Hugging Face does ({@code N(0, init_std)} weights, zero
     * biases, unit LayerNorm scales, zero padding row), for training from scratch.
     *
     * @param config the configuration
     * @param seed the seed; the same seed gives the same weights on every device
     * @param device where the weights go
     * @return the model; close it to free the weights
     */
    public static BartModel init(BartConfig config, long seed, Device device) {
        return new BartModel(config, RandomInit.init(config, seed, device));
    }

    /**
     * Returns the configuration.
     *
     * @return the hyper-parameters
     */
    public BartConfig config() {
        return config;
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
     * optimiser updates them in place (with gradients required) and the model sees the update. Tied tensors appear
     * once, as {@code model.shared.weight}.
     *
     * @return an unmodifiable map
     */
    public Map<String, NDArray> parameters() {
        return weights.parameters();
    }

    /**
     * Runs the encoder.
     *
     * @param inputIds {@code [B, S]}
     * @param attentionMask {@code [B, S]}: padding keys are masked
     * @return {@code encoder_last_hidden_state}, {@code [B, S, C]}, in the manager of {@code inputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong, or {@code S} exceeds
     *     {@code max_position_embeddings}
     */
    public NDArray encode(NDArray inputIds, NDArray attentionMask) {
        return encode(inputIds, attentionMask, Dropout.NONE);
    }

    private NDArray encode(NDArray inputIds, NDArray attentionMask, Dropout dropout) {
        Shape shape = ids("inputIds", inputIds);
        sameShape("attentionMask", attentionMask, shape);
        NDManager out = inputIds.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray padding = Masks.paddingBias(attentionMask, scope); // [B, 1, 1, S]
            NDArray h = dropout.hidden(weights.encoderEmbeddings().forward(inputIds, weights.shared(), embedScale, 0,
                    scope)); // [B, S, C]
            for (EncoderLayer layer : weights.encoderLayers()) {
                h = layer.forward(h, padding, dropout, scope); // [B, S, C]
            }
            h.attach(out);
            return h;
        }
    }

    /**
     * Runs the decoder and the output projection. Without a cache every position of {@code decoderInputIds} is
     * decoded (causally); with one, {@code decoderInputIds} continues the tokens the cache holds (typically one
     * new token per call), and the cache grows by {@code T}.
     *
     * @param decoderInputIds {@code [B, T]}, starting with {@code decoder_start_token_id} when the cache is empty
     * @param encoderHidden the encoder output {@code [B, S, C]}; with a cache, only its first call reads it
     * @param attentionMask the encoder's mask {@code [B, S]}: padding keys of the cross-attention are masked
     * @param cacheOrNull the generation's cache, or null
     * @return logits {@code [B, T, V]}, in the manager of {@code decoderInputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong, the cache was made for another model,
     *     or the positions exceed {@code max_position_embeddings}
     */
    public NDArray decode(NDArray decoderInputIds, NDArray encoderHidden, NDArray attentionMask,
            BartCache cacheOrNull) {
        return decode(decoderInputIds, encoderHidden, attentionMask, cacheOrNull, Dropout.NONE);
    }

    private NDArray decode(NDArray decoderInputIds, NDArray encoderHidden, NDArray attentionMask,
            BartCache cacheOrNull, Dropout dropout) {
        Shape shape = ids("decoderInputIds", decoderInputIds);
        Shape encoder = encoderHidden.getShape();
        if (encoder.dimension() != 3 || encoder.get(0) != shape.get(0) || encoder.get(2) != config.dModel()) {
            throw new IllegalArgumentException("encoderHidden must be [B=" + shape.get(0) + ", S, C="
                    + config.dModel() + "], got " + encoder);
        }
        sameShape("attentionMask", attentionMask, new Shape(encoder.get(0), encoder.get(1)));
        KvCache kv = cacheOrNull == null ? null : cacheOrNull.kv();
        if (kv != null && kv.layers() != config.decoderLayers()) {
            throw new IllegalArgumentException("the cache has " + kv.layers() + " layers, the decoder "
                    + config.decoderLayers());
        }
        long t = shape.get(1);
        long past = kv == null ? 0 : kv.length();
        NDManager out = decoderInputIds.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray causal = Masks.causalBias(t, past, scope); // [1, 1, T, P + T]
            NDArray padding = Masks.paddingBias(attentionMask, scope); // [B, 1, 1, S]
            NDArray h = dropout.hidden(weights.decoderEmbeddings().forward(decoderInputIds, weights.shared(),
                    embedScale, past, scope)); // [B, T, C]
            int i = 0;
            for (DecoderLayer layer : weights.decoderLayers()) {
                h = layer.forward(h, encoderHidden, causal, padding, kv, i++, dropout, scope); // [B, T, C]
            }
            if (kv != null) {
                kv.advance(t);
            }
            NDArray logits = h.getNDArrayInternal().linear(h, weights.lmHead(), null).singletonOrThrow()
                    .add(weights.finalLogitsBias()); // [B, T, V] + [1, V]
            logits.attach(out);
            return logits;
        }
    }

    /**
     * Runs the encoder and the decoder, as {@code BartForConditionalGeneration.forward} with
     * {@code decoder_input_ids} given; for training, with {@link Seq2SeqLoss}.
     *
     * @param inputIds {@code [B, S]}
     * @param attentionMask {@code [B, S]}
     * @param decoderInputIds {@code [B, T]}, e.g. {@link #shiftTokensRight} of the labels
     * @return logits {@code [B, T, V]}, in the manager of {@code decoderInputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds) {
        return forward(inputIds, attentionMask, decoderInputIds, false);
    }

    /**
     * Runs the encoder and the decoder in training mode (dropout at the configuration's rates, as PyTorch's
     * {@code model.train()}) or inference mode. Dropout masks come from the engine's random generator: seed it
     * ({@code Engine.setRandomSeed}) for reproducible masks, as the training loop does before every step.
     *
     * @param inputIds {@code [B, S]}
     * @param attentionMask {@code [B, S]}
     * @param decoderInputIds {@code [B, T]}, e.g. {@link #shiftTokensRight} of the labels
     * @param training whether dropout applies
     * @return logits {@code [B, T, V]}, in the manager of {@code decoderInputIds}
     * @throws IllegalArgumentException when the shapes or types are wrong
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds, boolean training) {
        Dropout dropout = training ? Dropout.training(config) : Dropout.NONE;
        try (NDArray encoderHidden = encode(inputIds, attentionMask, dropout)) {
            return decode(decoderInputIds, encoderHidden, attentionMask, null, dropout);
        }
    }

    /**
     * Opens an empty cache for one generation.
     *
     * @param parent the manager under which the cache keeps its arrays
     * @return the cache; close it when the generation ends
     */
    public BartCache newCache(NDManager parent) {
        return new BartCache(new KvCache(parent, config.decoderLayers()));
    }

    /**
     * Greedy decoding with the cache: starting from {@code decoder_start_token_id}, appends the argmax token
     * {@code maxNewTokens} times. Nothing is forced and nothing stops early (an emitted EOS is fed back like any
     * token), as in {@code generate(do_sample=False, num_beams=1)} with {@code forced_bos_token_id},
     * {@code forced_eos_token_id} and the EOS stop switched off.
     *
     * @param inputIds {@code [B, S]}
     * @param attentionMask {@code [B, S]}
     * @param maxNewTokens the number of tokens to generate
     * @param listenerOrNull told each step's logits, or null
     * @return the generated ids, {@code [B][maxNewTokens]}, without the start token
     * @throws IllegalArgumentException when the shapes or types are wrong or {@code maxNewTokens} is negative
     */
    public long[][] greedy(NDArray inputIds, NDArray attentionMask, int maxNewTokens, StepListener listenerOrNull) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must not be negative, got " + maxNewTokens);
        }
        int b = Math.toIntExact(ids("inputIds", inputIds).get(0));
        long[][] generated = new long[b][maxNewTokens];
        long[] next = new long[b];
        Arrays.fill(next, config.decoderStartTokenId());
        try (NDManager generation = inputIds.getManager().newSubManager();
                BartCache cache = newCache(generation)) {
            NDArray encoderHidden = Scope.into(generation, encode(inputIds, attentionMask)); // [B, S, C]
            for (int step = 0; step < maxNewTokens; step++) {
                try (NDManager stepScope = generation.newSubManager()) {
                    NDArray ids = NativeArrays.longs(stepScope, next, new Shape(b, 1)); // [B, 1]
                    NDArray logits = decode(ids, encoderHidden, attentionMask, cache).squeeze(1); // [B, V]
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
     * Beam search with the cache for one input, as Hugging Face's {@code generate(num_beams=W,
     * early_stopping=False, length_penalty=lengthPenalty)}: hypotheses end at {@code eos_token_id} or after
     * {@code maxNewTokens} tokens, and are ranked by {@code logProb / length ^ lengthPenalty}. A constraint limits
     * what each step may emit; the step's distribution is then renormalized over the allowed tokens.
     *
     * @param inputIds {@code [1, S]}
     * @param attentionMask {@code [1, S]}
     * @param numBeams the beam width {@code W}; 1 is greedy search that stops at EOS
     * @param maxNewTokens the longest hypothesis, EOS included
     * @param lengthPenalty the exponent of the length normalization (Hugging Face's default is 1.0)
     * @param constraintOrNull which tokens may follow a prefix, or null for any
     * @return at most {@code W} hypotheses, best first; finished ones unless the length limit cut the search
     * @throws IllegalArgumentException when the input is not one sequence, {@code numBeams} or {@code maxNewTokens}
     *     is below 1, or {@code lengthPenalty} is not finite
     */
    public List<BeamHypothesis> beamSearch(NDArray inputIds, NDArray attentionMask, int numBeams, int maxNewTokens,
            double lengthPenalty, TokenConstraint constraintOrNull) {
        ids("inputIds", inputIds);
        return new BeamSearch(this, numBeams, maxNewTokens, lengthPenalty, constraintOrNull).run(inputIds,
                attentionMask);
    }

    /**
     * Writes the model as a Hugging Face folder: {@code config.json} and {@code model.safetensors} (float32, one
     * {@code model.shared.weight} for the tied tables, as {@code save_pretrained} writes it). The safetensors
     * metadata records the producer and version.
     *
     * @param dir the folder, created when absent; existing files of the same names are replaced
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        CheckpointWriter.write(weights, dir.resolve(WEIGHTS_FILE),
                Map.of("producer", "tcmrx " + BartModel.class.getSimpleName(), "version", TcmRxVersion.VERSION));
        config.write(dir.resolve(CONFIG_FILE));
    }

    /**
     * Hugging Face's {@code shift_tokens_right}: the decoder input for teacher forcing is the labels shifted one
     * place right, starting with {@code decoder_start_token_id}, with {@link Seq2SeqLoss#IGNORE_INDEX} replaced by
     * {@code pad_token_id}.
     *
     * @param labels {@code [B, T]}, integer
     * @param padTokenId {@code pad_token_id}
     * @param decoderStartTokenId {@code decoder_start_token_id}
     * @return {@code [B, T]} int64, in the manager of {@code labels}
     * @throws IllegalArgumentException when {@code labels} is not a 2-D integer array
     */
    public static NDArray shiftTokensRight(NDArray labels, long padTokenId, long decoderStartTokenId) {
        Shape shape = ids("labels", labels);
        long[] source;
        try (NDArray asLong = labels.toType(DataType.INT64, true)) {
            source = asLong.toLongArray();
        }
        long[] shifted = new long[source.length];
        int b = Math.toIntExact(shape.get(0));
        int t = Math.toIntExact(shape.get(1));
        for (int row = 0; row < b; row++) {
            for (int col = 0; col < t; col++) {
                long id = col == 0 ? decoderStartTokenId : source[row * t + col - 1];
                shifted[row * t + col] = id == Seq2SeqLoss.IGNORE_INDEX ? padTokenId : id;
            }
        }
        return NativeArrays.longs(labels.getManager(), shifted, shape);
    }

    /** Frees the weights. Caches and arrays returned earlier live in their own managers. */
    @Override
    public void close() {
        weights.close();
    }

    private static Shape ids(String what, NDArray ids) {
        Shape shape = ids.getShape();
        DataType type = ids.getDataType();
        if (shape.dimension() != 2 || !(type == DataType.INT64 || type == DataType.INT32)) {
            throw new IllegalArgumentException(what + " must be a [B, T] int64 or int32 array, got " + type + " "
                    + shape);
        }
        return shape;
    }

    private static void sameShape(String what, NDArray array, Shape expected) {
        if (!array.getShape().equals(expected)) {
            throw new IllegalArgumentException(what + " must have shape " + expected + ", got " + array.getShape());
        }
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
