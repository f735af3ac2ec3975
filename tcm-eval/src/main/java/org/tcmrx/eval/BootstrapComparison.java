package org.tcmrx.eval;

import org.tcmrx.core.internal.Checks;

/**
 * A paired bootstrap comparison of two rankers on the same cases ({@link PairedBootstrap#compare}).
 *
 * @param rankerA the first ranker's name
 * @param rankerB the second ranker's name
 * @param split the split's name
 * @param metric the metric
 * @param k the cut-off
 * @param cases how many cases were resampled
 * @param level the confidence level, e.g. 0.95
 * @param resamples how many bootstrap samples were drawn
 * @param seed the random seed
 * @param a ranker A's metric and its interval
 * @param b ranker B's metric and its interval
 * @param difference A minus B and its interval
 * @param pValue the two-sided bootstrap p-value of "no difference", in (0, 1]
 */
public record BootstrapComparison(String rankerA, String rankerB, String split, Metric metric, int k, int cases,
        double level, int resamples, long seed, ConfidenceInterval a, ConfidenceInterval b,
        ConfidenceInterval difference, double pValue) {
    /**
     * Validates the record.
     *
     * @param rankerA the first ranker's name
     * @param rankerB the second ranker's name
     * @param split the split's name
     * @param metric the metric
     * @param k the cut-off
     * @param cases how many cases were resampled
     * @param level the confidence level, e.g. 0.95
     * @param resamples how many bootstrap samples were drawn
     * @param seed the random seed
     * @param a ranker A's metric and its interval
     * @param b ranker B's metric and its interval
     * @param difference A minus B and its interval
     * @param pValue the two-sided bootstrap p-value of "no difference", in (0, 1]
     * @throws IllegalArgumentException when a field is missing or out of range
     */
    public BootstrapComparison {
        Checks.name(rankerA, "rankerA");
        Checks.name(rankerB, "rankerB");
        Checks.name(split, "split");
        Checks.notNull(metric, "metric");
        Checks.positiveK(k);
        Checks.notNull(a, "a");
        Checks.notNull(b, "b");
        Checks.notNull(difference, "difference");
        PairedBootstrap.checkSettings(level, resamples);
        if (!(pValue > 0 && pValue <= 1)) {
            throw new IllegalArgumentException("pValue must be in (0, 1], got " + pValue);
        }
    }
}
