package org.tcmrx.bart;

import org.tcmrx.bart.internal.KvCache;

/**
 * The decoder's state across the steps of one generation: per layer, the self-attention keys and values of the
 * tokens decoded so far and the cross-attention keys and values of the encoder output (computed on the first
 * {@link BartModel#decode} call and reused). One cache serves one batch and one encoder output; make it with
 * {@link BartModel#newCache} and close it when the generation ends.
 */
public final class BartCache implements AutoCloseable {
    private final KvCache kv;

    BartCache(KvCache kv) {
        this.kv = kv;
    }

    /**
     * Returns how many decoder positions the cache holds; the next call's first token is at this position.
     *
     * @return the number of tokens decoded so far
     */
    public long length() {
        return kv.length();
    }

    KvCache kv() {
        return kv;
    }

    /** Frees the cached arrays. */
    @Override
    public void close() {
        kv.close();
    }
}
