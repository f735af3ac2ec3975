package org.tcmrx.lora;

import org.tcmrx.lora.internal.KvCache;

/**
 * The decoder's state across the calls of one generation: per layer, the keys (after RoPE) and values of the tokens
 * seen so far. One cache serves one batch; make it with {@link Qwen2Model#newCache} and close it when the generation
 * ends. A call that fails midway leaves the cache unusable.
 */
public final class Qwen2Cache implements AutoCloseable {
    private final KvCache kv;

    Qwen2Cache(KvCache kv) {
        this.kv = kv;
    }

    /**
     * Returns how many positions the cache holds; the next call's first token is at this position.
     *
     * @return the number of tokens seen so far, {@code P}
     */
    public long length() {
        return kv.length();
    }

    /**
     * Drops every position from {@code maxLength} on, as Hugging Face's {@code DynamicCache.crop(max_length)}: the
     * next call continues after the first {@code maxLength} tokens, e.g. to score several continuations of one
     * prefix in turn.
     *
     * @param maxLength the positions to keep, in {@code [0, length()]}
     * @throws IllegalArgumentException when {@code maxLength} is outside that range
     */
    public void crop(long maxLength) {
        if (maxLength < 0 || maxLength > kv.length()) {
            throw new IllegalArgumentException("maxLength must be in [0, " + kv.length() + "], got " + maxLength);
        }
        kv.crop(maxLength);
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
