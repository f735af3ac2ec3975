package org.tcmrx.eval;

import java.util.List;
import org.tcmrx.core.internal.Checks;

/**
 * A ranker's metrics on a whole split at one cut-off: the mean over cases of each per-case metric, and F1 in both
 * of the literature's conventions.
 *
 * @param k the cut-off
 * @param precision mean {@code P@K}
 * @param recall mean {@code R@K}
 * @param f1OfMeans {@code 2·P̄·R̄ / (P̄ + R̄)}, 0 when both are 0 ({@link Metric#F1_OF_MEANS})
 * @param meanF1 the mean of per-case {@code F1@K} ({@link Metric#MEAN_F1})
 * @param ndcg mean standard {@code NDCG@K}
 * @param ndcgSmgcn mean {@code NDCG@K} as SMGCN's code computes it
 * @param hitRate the share of cases with at least one hit
 */
public record AggregateRow(int k, double precision, double recall, double f1OfMeans, double meanF1, double ndcg,
        double ndcgSmgcn, double hitRate) {
    /**
     * Validates the row.
     *
     * @param k the cut-off
     * @param precision mean {@code P@K}
     * @param recall mean {@code R@K}
     * @param f1OfMeans {@code 2·P̄·R̄ / (P̄ + R̄)}, 0 when both are 0 ({@link Metric#F1_OF_MEANS})
     * @param meanF1 the mean of per-case {@code F1@K} ({@link Metric#MEAN_F1})
     * @param ndcg mean standard {@code NDCG@K}
     * @param ndcgSmgcn mean {@code NDCG@K} as SMGCN's code computes it
     * @param hitRate the share of cases with at least one hit
     * @throws IllegalArgumentException when {@code k < 1}
     */
    public AggregateRow {
        Checks.positiveK(k);
    }

    /**
     * Averages the metrics of several cases at one cut-off, summing in list order.
     *
     * @param k the cut-off
     * @param cases each case's metrics at {@code k}, at least one
     * @return the row
     * @throws IllegalArgumentException when there is no case or a case was scored at another cut-off
     */
    public static AggregateRow of(int k, List<CaseMetrics> cases) {
        Checks.positiveK(k);
        Checks.notNull(cases, "cases");
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("cannot average metrics over no case");
        }
        double p = 0;
        double r = 0;
        double f1 = 0;
        double ndcg = 0;
        double ndcgSmgcn = 0;
        double hitRate = 0;
        for (CaseMetrics c : cases) {
            if (c.k() != k) {
                throw new IllegalArgumentException("expected metrics at k=" + k + ", got k=" + c.k());
            }
            p += c.precision();
            r += c.recall();
            f1 += c.f1();
            ndcg += c.ndcg();
            ndcgSmgcn += c.ndcgSmgcn();
            hitRate += c.hitRate();
        }
        double n = cases.size();
        double meanP = p / n;
        double meanR = r / n;
        return new AggregateRow(k, meanP, meanR, Metrics.f1OfMeans(meanP, meanR), f1 / n, ndcg / n, ndcgSmgcn / n,
                hitRate / n);
    }
}
