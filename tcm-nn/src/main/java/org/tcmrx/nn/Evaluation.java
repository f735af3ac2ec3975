package org.tcmrx.nn;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.internal.Checks;

/**
 * One validation run during training.
 *
 * @param step the optimizer steps done when it ran
 * @param epoch the 0-based epoch it ran in (at an epoch's end: the epoch that ended)
 * @param metrics what {@link TrainingTask#evaluate()} returned, sorted by name
 */
public record Evaluation(int step, int epoch, Map<String, Double> metrics) {
    /**
     * Copies the metrics.
     *
     * @param step the optimizer steps done when it ran
     * @param epoch the 0-based epoch it ran in
     * @param metrics the metrics by name
     * @throws IllegalArgumentException when the metrics are null or hold a null name or value
     */
    public Evaluation {
        Checks.notNull(metrics, "metrics");
        Map<String, Double> copy = new TreeMap<>();
        metrics.forEach((k, v) -> copy.put(Checks.notNull(k, "metric name"), Checks.notNull(v, "metric " + k)));
        metrics = Collections.unmodifiableMap(copy);
    }
}
