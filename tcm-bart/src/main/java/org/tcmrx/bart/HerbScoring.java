package org.tcmrx.bart;

/** How a {@link BartHerbRanker} turns the decoder's distributions into one score per herb. */
public enum HerbScoring {
    /**
     * The decoder's first-step distribution over herb tokens: one decoder step for the whole ranking. With targets in
     * {@link HerbOrder#RANDOM} order it estimates each herb's chance of being in the prescription; with a fixed
     * order it favours herbs that come early in that order.
     */
    FIRST_STEP,
    /**
     * Greedy decoding of {@code k} herbs with the cache, no herb twice: a herb's score is the probability mass the
     * decoder gave it summed over the steps (its expected number of emissions along the greedy path). Costs
     * {@code k} decoder steps.
     */
    GREEDY_SUM
}
