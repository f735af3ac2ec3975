package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/**
 * The decoder's per-call state: for every layer, the self-attention keys and values of the tokens decoded so far
 * (grown by one step's worth each call) and the cross-attention keys and values of the encoder output (computed on
 * the first call, then reused). Owns its arrays in a manager of its own.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] selfKeys;
    private final NDArray[] selfValues;
    private final NDArray[] crossKeys;
    private final NDArray[] crossValues;
    private long length;

    /**
     * Creates an empty cache.
     *
     * @param parent the manager under which the cache opens its own
     * @param layers the number of decoder layers
     */
    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.selfKeys = new NDArray[layers];
        this.selfValues = new NDArray[layers];
        this.crossKeys = new NDArray[layers];
        this.crossValues = new NDArray[layers];
    }

    /**
     * Returns how many decoder positions are cached.
     *
     * @return the past length {@code P}
     */
    public long length() {
        return length;
    }

    /**
     * Returns the number of layers the cache was made for.
     *
     * @return the number of decoder layers
     */
    public int layers() {
        return selfKeys.length;
    }

    /**
     * Appends one call's self-attention keys and values to a layer's cache.
     *
     * @param layer the decoder layer
     * @param k the new keys, {@code [B, H, T, D]}
     * @param v the new values, {@code [B, H, T, D]}
     * @return all keys and values so far, each {@code [B, H, P + T, D]}, owned by the cache
     */
    public NDList appendSelf(int layer, NDArray k, NDArray v) {
        selfKeys[layer] = append(selfKeys[layer], k);
        selfValues[layer] = append(selfValues[layer], v);
        return new NDList(selfKeys[layer], selfValues[layer]);
    }

    private NDArray append(NDArray past, NDArray next) {
        if (past == null) {
            next.attach(manager);
            return next;
        }
        NDArray all = past.concat(next, 2); // [B, H, P, D] + [B, H, T, D] -> [B, H, P + T, D]
        all.attach(manager);
        past.close();
        return all;
    }

    /**
     * Returns a layer's cross-attention keys and values.
     *
     * @param layer the decoder layer
     * @return {@code (k, v)}, each {@code [B, H, S, D]}, or null before the first call
     */
    public NDList cross(int layer) {
        return crossKeys[layer] == null ? null : new NDList(crossKeys[layer], crossValues[layer]);
    }

    /**
     * Stores a layer's cross-attention keys and values, taking ownership.
     *
     * @param layer the decoder layer
     * @param kv {@code (k, v)}, each {@code [B, H, S, D]}
     */
    public void putCross(int layer, NDList kv) {
        kv.attach(manager);
        crossKeys[layer] = kv.get(0);
        crossValues[layer] = kv.get(1);
    }

    /**
     * Reorders the batch of every cached array, as beam search needs when it keeps, drops or duplicates
     * hypotheses: row {@code i} afterwards is row {@code index[i]} before. The batch size may change.
     *
     * @param index {@code [B']}, int64 row numbers of the current batch
     */
    public void reorder(NDArray index) {
        for (NDArray[] arrays : List.of(selfKeys, selfValues, crossKeys, crossValues)) {
            for (int layer = 0; layer < arrays.length; layer++) {
                if (arrays[layer] != null) {
                    NDArray picked = arrays[layer].get(new NDIndex("{}", index)); // [B, H, S, D] -> [B', H, S, D]
                    picked.attach(manager);
                    arrays[layer].close();
                    arrays[layer] = picked;
                }
            }
        }
    }

    /**
     * Records that a call has appended {@code t} positions to every layer.
     *
     * @param t the number of positions decoded by the call
     */
    public void advance(long t) {
        length += t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
