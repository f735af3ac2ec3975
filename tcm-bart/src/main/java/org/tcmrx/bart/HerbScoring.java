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
     * Greedy decoding of {@code k} herbs with the cache, no herb twice, herb tokens only: the ranking is the greedy
     * sequence (score {@code k - position}). Costs {@code k} decoder steps. Measured on SMGCN's validation split
     * (1,162 queries, a d_model 128 model trained in {@link HerbOrder#RANDOM} order): P@5 0.2787 and R@20 0.4362,
     * against 0.3003 and 0.4929 for {@link #FIRST_STEP}, which is also about twenty times faster and is therefore
     * the default.
     */
    GREEDY
}
