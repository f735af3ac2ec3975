package org.tcmrx.examples;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.tcmrx.lora.Qwen2Config;

/**
 * A Qwen2 model's parameter counts, and the {@code N} of the {@code 6·N·tokens} FLOP estimate.
 *
 * @param total every distinct weight (a tied embedding table once)
 * @param embedding the input embedding table, {@code V·C}
 * @param nonEmbedding {@code total} without the embedding table and, when untied, the output layer: the decoder layers
 *     and the final norm
 * @param matmul {@code nonEmbedding + V·C}: the weights every token is multiplied by, the output layer included (the
 *     embedding is a lookup, not a product); the {@code N} of the FLOP estimates
 */
record ParameterCounts(long total, long embedding, long nonEmbedding, long matmul) {
    /**
     * Counts a model's weights.
     *
     * @param parameters the model's weights by Hugging Face name, a tied table once
     * @param config its configuration
     * @return the counts
     */
    static ParameterCounts of(Map<String, NDArray> parameters, Qwen2Config config) {
        long total = parameters.values().stream().mapToLong(NDArray::size).sum();
        long table = (long) config.vocabSize() * config.hiddenSize();
        long nonEmbedding = total - table - (config.tieWordEmbeddings() ? 0 : table);
        return new ParameterCounts(total, table, nonEmbedding, nonEmbedding + table);
    }

    /** {@code 6·N}: forward (2), input gradients (2) and weight gradients (2) per weight and token. */
    double fullFlopsPerToken() {
        return 6.0 * matmul;
    }

    /** {@code 4·N}: frozen base weights need no weight gradient, and the adapter's own products are negligible. */
    double loraFlopsPerToken() {
        return 4.0 * matmul;
    }
}
