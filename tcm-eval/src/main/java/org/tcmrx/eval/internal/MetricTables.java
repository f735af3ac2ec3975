package org.tcmrx.eval.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tcmrx.eval.ConfidenceInterval;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;

/** The cells of the evaluation report's metric tables: headers, rows and the formatting of intervals and p-values. */
public final class MetricTables {
    private MetricTables() {}

    /**
     * Returns the header: {@code Ranker}, then each metric at each cut-off any result has.
     *
     * @param results the results
     * @param metrics the metrics, in column order
     * @return the column titles
     */
    public static List<String> header(List<EvaluationResult> results, List<Metric> metrics) {
        List<String> header = new ArrayList<>();
        header.add("Ranker");
        for (int k : allKs(results)) {
            for (Metric m : metrics) {
                header.add(m.label() + "@" + k);
            }
        }
        return header;
    }

    /**
     * Returns one row per result; the ranker is labelled with its split when the results span several splits, and a
     * cut-off a result lacks shows {@code -}.
     *
     * @param results the results
     * @param metrics the metrics, in column order
     * @return the rows
     */
    public static List<List<String>> rows(List<EvaluationResult> results, List<Metric> metrics) {
        Set<Integer> ks = allKs(results);
        boolean severalSplits = results.stream().map(EvaluationResult::split).distinct().count() > 1;
        List<List<String>> rows = new ArrayList<>();
        for (EvaluationResult r : results) {
            List<String> row = new ArrayList<>();
            row.add(severalSplits ? r.ranker() + " (" + r.split() + ")" : r.ranker());
            for (int k : ks) {
                for (Metric m : metrics) {
                    row.add(r.ks().contains(k) ? Tables.number(r.value(m, k)) : "-");
                }
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * Returns every cut-off of the results, ascending.
     *
     * @param results the results
     * @return the cut-offs
     */
    public static Set<Integer> allKs(List<EvaluationResult> results) {
        Set<Integer> ks = new TreeSet<>();
        results.forEach(r -> ks.addAll(r.ks()));
        return ks;
    }

    /**
     * Formats an interval as {@code estimate [lower, upper]}, four decimals.
     *
     * @param ci the interval
     * @return the text
     */
    public static String interval(ConfidenceInterval ci) {
        return Tables.number(ci.estimate()) + " [" + Tables.number(ci.lower()) + ", " + Tables.number(ci.upper())
                + "]";
    }

    /**
     * Formats a p-value with four decimals, or {@code < 0.0001}.
     *
     * @param p the p-value
     * @return the text
     */
    public static String pValue(double p) {
        return p < 1e-4 ? "< 0.0001" : Tables.number(p);
    }

    /**
     * Formats a confidence level as a percentage without trailing zeros, e.g. {@code 95%}.
     *
     * @param level the level, e.g. 0.95
     * @return the text
     */
    public static String percent(double level) {
        return BigDecimal.valueOf(level).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

}
