package org.tcmrx.dpo;

/**
 * Decides whether a record's two prescriptions give a DPO preference pair, and builds it: the seam between generating
 * candidates (the LLM's answer, BART's prescription) and training on pairs. {@link ImplicitPreferenceBuilder} is the
 * implementation of the method: BART's prescription is preferred where it scores clearly better.
 */
@FunctionalInterface
public interface PreferencePairBuilder {
    /**
     * Decides one candidate.
     *
     * @param candidate the record with both prescriptions
     * @return the outcome, the scores, and the pair when one is made
     * @throws IllegalArgumentException when the candidate is null
     */
    PairDecision decide(PreferenceCandidate candidate);
}
