package org.tcmrx.core;

import java.util.List;
import org.tcmrx.core.internal.Checks;

/**
 * A ranked list of distinct herbs, best first, as returned by {@link HerbRanker#rank(Query, int)}.
 *
 * @param entries the herbs with their scores, best first, no herb twice
 */
public record Ranking(List<ScoredHerb> entries) {
    /**
     * Validates and copies the ranking.
     *
     * @param entries the herbs with their scores, best first, no herb twice
     * @throws IllegalArgumentException when a herb appears twice or the scores increase down the list
     */
    public Ranking {
        Checks.notNull(entries, "entries");
        entries = List.copyOf(entries);
        Checks.uniqueList(entries.stream().map(ScoredHerb::herb).toList(), "ranking herbs");
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).score() > entries.get(i - 1).score()) {
                throw new IllegalArgumentException("ranking scores must not increase: " + entries.get(i - 1)
                        + " at rank " + i + " is followed by " + entries.get(i));
            }
        }
    }

    /** The empty ranking. */
    public static final Ranking EMPTY = new Ranking(List.of());

    /**
     * Returns the herbs, best first.
     *
     * @return the herbs
     */
    public List<Herb> herbs() {
        return entries.stream().map(ScoredHerb::herb).toList();
    }

    /**
     * Returns the number of herbs ranked.
     *
     * @return the size
     */
    public int size() {
        return entries.size();
    }

    /**
     * Returns the first {@code k} entries (all of them when there are fewer).
     *
     * @param k the cut-off, at least 1
     * @return the truncated ranking
     */
    public Ranking top(int k) {
        Checks.positiveK(k);
        return k >= entries.size() ? this : new Ranking(entries.subList(0, k));
    }
}
