package org.tcmrx.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.eval.internal.Resampling;

/**
 * The paired case bootstrap (Efron and Tibshirani, <i>An Introduction to the Bootstrap</i>, 1993, ch. 13 and 16;
 * Koehn, EMNLP 2004, for comparing two systems): resample the split's cases with replacement {@code B} times,
 * recompute each ranker's metric on every resample, and read confidence intervals and a p-value off the resampled
 * values.
 *
 * <p>Both rankers see the same resampled cases, which is what makes the test paired: per-case difficulty cancels
 * out of the difference. A metric is recomputed from per-case values on each resample, so
 * {@link Metric#F1_OF_MEANS} is the harmonic mean of the resampled mean P and mean R, not a mean of F1s.
 * <ul>
 *   <li>Intervals are percentile intervals: the {@code (1 - level)/2} and {@code (1 + level)/2} quantiles of the
 *       resampled values ({@link Resampling#percentile}, type 7). The estimate is the value on the full split.</li>
 *   <li>The p-value is two-sided for "no difference": {@code min(1, 2·min(1 + #{d ≤ 0}, 1 + #{d ≥ 0}) / (B + 1))}
 *       over the resampled differences {@code d = A − B} ({@link Resampling#twoSidedPValue}). It is below
 *       {@code 1 - level} about when the difference's interval excludes 0.</li>
 * </ul>
 *
 * <p>Results depend only on the seed, {@code B} and the data: every call starts a new
 * {@link SplittableRandom} from the seed and draws the same index samples, so {@link #interval} of a ranker agrees
 * with that ranker's interval in {@link #compare}. Instances are immutable and thread-safe.
 */
public final class PairedBootstrap {
    /** The default number of resamples, enough for stable 95% percentile bounds and p-values down to 1e-4. */
    public static final int DEFAULT_RESAMPLES = 10_000;
    /** The default confidence level. */
    public static final double DEFAULT_LEVEL = 0.95;
    /** The default seed: an arbitrary fixed value, so that reruns of the same comparison agree. */
    public static final long DEFAULT_SEED = 42L;

    private final int resamples;
    private final double level;
    private final long seed;

    private PairedBootstrap(int resamples, double level, long seed) {
        this.resamples = resamples;
        this.level = level;
        this.seed = seed;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Compares two rankers evaluated on the same cases.
     *
     * @param a the first ranker's result
     * @param b the second ranker's result
     * @param metric the metric
     * @param k the cut-off, present in both results
     * @return both rankers' intervals, the interval of {@code A − B} and the p-value of "no difference"
     * @throws IllegalArgumentException when the results do not hold the same case ids in the same order, differ in
     *     precision convention or SMGCN list length, lack the cut-off, or have dropped their per-case values
     */
    public BootstrapComparison compare(EvaluationResult a, EvaluationResult b, Metric metric, int k) {
        Checks.notNull(a, "a");
        return compareMean(List.of(a), b, metric, k);
    }

    /**
     * Compares the mean of several runs of one ranker (typically seeds) with another ranker on the same cases: each
     * resample draws cases once and evaluates every run and the baseline on that same draw, so the statistic is the
     * metric averaged over runs, and the seed-to-seed variation stays inside it rather than being resampled away.
     * With a single run this is {@link #compare}.
     *
     * @param runs the runs of ranker A, each with per-case values, all on the cases of {@code b}
     * @param b the other ranker's result
     * @param metric the metric
     * @param k the cut-off, present in every result
     * @return the intervals of A's run-mean and of B, of their difference, and the p-value of "no difference"; A is
     *     named after the first run
     * @throws IllegalArgumentException when {@code runs} is empty, or any run is not paired with {@code b} as
     *     {@link #compare} requires
     */
    public BootstrapComparison compareMean(List<EvaluationResult> runs, EvaluationResult b, Metric metric, int k) {
        Checks.notNull(runs, "runs");
        Checks.notNull(b, "b");
        Checks.notNull(metric, "metric");
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("runs must not be empty");
        }
        Statistic[] sa = new Statistic[runs.size()];
        double fullA = 0;
        for (int i = 0; i < sa.length; i++) {
            EvaluationResult run = Checks.notNull(runs.get(i), "runs[" + i + "]");
            checkPaired(run, b);
            sa[i] = Statistic.of(run, metric, k);
            fullA += sa[i].full() / sa.length;
        }
        Statistic sb = Statistic.of(b, metric, k);
        int n = b.caseCount();
        double[] va = new double[resamples];
        double[] vb = new double[resamples];
        double[] diff = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        int[] sample = new int[n];
        for (int r = 0; r < resamples; r++) {
            Resampling.draw(random, sample);
            double mean = 0;
            for (Statistic s : sa) {
                mean += s.on(sample) / sa.length;
            }
            va[r] = mean;
            vb[r] = sb.on(sample);
            diff[r] = va[r] - vb[r];
        }
        double pValue = Resampling.twoSidedPValue(diff);
        return new BootstrapComparison(runs.get(0).ranker(), b.ranker(), runs.get(0).split(), metric, k, n, level,
                resamples,
                seed, interval(fullA, va), interval(sb.full(), vb), interval(fullA - sb.full(), diff), pValue);
    }

    /**
     * Gives one ranker's metric with its percentile bootstrap interval.
     *
     * @param result the ranker's result, with per-case values
     * @param metric the metric
     * @param k the cut-off
     * @return the interval
     * @throws IllegalArgumentException when the result lacks the cut-off or has dropped its per-case values
     */
    public BootstrapInterval interval(EvaluationResult result, Metric metric, int k) {
        Checks.notNull(result, "result");
        Checks.notNull(metric, "metric");
        Statistic s = Statistic.of(result, metric, k);
        int n = result.caseCount();
        double[] values = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        int[] sample = new int[n];
        for (int r = 0; r < resamples; r++) {
            Resampling.draw(random, sample);
            values[r] = s.on(sample);
        }
        return new BootstrapInterval(result.ranker(), result.split(), metric, k, n, level, resamples, seed,
                interval(s.full(), values));
    }

    private ConfidenceInterval interval(double estimate, double[] resampled) {
        double[] sorted = resampled.clone();
        Arrays.sort(sorted);
        double alpha = 1 - level;
        return new ConfidenceInterval(estimate, Resampling.percentile(sorted, alpha / 2),
                Resampling.percentile(sorted, 1 - alpha / 2));
    }

    private static void checkPaired(EvaluationResult a, EvaluationResult b) {
        List<String> idsA = a.caseIds();
        List<String> idsB = b.caseIds();
        if (!idsA.equals(idsB)) {
            String where;
            if (idsA.size() != idsB.size()) {
                where = idsA.size() + " cases against " + idsB.size();
            } else {
                int i = 0;
                while (idsA.get(i).equals(idsB.get(i))) {
                    i++;
                }
                where = "case " + i + " is '" + idsA.get(i) + "' in one and '" + idsB.get(i) + "' in the other";
            }
            throw new IllegalArgumentException("results of '" + a.ranker() + "' on '" + a.split() + "' and '"
                    + b.ranker() + "' on '" + b.split() + "' are not on the same cases in the same order: " + where);
        }
        if (a.convention() != b.convention()) {
            throw new IllegalArgumentException("results use different precision conventions: " + a.convention()
                    + " and " + b.convention());
        }
        if (a.smgcnListLength() != b.smgcnListLength()) {
            throw new IllegalArgumentException("results use different SMGCN list lengths: " + a.smgcnListLength()
                    + " and " + b.smgcnListLength());
        }
    }

    /** Validates a level and a number of resamples; shared with the result records. */
    static void checkSettings(double level, int resamples) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
        }
    }

    /** A split-level metric as a function of which cases are in the sample. */
    private record Statistic(Metric metric, double[] values, double[] recall) {
        static Statistic of(EvaluationResult result, Metric metric, int k) {
            if (metric == Metric.F1_OF_MEANS) {
                return new Statistic(metric, result.perCase(Metric.PRECISION, k), result.perCase(Metric.RECALL, k));
            }
            return new Statistic(metric, result.perCase(metric, k), null);
        }

        /** The metric on the resample. */
        double on(int[] sample) {
            if (metric == Metric.F1_OF_MEANS) {
                return Metrics.f1OfMeans(Resampling.mean(values, sample), Resampling.mean(recall, sample));
            }
            return Resampling.mean(values, sample);
        }

        /** The metric on the full split, as {@link AggregateRow} computes it. */
        double full() {
            if (metric == Metric.F1_OF_MEANS) {
                return Metrics.f1OfMeans(Metrics.mean(values), Metrics.mean(recall));
            }
            return Metrics.mean(values);
        }
    }

    /** Builds a {@link PairedBootstrap}; every setting is optional. */
    public static final class Builder {
        private int resamples = DEFAULT_RESAMPLES;
        private double level = DEFAULT_LEVEL;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        /**
         * Sets the number of resamples {@code B}; default {@value PairedBootstrap#DEFAULT_RESAMPLES}.
         *
         * @param resamples at least 1
         * @return this builder
         */
        public Builder optResamples(int resamples) {
            this.resamples = resamples;
            return this;
        }

        /**
         * Sets the confidence level; default {@value PairedBootstrap#DEFAULT_LEVEL}.
         *
         * @param level in (0, 1)
         * @return this builder
         */
        public Builder optLevel(double level) {
            this.level = level;
            return this;
        }

        /**
         * Sets the random seed; default {@value PairedBootstrap#DEFAULT_SEED}.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Validates the settings and builds the bootstrap.
         *
         * @return the bootstrap
         * @throws IllegalArgumentException when the level is outside (0, 1) or {@code resamples < 1}
         */
        public PairedBootstrap build() {
            checkSettings(level, resamples);
            return new PairedBootstrap(resamples, level, seed);
        }
    }
}
