package org.tcmrx.bart.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tcmrx.bart.BartConfig;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code from_pretrained} followed by {@code resize_token_embeddings}, for a vocabulary that replaces
 * the checkpoint's instead of extending it: every tensor that does not depend on the vocabulary (positions, layer
 * norms, the encoder and decoder layers) is the checkpoint's, unchanged; the token table {@code model.shared.weight},
 * and {@code lm_head.weight} when it is not tied, get one row per new token; {@code final_logits_bias} is zero, as
 * in a new model (a bias fitted to the old tokens means nothing for the new ones, and training leaves it alone).
 *
 * <p>The rows of the special tokens ({@code pad}, {@code bos}, {@code eos}, {@code decoder_start}) are the
 * checkpoint's rows of the same role: they mean the same in both vocabularies, and the decoder's first step reads the
 * decoder-start row. When two roles share an id of the new vocabulary but not of the checkpoint, the first in that
 * order wins.
 *
 * <p>Every other row is drawn from {@code N(mean_j, std_j^2)}, dimension by dimension, with the mean and standard
 * deviation of the checkpoint's table over its rows. Not {@code N(0, init_std)} as in {@code _init_weights}: the
 * pretrained layers, from {@code layernorm_embedding} on, were trained on rows of the table's offset and scale,
 * which a trained table need not share with {@code init_std}; rows of another scale would tilt the normalized sum of
 * token and position towards one of them and, through the tied output projection, give logits of a scale the decoder
 * never produced. Hugging Face's own default for new rows ({@code resize_token_embeddings(mean_resizing=True)},
 * after Hewitt 2021) starts from the same statistics, but shrinks the covariance by 1e-9 so that a few added tokens
 * leave the model's predictions as they were; here no old token survives, so there is nothing to protect, and the
 * full spread keeps the new tokens apart from the first step. The diagonal stands in for the covariance because it
 * needs no factorization of a {@code C x C} matrix.
 */
public final class PretrainedInit {
    /** The {@code config.json} keys that may differ from the checkpoint's: the vocabulary and training settings. */
    private static final Set<String> FREE_KEYS = Set.of("vocab_size", "pad_token_id", "bos_token_id", "eos_token_id",
            "decoder_start_token_id", "forced_bos_token_id", "forced_eos_token_id", "dropout", "attention_dropout",
            "activation_dropout", "classifier_dropout", "encoder_layerdrop", "decoder_layerdrop", "init_std");

    private PretrainedInit() {}

    /**
     * Reads a checkpoint and gives it the vocabulary of {@code config}.
     *
     * @param dir the Hugging Face folder: {@code config.json} and {@code model.safetensors} (or an index and shards)
     * @param config the configuration of the result: the folder's, with at most the vocabulary ({@code vocab_size}
     *     and the special token ids), the dropout and layer-drop rates and {@code init_std} changed
     * @param seed the seed of the new rows; they are drawn on the Java side, in row order, from one generator
     * @param device where the arrays go
     * @return the weights, owning a new base manager
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when {@code config.json} is invalid or not BART's, or a tensor is missing,
     *     unexpected, mis-shaped or not floating-point
     * @throws IllegalArgumentException when {@code config} changes another key; the message names the key and both
     *     values
     */
    public static BartWeights init(Path dir, BartConfig config, long seed, Device device) throws IOException {
        Path file = dir.resolve("config.json");
        BartConfig pretrained = BartConfig.read(file);
        requireSameArchitecture(config, pretrained, file);
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("bart-weights");
        try {
            Map<String, NDArray> arrays = CheckpointLoader.read(dir, pretrained, manager);
            Random random = new Random(seed);
            replaceTable(arrays, WeightLayout.SHARED, pretrained, config, random, manager);
            if (!config.tieWordEmbeddings()) {
                replaceTable(arrays, WeightLayout.LM_HEAD, pretrained, config, random, manager);
            }
            arrays.remove(WeightLayout.FINAL_LOGITS_BIAS).close();
            arrays.put(WeightLayout.FINAL_LOGITS_BIAS, manager.zeros(new Shape(1, config.vocabSize())));
            return BartWeights.assemble(config, manager, arrays);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static void requireSameArchitecture(BartConfig config, BartConfig pretrained, Path file) {
        JsonNode wanted = Json.MAPPER.valueToTree(config);
        JsonNode found = Json.MAPPER.valueToTree(pretrained);
        for (Iterator<String> keys = wanted.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!FREE_KEYS.contains(key) && !wanted.get(key).equals(found.get(key))) {
                throw new IllegalArgumentException("config: " + key + " is " + wanted.get(key) + " but " + file
                        + " has " + found.get(key) + "; only the vocabulary, the special token ids, dropout, "
                        + "layer-drop and init_std may differ from the checkpoint");
            }
        }
    }

    /** Swaps a {@code [V_old, C]} table for a {@code [V, C]} one. */
    private static void replaceTable(Map<String, NDArray> arrays, String name, BartConfig pretrained,
            BartConfig config, Random random, NDManager manager) {
        NDArray old = arrays.get(name); // [V_old, C]
        int v = config.vocabSize();
        int c = config.dModel();
        float[] mean;
        float[] variance;
        try (NDArray mu = old.mean(new int[] {0}); // [C]
                NDArray centered = old.sub(mu); // [V_old, C] - [C]
                NDArray squared = centered.square();
                NDArray var = squared.mean(new int[] {0})) { // [C]
            mean = mu.toFloatArray();
            variance = var.toFloatArray();
        }
        float[] values = new float[Math.multiplyExact(v, c)];
        for (int row = 0; row < v; row++) {
            for (int j = 0; j < c; j++) {
                values[row * c + j] = (float) (mean[j] + Math.sqrt(variance[j]) * random.nextGaussian());
            }
        }
        for (Map.Entry<Integer, Integer> e : specialRows(config, pretrained).entrySet()) {
            try (NDArray row = old.get(e.getValue())) { // [C]
                System.arraycopy(row.toFloatArray(), 0, values, e.getKey() * c, c);
            }
        }
        arrays.put(name, NativeArrays.floats(manager, values, new Shape(v, c)));
        old.close();
    }

    /** New id to checkpoint id, for the tokens whose role both configurations name; the first role of an id wins. */
    private static Map<Integer, Integer> specialRows(BartConfig config, BartConfig pretrained) {
        Map<Integer, Integer> rows = new LinkedHashMap<>();
        rows.putIfAbsent(config.padTokenId(), pretrained.padTokenId());
        rows.putIfAbsent(config.bosTokenId(), pretrained.bosTokenId());
        rows.putIfAbsent(config.eosTokenId(), pretrained.eosTokenId());
        rows.putIfAbsent(config.decoderStartTokenId(), pretrained.decoderStartTokenId());
        return rows;
    }
}
