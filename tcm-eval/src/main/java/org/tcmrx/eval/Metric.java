package org.tcmrx.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A split-level metric: how per-case {@link CaseMetrics} become one number per ranker and cut-off.
 *
 * <p>All but {@link #F1_OF_MEANS} are the mean over cases of the per-case value. F1 has two conventions in the
 * literature, kept apart here: {@link #F1_OF_MEANS} (KDHR, PresRecST and TCMRGCL report it) and {@link #MEAN_F1}.
 */
public enum Metric {
    /** Mean precision at K. */
    PRECISION("P"),
    /** Mean recall at K. */
    RECALL("R"),
    /**
     * The harmonic mean of mean precision and mean recall, {@code 2·P̄·R̄ / (P̄ + R̄)} (0 when both are 0), as
     * KDHR, PresRecST and TCMRGCL report F1.
     */
    F1_OF_MEANS("F1"),
    /** The mean over cases of each case's own F1 ({@link Metrics#harmonicMean(double, double)} of its P and R). */
    MEAN_F1("meanF1"),
    /** Mean standard NDCG at K. */
    NDCG("NDCG"),
    /** Mean NDCG at K as SMGCN's code computes it ({@link Metrics#ndcgSmgcn(java.util.List, java.util.Set, int)}). */
    NDCG_SMGCN("NDCG_SMGCN"),
    /** The share of cases with at least one hit in the top K. */
    HIT_RATE("HR");

    private final String label;

    Metric(String label) {
        this.label = label;
    }

    /**
     * Returns the short label used in table headers, e.g. {@code P} for {@code P@10}.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * Tells whether the metric is the mean of a per-case value ({@link CaseMetrics#value(Metric)}).
     *
     * @return false only for {@link #F1_OF_MEANS}
     */
    public boolean perCaseMean() {
        return this != F1_OF_MEANS;
    }

    /**
     * Reads a metric's split-level value from an aggregate row.
     *
     * @param row the row
     * @return the value
     */
    public double of(AggregateRow row) {
        return switch (this) {
            case PRECISION -> row.precision();
            case RECALL -> row.recall();
            case F1_OF_MEANS -> row.f1OfMeans();
            case MEAN_F1 -> row.meanF1();
            case NDCG -> row.ndcg();
            case NDCG_SMGCN -> row.ndcgSmgcn();
            case HIT_RATE -> row.hitRate();
        };
    }

    /**
     * Parses a metric by its constant name or its label, ignoring case and treating {@code -} as {@code _}.
     *
     * @param text e.g. {@code ndcg}, {@code F1_OF_MEANS}, {@code hr}
     * @return the metric
     * @throws IllegalArgumentException when the text names no metric; the message lists the valid names
     */
    public static Metric parse(String text) {
        if (text != null) {
            String key = text.strip().replace('-', '_');
            for (Metric m : values()) {
                if (m.name().equalsIgnoreCase(key) || m.label.equalsIgnoreCase(key)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("unknown metric '" + text + "'; valid metrics: "
                + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")));
    }
}
