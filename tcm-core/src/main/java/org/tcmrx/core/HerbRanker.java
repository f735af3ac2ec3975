package org.tcmrx.core;

/**
 * Recommends herbs for a query: the one interface every recommender in TCM-Rx implements, from the TopPop baseline
 * to BART and the fine-tuned LLM.
 *
 * <p>Implementations must be safe to call from several threads at once: the evaluator ranks a split in parallel.
 */
public interface HerbRanker {
    /**
     * Ranks herbs for the query.
     *
     * @param query the patient's findings
     * @param k how many herbs to return at most, at least 1
     * @return at most {@code k} distinct herbs, best first; fewer when the ranker knows fewer
     * @throws IllegalArgumentException when {@code k < 1}
     */
    Ranking rank(Query query, int k);

    /**
     * Ranks herbs for a case's findings, ignoring its prescription.
     *
     * @param clinicalCase the case
     * @param k how many herbs to return at most
     * @return the ranking
     */
    default Ranking rank(ClinicalCase clinicalCase, int k) {
        return rank(clinicalCase.query(), k);
    }

    /**
     * Returns a short name for reports, e.g. {@code CoOcc}.
     *
     * @return the name
     */
    default String name() {
        return getClass().getSimpleName();
    }
}
