package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The input side of BART's encoder or decoder: {@code LN(shared[ids] * embed_scale + embed_positions[pos + 2])}.
 *
 * @param positions {@code embed_positions.weight}, {@code [max_position_embeddings + 2, C]}
 * @param layernormEmbedding {@code layernorm_embedding}
 */
public record Embeddings(NDArray positions, LayerNorm layernormEmbedding) {
    /**
     * BART's learned positions start at row 2, a fairseq legacy (its rows 0 and 1 were meant for padding); Hugging
     * Face keeps the offset so that fairseq checkpoints load unchanged.
     */
    public static final int OFFSET = 2;

    /**
     * Embeds a batch of ids.
     *
     * @param ids {@code [B, T]}, integer
     * @param tokens the shared token table {@code model.shared.weight}, {@code [V, C]}
     * @param embedScale {@code sqrt(d_model)} when {@code scale_embedding}, else 1
     * @param past the position of the first id ({@code P}, the cached length; 0 without a cache)
     * @param scope the manager that owns the temporaries and the result
     * @return {@code [B, T, C]}
     * @throws IllegalArgumentException when {@code past + T} exceeds {@code max_position_embeddings}
     */
    public NDArray forward(NDArray ids, NDArray tokens, float embedScale, long past, NDManager scope) {
        long t = ids.getShape().get(1);
        long maxPositions = positions.getShape().get(0) - OFFSET;
        if (past + t > maxPositions) {
            throw new IllegalArgumentException("sequence of " + (past + t) + " positions exceeds "
                    + "max_position_embeddings " + maxPositions);
        }
        NDArray x = Scope.into(scope, ids.getNDArrayInternal().embedding(ids, tokens, SparseFormat.DENSE)
                .singletonOrThrow()); // [B, T, C]
        if (embedScale != 1f) {
            x = NativeArrays.mul(x, embedScale);
        }
        NDArray positionIds = scope.arange((int) (past + OFFSET), (int) (past + OFFSET + t), 1, DataType.INT64); // [T]
        NDArray pos = positionIds.getNDArrayInternal().embedding(positionIds, positions, SparseFormat.DENSE)
                .singletonOrThrow(); // [T, C]
        return layernormEmbedding.forward(x.add(pos)); // [B, T, C] + [T, C]
    }
}
