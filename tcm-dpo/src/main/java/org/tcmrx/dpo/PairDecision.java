package org.tcmrx.dpo;

import org.tcmrx.core.internal.Checks;

/**
 * What a {@link PreferencePairBuilder} decided for one candidate: the outcome, both prescriptions' scores, and the
 * pair when the outcome makes one.
 *
 * @param id the record's id
 * @param outcome what was decided
 * @param bartScore the score of BART's prescription, finite
 * @param llmScore the score of the LLM's prescription (0 when its response did not parse), finite
 * @param llmParsed whether the LLM's response parsed as a three-section answer
 * @param pairOrNull the pair when {@link Outcome#makesPair()}, else null
 */
public record PairDecision(String id, Outcome outcome, double bartScore, double llmScore, boolean llmParsed,
        PreferencePair pairOrNull) {
    /** The outcomes of a decision; only {@link #BART_BETTER} and {@link #LLM_BETTER} make a pair. */
    public enum Outcome {
        /** BART's prescription scored better by at least the margin: chosen carries it, rejected is the LLM's. */
        BART_BETTER(true),
        /** The LLM's scored better by at least the margin, and reverse pairs are on: chosen is the LLM's answer. */
        LLM_BETTER(true),
        /** The LLM's scored better by at least the margin, but reverse pairs are off: no pair. */
        LLM_BETTER_NO_REVERSE(false),
        /** Both scored the same: no pair. */
        TIE(false),
        /** The scores differ by less than the margin: no pair. */
        BELOW_MARGIN(false),
        /** The LLM's response is empty or white space, so there is no answer to pair with: no pair. */
        LLM_BLANK(false),
        /** The written answer came out as the very text it was to be paired with: no pair. */
        SAME_TEXT(false);

        private final boolean makesPair;

        Outcome(boolean makesPair) {
            this.makesPair = makesPair;
        }

        /**
         * Tells whether this outcome comes with a pair.
         *
         * @return true for {@link #BART_BETTER} and {@link #LLM_BETTER}
         */
        public boolean makesPair() {
            return makesPair;
        }
    }

    /**
     * Validates the decision.
     *
     * @param id the record's id
     * @param outcome what was decided
     * @param bartScore the score of BART's prescription
     * @param llmScore the score of the LLM's prescription
     * @param llmParsed whether the LLM's response parsed
     * @param pairOrNull the pair, or null
     * @throws IllegalArgumentException when the id is blank, the outcome null, a score not finite, or the pair is
     *     missing for an outcome that makes one, present for one that does not, or of another record
     */
    public PairDecision {
        Checks.name(id, "id");
        Checks.notNull(outcome, "outcome");
        if (!Double.isFinite(bartScore) || !Double.isFinite(llmScore)) {
            throw new IllegalArgumentException("scores must be finite, got bartScore " + bartScore + " and llmScore "
                    + llmScore);
        }
        if (outcome.makesPair() != (pairOrNull != null)) {
            throw new IllegalArgumentException("outcome " + outcome + (outcome.makesPair() ? " needs a pair"
                    : " comes without a pair"));
        }
        if (pairOrNull != null && !pairOrNull.id().equals(id)) {
            throw new IllegalArgumentException("pairOrNull is of record '" + pairOrNull.id() + "', not '" + id + "'");
        }
    }

    /**
     * Returns how much better BART's prescription scored.
     *
     * @return {@code bartScore - llmScore}, negative when the LLM's scored better
     */
    public double gap() {
        return bartScore - llmScore;
    }
}
