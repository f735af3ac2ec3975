package org.tcmrx.lora;

import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link Generator} produced for one prompt.
 *
 * @param ids the generated ids, without the prompt and without padding; the EOS or the token that completed a stop
 *     string included
 * @param text the ids decoded with special tokens skipped ({@code skip_special_tokens=True}), or null when the
 *     generator has no tokenizer
 * @param stopReason why the row stopped
 */
public record GenerationResult(long[] ids, String text, StopReason stopReason) {
    /** Why a row stopped. */
    public enum StopReason {
        /** It emitted one of {@code eos_token_id}. */
        EOS,
        /** Its decoded text contains one of {@code stop_strings}. */
        STOP_STRING,
        /** It reached {@code max_new_tokens}. */
        MAX_TOKENS
    }

    /**
     * Copies the ids.
     *
     * @param ids the generated ids
     * @param text the decoded text, or null
     * @param stopReason why the row stopped
     * @throws IllegalArgumentException when the ids or the reason are null
     */
    public GenerationResult {
        if (ids == null || stopReason == null) {
            throw new IllegalArgumentException("ids and stopReason must not be null");
        }
        ids = ids.clone();
    }

    /**
     * Returns the generated ids.
     *
     * @return a copy
     */
    @Override
    public long[] ids() {
        return ids.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationResult r && Arrays.equals(ids, r.ids) && Objects.equals(text, r.text)
                && stopReason == r.stopReason;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(ids), text, stopReason);
    }

    @Override
    public String toString() {
        return "GenerationResult[ids=" + Arrays.toString(ids) + ", text=" + text + ", stopReason=" + stopReason + "]";
    }
}
