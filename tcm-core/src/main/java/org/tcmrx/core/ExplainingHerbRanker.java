package org.tcmrx.core;

import org.tcmrx.core.internal.Checks;

/**
 * A {@link HerbRanker} that writes an answer with its ranking, e.g. an LLM's three-section answer (症状分析,
 * 处方推荐, 处方解释), so that evaluators can check the answer (its faithfulness, its safety) without generating
 * it a second time.
 */
public interface ExplainingHerbRanker extends HerbRanker {
    /**
     * Ranks herbs for the query and returns the answer the ranking was read from.
     *
     * @param query the patient's findings
     * @param k how many herbs to return at most, at least 1
     * @return the ranking, as {@link #rank(Query, int)} would return it, and the answer
     * @throws IllegalArgumentException when {@code k < 1}
     */
    Explained rankExplained(Query query, int k);

    /**
     * A ranking and the answer it was read from.
     *
     * @param ranking the ranking
     * @param answer the answer's full text, possibly empty when nothing was generated
     */
    record Explained(Ranking ranking, String answer) {
        /**
         * Validates the pair.
         *
         * @param ranking the ranking
         * @param answer the answer's text
         * @throws IllegalArgumentException when either is null
         */
        public Explained {
            Checks.notNull(ranking, "ranking");
            Checks.notNull(answer, "answer");
        }
    }
}
