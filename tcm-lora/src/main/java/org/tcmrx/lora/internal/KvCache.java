package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The decoder's per-generation state: for every layer, the keys (after RoPE) and values of the tokens seen so far,
 * grown by each call. Owns its arrays in a manager of its own.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private long batch = -1;
    private long length;

    /**
     * Creates an empty cache.
     *
     * @param parent the manager under which the cache opens its own
     * @param layers the number of decoder layers
     */
    public KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /**
     * Returns how many positions are cached.
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
        return keys.length;
    }

    /**
     * Returns the batch size of the cached arrays.
     *
     * @return {@code B}, or -1 while the cache is empty
     */
    public long batch() {
        return batch;
    }

    /**
     * Appends one call's keys and values to a layer's cache, taking ownership of them.
     *
     * @param layer the decoder layer
     * @param k the new keys, {@code [B, KV, T, D]}
     * @param v the new values, {@code [B, KV, T, D]}
     * @return all keys and values so far, each {@code [B, KV, P + T, D]}, owned by the cache
     */
    public NDList append(int layer, NDArray k, NDArray v) {
        keys[layer] = append(keys[layer], k);
        values[layer] = append(values[layer], v);
        return new NDList(keys[layer], values[layer]);
    }

    private NDArray append(NDArray past, NDArray next) {
        if (past == null) {
            next.attach(manager);
            return next;
        }
        NDArray all = past.concat(next, 2); // [B, KV, P, D] + [B, KV, T, D] -> [B, KV, P + T, D]
        all.attach(manager);
        past.close();
        return all;
    }

    /**
     * Records that a call has appended {@code t} positions of a batch of {@code b} rows to every layer.
     *
     * @param b the batch size
     * @param t the number of positions the call added
     */
    public void advance(long b, long t) {
        batch = b;
        length += t;
    }

    /**
     * Keeps the first {@code newLength} positions of every layer and drops the rest.
     *
     * @param newLength the positions to keep, at most {@link #length()}
     */
    public void crop(long newLength) {
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = crop(keys[layer], newLength);
            values[layer] = crop(values[layer], newLength);
        }
        length = newLength;
    }

    private NDArray crop(NDArray all, long newLength) {
        if (all == null || all.getShape().get(2) == newLength) {
            return all;
        }
        NDArray kept = all.get(":, :, :" + newLength); // [B, KV, P, D] -> [B, KV, newLength, D]
        kept.attach(manager);
        all.close();
        return kept;
    }

    @Override
    public void close() {
        manager.close();
    }
}
