package org.tcmrx.eval;

/**
 * What precision@K divides the number of hits by.
 *
 * <p>The TCM herb-recommendation papers (SMGCN, KDHR, PresRecST, TCMRGCL, ...) write {@code P@K = hits / K} in
 * words but none says what happens when a ranker returns fewer than K herbs, because their models always rank the
 * whole vocabulary. SMGCN's released evaluation ({@code utility/batch_test.py} in
 * {@code yuanyuansiyuan/ICDE-2020-SMGCN}) divides by K. The two conventions agree whenever a ranker returns at
 * least K herbs; they differ for rankers that know fewer herbs than asked (set lookups, sparse co-occurrence).
 */
public enum PrecisionConvention {
    /**
     * {@code P@K = hits / K}: a ranker that returns fewer herbs is charged for the empty slots. The literature's
     * default and SMGCN's {@code batch_test.py}.
     */
    DIVIDE_BY_K,

    /**
     * {@code P@K = hits / min(K, n)} where {@code n} is the ranking's length, and 0 for an empty ranking: precision
     * of what was actually recommended.
     */
    DIVIDE_BY_PREDICTED
}
