package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.Arrays;
import org.tcmrx.lora.Qwen2Config;

/**
 * Qwen2's decoder from token ids to the final norm ({@code Qwen2Model.forward} in Hugging Face): the token
 * embedding, every {@link DecoderLayer} with the attention bias and rotary tables of the call's positions, and
 * {@code model.norm}. Checks the call against the cache and the mask.
 *
 * @param config the hyper-parameters
 * @param weights the weights
 */
public record DecoderStack(Qwen2Config config, Qwen2Weights weights) {
    /**
     * Decodes new tokens, continuing the cache when one is given.
     *
     * @param inputIds {@code [B, T]}
     * @param attentionMask {@code [B, P + T]}, or null when nothing is padding
     * @param positionsOrNull each row's positions {@code [B][T]}, or null for {@code P .. P + T - 1}
     * @param kv the cache, or null
     * @param training whether dropout applies
     * @param scope the manager that owns the temporaries and the result
     * @return the final hidden states, {@code [B, T, C]}
     * @throws IllegalArgumentException when the ids, the mask or the cache do not fit
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, long[][] positionsOrNull, KvCache kv,
            boolean training, NDManager scope) {
        Shape shape = ids("inputIds", inputIds);
        long b = shape.get(0);
        long t = shape.get(1);
        if (kv != null && kv.layers() != config.numHiddenLayers()) {
            throw new IllegalArgumentException("the cache has " + kv.layers() + " layers, the model "
                    + config.numHiddenLayers());
        }
        if (kv != null && kv.batch() >= 0 && kv.batch() != b) {
            throw new IllegalArgumentException("the cache holds a batch of " + kv.batch() + ", inputIds has " + b);
        }
        long past = kv == null ? 0 : kv.length();
        if (attentionMask != null && !attentionMask.getShape().equals(new Shape(b, past + t))) {
            throw new IllegalArgumentException("attentionMask must have shape " + new Shape(b, past + t)
                    + " (the batch, and the " + past + " cached and " + t + " new positions), got "
                    + attentionMask.getShape());
        }
        NDArray bias = Masks.attentionBias(attentionMask, t, past, scope); // [B or 1, 1, T, P + T]
        RotaryEmbedding rope = positionsOrNull == null
                ? RotaryEmbedding.of(past, t, config.headSize(), config.ropeTheta(), scope)
                : RotaryEmbedding.of(positionsOrNull, config.headSize(), config.ropeTheta(), scope);
        NDArray h = Scope.into(scope, inputIds.getNDArrayInternal()
                .embedding(inputIds, weights.embedTokens(), SparseFormat.DENSE).singletonOrThrow()); // [B, T, C]
        if (h.getDataType() != DataType.FLOAT32) {
            h = h.toType(DataType.FLOAT32, false); // a float16 table: widen the gathered rows, not the table
        }
        int i = 0;
        for (DecoderLayer layer : weights.layers()) {
            h = layer.forward(h, rope, bias, kv, i++, training, scope); // [B, T, C]
        }
        if (kv != null) {
            kv.advance(b, t);
        }
        return weights.norm().forward(h); // [B, T, C]
    }

    /**
     * Reads explicit positions, as Hugging Face's {@code position_ids}.
     *
     * @param positionIds {@code [B, T]} int64 or int32
     * @param inputIds the ids they go with, {@code [B, T]}
     * @return each row's positions, {@code [B][T]}
     * @throws IllegalArgumentException when they are not integer ids of the shape of {@code inputIds}
     */
    public static long[][] positions(NDArray positionIds, NDArray inputIds) {
        Shape shape = ids("positionIds", positionIds);
        if (!shape.equals(inputIds.getShape())) {
            throw new IllegalArgumentException("positionIds must have the shape of inputIds " + inputIds.getShape()
                    + ", got " + shape);
        }
        long[] flat = positionIds.toType(DataType.INT64, false).toLongArray();
        int t = Math.toIntExact(shape.get(1));
        long[][] positions = new long[Math.toIntExact(shape.get(0))][];
        for (int row = 0; row < positions.length; row++) {
            positions[row] = Arrays.copyOfRange(flat, row * t, (row + 1) * t);
        }
        return positions;
    }

    /**
     * Checks that an array holds token ids.
     *
     * @param what the argument's name, for the message
     * @param ids the array
     * @return its shape {@code [B, T]}
     * @throws IllegalArgumentException when it is not a non-empty 2-D integer array
     */
    public static Shape ids(String what, NDArray ids) {
        Shape shape = ids.getShape();
        DataType type = ids.getDataType();
        if (shape.dimension() != 2 || !(type == DataType.INT64 || type == DataType.INT32) || shape.get(1) == 0) {
            throw new IllegalArgumentException(what + " must be a non-empty [B, T] int64 or int32 array, got " + type
                    + " " + shape);
        }
        return shape;
    }
}
