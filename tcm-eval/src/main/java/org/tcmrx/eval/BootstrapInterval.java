package org.tcmrx.eval;

import org.tcmrx.core.internal.Checks;

/**
 * A percentile bootstrap confidence interval for one ranker's metric on one split ({@link
 * PairedBootstrap#interval(EvaluationResult, Metric, int)}).
 *
 * @param ranker the ranker's name
 * @param split the split's name
 * @param metric the metric
 * @param k the cut-off
 * @param cases how many cases were resampled
 * @param level the confidence level, e.g. 0.95
 * @param resamples how many bootstrap samples were drawn
 * @param seed the random seed
 * @param interval the metric on the split and its interval
 */
public record BootstrapInterval(String ranker, String split, Metric metric, int k, int cases, double level,
        int resamples, long seed, ConfidenceInterval interval) {
    /**
     * Validates the record.
     *
     * @param ranker the ranker's name
     * @param split the split's name
     * @param metric the metric
     * @param k the cut-off
     * @param cases how many cases were resampled
     * @param level the confidence level, e.g. 0.95
     * @param resamples how many bootstrap samples were drawn
     * @param seed the random seed
     * @param interval the metric on the split and its interval
     * @throws IllegalArgumentException when a field is missing or out of range
     */
    public BootstrapInterval {
        Checks.name(ranker, "ranker");
        Checks.name(split, "split");
        Checks.notNull(metric, "metric");
        Checks.positiveK(k);
        Checks.notNull(interval, "interval");
        PairedBootstrap.checkSettings(level, resamples);
    }
}
