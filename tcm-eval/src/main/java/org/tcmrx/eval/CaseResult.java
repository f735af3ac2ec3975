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
 * @param safety the ids of the safety rules the ranker's top-K list triggered, in rule-table order, each once; empty
 *     when none did or no safety check ran
 * @param answer the answer the ranking was read from, for a ranker that writes one
 *     ({@link org.tcmrx.core.ExplainingHerbRanker}); null otherwise
 * @param faithfulness how faithful the answer's explanation is, or null when no answer was checked
 */
public record CaseResult(String caseId, int truthSize, int ranked, List<CaseMetrics> metrics, List<String> safety,
        String answer, FaithfulnessCase faithfulness) {
    /**
     * Validates and copies the record.
     *
     * @param caseId the case's id
     * @param truthSize how many herbs the case's prescription has
     * @param ranked how many herbs the ranker returned
     * @param metrics the metrics at each cut-off, in the evaluation's order of cut-offs
     * @param safety the ids of the safety rules triggered; null is read as none (reports written before the check)
     * @param answer the answer's text, or null
     * @param faithfulness the answer's faithfulness, or null
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
        safety = safety == null ? List.of() : Checks.uniqueList(safety, "safety");
    }

    /**
     * Creates a record without safety findings.
     *
     * @param caseId the case's id
     * @param truthSize how many herbs the case's prescription has
     * @param ranked how many herbs the ranker returned
     * @param metrics the metrics at each cut-off
     */
    public CaseResult(String caseId, int truthSize, int ranked, List<CaseMetrics> metrics) {
        this(caseId, truthSize, ranked, metrics, List.of(), null, null);
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
