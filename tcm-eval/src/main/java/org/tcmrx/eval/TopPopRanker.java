package org.tcmrx.eval;

import java.util.Collection;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.internal.Checks;

/**
 * The popularity baseline: whatever the query, the herbs prescribed most often in training, most frequent first
 * (ties by name). Any model that does not beat it has learnt nothing from the symptoms.
 */
public final class TopPopRanker implements HerbRanker {
    private final HerbCounts counts;
    private final double[] scores;

    private TopPopRanker(HerbCounts counts) {
        this.counts = counts;
        this.scores = new double[counts.popularity.length];
        for (int h = 0; h < scores.length; h++) {
            scores[h] = counts.popularity[h];
        }
    }

    /**
     * Counts herb popularity on training cases.
     *
     * @param train the training cases, at least one
     * @return the ranker
     * @throws IllegalArgumentException when there are no cases
     */
    public static TopPopRanker fit(Collection<ClinicalCase> train) {
        return new TopPopRanker(HerbCounts.count(train));
    }

    /** Returns the most popular herbs; the score is the number of training prescriptions containing the herb. */
    @Override
    public Ranking rank(Query query, int k) {
        Checks.notNull(query, "query");
        return counts.top(scores, Checks.positiveK(k));
    }

    @Override
    public String name() {
        return "TopPop";
    }
}
