package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.Checks;

/**
 * What {@link RankerEvaluator#evaluate} found for one ranker on one split: an aggregate row per cut-off, and the
 * per-case values behind them (which {@link #withoutCases()} drops for compact reports).
 *
 * @param ranker the ranker's name
 * @param split the split's name
 * @param ks the cut-offs, ascending
 * @param convention the precision convention
 * @param smgcnListLength the list length {@code L} of SMGCN's NDCG
 * @param caseCount how many cases were evaluated
 * @param rows one aggregate row per cut-off, in the order of {@code ks}
 * @param cases the per-case values in split order, or an empty list when dropped
 * @param wallTimeMillis how long the evaluation took, ranking included
 * @param provenance what produced the result
 * @param safety how often the ranker's top-K lists trigger safety rules, or null when no safety check ran
 * @param faithfulness how faithful the ranker's answers are, or null when it writes none or none was checked
 */
public record EvaluationResult(String ranker, String split, List<Integer> ks, PrecisionConvention convention,
        int smgcnListLength, int caseCount, List<AggregateRow> rows, List<CaseResult> cases, long wallTimeMillis,
        Provenance provenance, SafetySummary safety, FaithfulnessSummary faithfulness) {
    /**
     * Validates and copies the result.
     *
     * @param ranker the ranker's name
     * @param split the split's name
     * @param ks the cut-offs, ascending
     * @param convention the precision convention
     * @param smgcnListLength the list length {@code L} of SMGCN's NDCG
     * @param caseCount how many cases were evaluated
     * @param rows one aggregate row per cut-off, in the order of {@code ks}
     * @param cases the per-case values in split order, or an empty list when dropped
     * @param wallTimeMillis how long the evaluation took, ranking included
     * @param provenance what produced the result
     * @param safety the safety summary, or null
     * @param faithfulness the faithfulness summary, or null
     * @throws IllegalArgumentException when a field is missing, the cut-offs are not ascending, the rows or cases do
     *     not match the cut-offs, the number of cases is wrong, or the safety summary counts another number of lists
     */
    public EvaluationResult {
        Checks.name(ranker, "ranker");
        Checks.name(split, "split");
        ks = checkKs(ks);
        Checks.notNull(convention, "convention");
        Metrics.checkListLength(smgcnListLength);
        if (caseCount < 1) {
            throw new IllegalArgumentException("caseCount must be at least 1, got " + caseCount);
        }
        rows = List.copyOf(Checks.notNull(rows, "rows"));
        if (rows.size() != ks.size()) {
            throw new IllegalArgumentException("expected " + ks.size() + " rows for ks " + ks + ", got " + rows.size());
        }
        for (int i = 0; i < ks.size(); i++) {
            if (rows.get(i).k() != ks.get(i)) {
                throw new IllegalArgumentException("row " + i + " is at k=" + rows.get(i).k() + ", expected k="
                        + ks.get(i));
            }
        }
        cases = List.copyOf(Checks.notNull(cases, "cases"));
        if (!cases.isEmpty() && cases.size() != caseCount) {
            throw new IllegalArgumentException("caseCount is " + caseCount + " but " + cases.size()
                    + " cases are given");
        }
        for (CaseResult c : cases) {
            List<CaseMetrics> m = c.metrics();
            boolean match = m.size() == ks.size();
            for (int i = 0; match && i < m.size(); i++) {
                match = m.get(i).k() == ks.get(i);
            }
            if (!match) {
                throw new IllegalArgumentException("case '" + c.caseId() + "' is not scored at ks " + ks);
            }
        }
        if (wallTimeMillis < 0) {
            throw new IllegalArgumentException("wallTimeMillis must not be negative, got " + wallTimeMillis);
        }
        Checks.notNull(provenance, "provenance");
        if (safety != null && safety.lists() != caseCount) {
            throw new IllegalArgumentException("safety summary counts " + safety.lists() + " lists, expected "
                    + caseCount);
        }
    }

    /**
     * Creates a result without safety and faithfulness summaries.
     *
     * @param ranker the ranker's name
     * @param split the split's name
     * @param ks the cut-offs, ascending
     * @param convention the precision convention
     * @param smgcnListLength the list length {@code L} of SMGCN's NDCG
     * @param caseCount how many cases were evaluated
     * @param rows one aggregate row per cut-off
     * @param cases the per-case values in split order, or an empty list
     * @param wallTimeMillis how long the evaluation took
     * @param provenance what produced the result
     */
    public EvaluationResult(String ranker, String split, List<Integer> ks, PrecisionConvention convention,
            int smgcnListLength, int caseCount, List<AggregateRow> rows, List<CaseResult> cases, long wallTimeMillis,
            Provenance provenance) {
        this(ranker, split, ks, convention, smgcnListLength, caseCount, rows, cases, wallTimeMillis, provenance, null,
                null);
    }

    /**
     * Returns the aggregate row at a cut-off.
     *
     * @param k the cut-off
     * @return the row
     * @throws IllegalArgumentException when the result has no row at {@code k}; the message lists the cut-offs
     */
    public AggregateRow row(int k) {
        return rows.get(indexOf(k));
    }

    /**
     * Returns a split-level metric.
     *
     * @param metric the metric
     * @param k the cut-off
     * @return its value
     * @throws IllegalArgumentException when the result has no row at {@code k}
     */
    public double value(Metric metric, int k) {
        return Checks.notNull(metric, "metric").of(row(k));
    }

    /**
     * Returns the per-case values of a metric that is a mean over cases, in case order.
     *
     * @param metric a metric other than {@link Metric#F1_OF_MEANS}
     * @param k the cut-off
     * @return one value per case
     * @throws IllegalArgumentException when the metric has no per-case value, there is no row at {@code k}, or the
     *     per-case values were dropped
     */
    public double[] perCase(Metric metric, int k) {
        Checks.notNull(metric, "metric");
        int i = indexOf(k);
        if (!metric.perCaseMean()) {
            throw new IllegalArgumentException(metric + " has no per-case value: it is the harmonic mean of mean"
                    + " precision and mean recall");
        }
        requireCases();
        double[] out = new double[cases.size()];
        for (int c = 0; c < out.length; c++) {
            out[c] = cases.get(c).metrics().get(i).value(metric);
        }
        return out;
    }

    /**
     * Returns the case ids in split order.
     *
     * @return the ids
     * @throws IllegalArgumentException when the per-case values were dropped
     */
    public List<String> caseIds() {
        requireCases();
        List<String> ids = new ArrayList<>(cases.size());
        for (CaseResult c : cases) {
            ids.add(c.caseId());
        }
        return ids;
    }

    /**
     * Tells whether the per-case values are kept.
     *
     * @return whether {@link #cases()} is non-empty
     */
    public boolean hasCases() {
        return !cases.isEmpty();
    }

    /**
     * Returns this result without its per-case values, e.g. for a compact JSON report.
     *
     * @return a copy with an empty case list
     */
    public EvaluationResult withoutCases() {
        return new EvaluationResult(ranker, split, ks, convention, smgcnListLength, caseCount, rows, List.of(),
                wallTimeMillis, provenance, safety, faithfulness);
    }

    private int indexOf(int k) {
        int i = ks.indexOf(k);
        if (i < 0) {
            throw new IllegalArgumentException("result of '" + ranker + "' has no k=" + k + "; ks: " + ks);
        }
        return i;
    }

    private void requireCases() {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("result of '" + ranker + "' on '" + split
                    + "' has no per-case values (they were dropped with withoutCases())");
        }
    }

    /** Copies the cut-offs, requiring at least one, each at least 1, strictly ascending. */
    static List<Integer> checkKs(List<Integer> ks) {
        Checks.notNull(ks, "ks");
        if (ks.isEmpty()) {
            throw new IllegalArgumentException("ks must not be empty");
        }
        for (int i = 0; i < ks.size(); i++) {
            Checks.positiveK(Checks.notNull(ks.get(i), "k"));
            if (i > 0 && ks.get(i) <= ks.get(i - 1)) {
                throw new IllegalArgumentException("ks must be strictly ascending, got " + ks);
            }
        }
        return List.copyOf(ks);
    }
}
