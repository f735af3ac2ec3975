package org.tcmrx.eval;

import java.util.List;
import org.tcmrx.core.internal.Checks;

/**
 * One case's metrics at every cut-off of an evaluation, kept so that cases can be resampled
 * ({@link PairedBootstrap}) and inspected.
 *
 * @param caseId the case's id
 * @param truthSize how many herbs the case's prescription has
 * @param ranked how many herbs the ranker returned
 * @param metrics the metrics at each cut-off, in the evaluation's order of cut-offs
 */
public record CaseResult(String caseId, int truthSize, int ranked, List<CaseMetrics> metrics) {
    /**
     * Validates and copies the record.
     *
     * @param caseId the case's id
     * @param truthSize how many herbs the case's prescription has
     * @param ranked how many herbs the ranker returned
     * @param metrics the metrics at each cut-off, in the evaluation's order of cut-offs
     * @throws IllegalArgumentException when the id is blank, {@code truthSize < 1}, {@code ranked < 0}, or there is
     *     no metric
     */
    public CaseResult {
        Checks.name(caseId, "caseId");
        if (truthSize < 1) {
            throw new IllegalArgumentException("truthSize must be at least 1, got " + truthSize);
        }
        if (ranked < 0) {
            throw new IllegalArgumentException("ranked must not be negative, got " + ranked);
        }
        metrics = List.copyOf(Checks.notNull(metrics, "metrics"));
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("metrics of case '" + caseId + "' must not be empty");
        }
    }

    /**
     * Returns the metrics at a cut-off.
     *
     * @param k the cut-off
     * @return the metrics
     * @throws IllegalArgumentException when the case was not scored at {@code k}
     */
    public CaseMetrics at(int k) {
        for (CaseMetrics m : metrics) {
            if (m.k() == k) {
                return m;
            }
        }
        throw new IllegalArgumentException("case '" + caseId + "' has no metrics at k=" + k);
    }
}
