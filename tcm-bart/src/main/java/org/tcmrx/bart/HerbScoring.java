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
    GREEDY,
    /**
     * Beam search ({@link BartHerbRanker#BEAMS} beams, herb tokens and EOS only, no herb twice, at most {@code k}
     * herbs): a herb's score is its posterior share of the final hypotheses, {@code sum_j softmax(score)_j [herb in
     * hypothesis j]}, plus {@link BartHerbRanker#FIRST_STEP_WEIGHT} times its first-step probability, which orders the
     * herbs no hypothesis holds and breaks ties. Costs up to {@code k + 1} decoder steps over the beams.
     */
    BEAM
}
