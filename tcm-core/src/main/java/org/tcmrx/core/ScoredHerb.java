package org.tcmrx.core;

import org.tcmrx.core.internal.Checks;

/**
 * One entry of a {@link Ranking}: a herb and the ranker's score for it (higher is better; the scale is the
 * ranker's own).
 *
 * @param herb the herb
 * @param score the score, not NaN
 */
public record ScoredHerb(Herb herb, double score) {
    /**
     * Validates the entry.
     *
     * @param herb the herb
     * @param score the score, not NaN
     * @throws IllegalArgumentException when the herb is null or the score is NaN
     */
    public ScoredHerb {
        Checks.notNull(herb, "herb");
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score of " + herb + " is NaN");
        }
    }
}
