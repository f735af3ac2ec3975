package org.tcmrx.eval;

import java.util.Collection;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.internal.Checks;

/**
 * The co-occurrence baseline: {@code score(h) = Σ_{s ∈ query} P(h|s)}, with
 * {@code P(h|s) = #(training records with s and h) / #(training records with s)}. Symptoms not seen in training
 * add nothing; ties (including a query with no known symptom) are broken by popularity, as {@link TopPopRanker}.
 * All herbs seen in training can be ranked, so the ranking always has {@code min(k, #herbs)} entries.
 */
public final class CoOccurrenceRanker implements HerbRanker {
    private final HerbCounts counts;

    private CoOccurrenceRanker(HerbCounts counts) {
        this.counts = counts;
    }

    /**
     * Counts co-occurrences on training cases.
     *
     * @param train the training cases, at least one
     * @return the ranker
     * @throws IllegalArgumentException when there are no cases
     */
    public static CoOccurrenceRanker fit(Collection<ClinicalCase> train) {
        return new CoOccurrenceRanker(HerbCounts.count(train));
    }

    @Override
    public Ranking rank(Query query, int k) {
        Checks.notNull(query, "query");
        return counts.top(counts.coOccurrence(query.symptoms()), Checks.positiveK(k));
    }

    @Override
    public String name() {
        return "CoOcc";
    }
}
