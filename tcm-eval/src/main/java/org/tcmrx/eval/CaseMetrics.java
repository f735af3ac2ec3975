package org.tcmrx.eval;

/**
 * The metrics of one case at one cut-off, as defined in {@link Metrics}.
 *
 * @param k the cut-off
 * @param hits the true herbs among the first {@code k}
 * @param precision {@code P@K} under the evaluation's {@link PrecisionConvention}
 * @param recall {@code R@K}
 * @param f1 this case's {@code F1@K}, the harmonic mean of its precision and recall
 * @param ndcg the standard {@code NDCG@K}
 * @param ndcgSmgcn {@code NDCG@K} as SMGCN's code computes it
 * @param hitRate 1 when there is at least one hit, else 0
 */
public record CaseMetrics(int k, int hits, double precision, double recall, double f1, double ndcg,
        double ndcgSmgcn, double hitRate) {
    /**
     * Validates the values.
     *
     * @param k the cut-off
     * @param hits the true herbs among the first {@code k}
     * @param precision {@code P@K} under the evaluation's {@link PrecisionConvention}
     * @param recall {@code R@K}
     * @param f1 this case's {@code F1@K}, the harmonic mean of its precision and recall
     * @param ndcg the standard {@code NDCG@K}
     * @param ndcgSmgcn {@code NDCG@K} as SMGCN's code computes it
     * @param hitRate 1 when there is at least one hit, else 0
     * @throws IllegalArgumentException when {@code k < 1}, {@code hits < 0} or a value is outside [0, 1]
     */
    public CaseMetrics {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (hits < 0) {
            throw new IllegalArgumentException("hits must not be negative, got " + hits);
        }
        unit(precision, "precision");
        unit(recall, "recall");
        unit(f1, "f1");
        unit(ndcg, "ndcg");
        unit(ndcgSmgcn, "ndcgSmgcn");
        unit(hitRate, "hitRate");
    }

    /**
     * Returns the per-case value of a metric that is averaged over cases.
     *
     * @param metric any metric but {@link Metric#F1_OF_MEANS}, which has no per-case value
     * @return the value
     * @throws IllegalArgumentException for {@link Metric#F1_OF_MEANS}
     */
    public double value(Metric metric) {
        return switch (metric) {
            case PRECISION -> precision;
            case RECALL -> recall;
            case MEAN_F1 -> f1;
            case NDCG -> ndcg;
            case NDCG_SMGCN -> ndcgSmgcn;
            case HIT_RATE -> hitRate;
            case F1_OF_MEANS -> throw new IllegalArgumentException(
                    "F1_OF_MEANS has no per-case value: it is the harmonic mean of mean precision and mean recall");
        };
    }

    private static void unit(double value, String what) {
        // The negated test also rejects NaN.
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + value);
        }
    }
}
