package org.tcmrx.eval.internal;

import java.util.SplittableRandom;

/** The arithmetic of the case bootstrap: drawing index samples, resampled means, percentiles and p-values. */
public final class Resampling {
    private Resampling() {}

    /**
     * Fills {@code into} with indices drawn uniformly with replacement from {@code [0, into.length)}.
     *
     * @param random the generator, advanced by {@code into.length} draws
     * @param into the sample to fill; its length is the number of cases
     */
    public static void draw(SplittableRandom random, int[] into) {
        int n = into.length;
        for (int i = 0; i < n; i++) {
            into[i] = random.nextInt(n);
        }
    }

    /**
     * The mean of {@code values} at the drawn indices, summed in sample order.
     *
     * @param values per-case values
     * @param sample indices into {@code values}, at least one
     * @return the resampled mean
     */
    public static double mean(double[] values, int[] sample) {
        double sum = 0;
        for (int i : sample) {
            sum += values[i];
        }
        return sum / sample.length;
    }

    /**
     * A percentile with linear interpolation between order statistics (Hyndman and Fan's type 7, the default of R
     * and NumPy): with {@code h = (m - 1)·q}, the value is {@code x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋ + 1] - x[⌊h⌋])}.
     *
     * @param sorted values in ascending order, at least one
     * @param q the quantile in [0, 1]
     * @return the percentile
     */
    public static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("cannot take a percentile of no value");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in [0, 1], got " + q);
        }
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        if (lo >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    /**
     * The two-sided bootstrap p-value of "the difference is 0": twice the share of resampled differences on the far
     * side of 0 from the bulk, with the {@code (r + 1) / (B + 1)} correction for Monte Carlo p-values (North, Curtis
     * and Sham, Am. J. Hum. Genet. 2002) so that it is never 0, capped at 1:
     * {@code p = min(1, 2·min(1 + #{d ≤ 0}, 1 + #{d ≥ 0}) / (B + 1))}. Differences equal to 0 count on both sides,
     * which errs towards "no difference"; when every difference is 0 the p-value is 1.
     *
     * @param differences the resampled differences, at least one
     * @return the p-value in (0, 1]
     */
    public static double twoSidedPValue(double[] differences) {
        int atMost = 0;
        int atLeast = 0;
        for (double d : differences) {
            if (d <= 0) {
                atMost++;
            }
            if (d >= 0) {
                atLeast++;
            }
        }
        double tail = (1.0 + Math.min(atMost, atLeast)) / (differences.length + 1.0);
        return Math.min(1.0, 2 * tail);
    }
}
