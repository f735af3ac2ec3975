package org.tcmrx.bart;

/**
 * Restricts which tokens a decoding step may emit after a given prefix, e.g. "herb tokens only, none twice". A
 * constrained step renormalizes the model's distribution over the tokens still allowed, so the scores stay log
 * probabilities of what can actually be generated.
 */
@FunctionalInterface
public interface TokenConstraint {
    /**
     * Clears {@code allowed[t]} for every token {@code t} that may not follow {@code prefix}. Leaving no token
     * allowed ends the hypothesis.
     *
     * @param prefix the tokens generated so far, without the decoder start token
     * @param allowed one flag per vocabulary entry, all true on entry
     */
    void restrict(long[] prefix, boolean[] allowed);
}
