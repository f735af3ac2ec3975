package org.tcmrx.nn;

import org.tcmrx.core.internal.Checks;

/**
 * Which validation metric picks the best checkpoint and when to stop, as Hugging Face's {@code
 * metric_for_best_model}, {@code greater_is_better} and {@code EarlyStoppingCallback}. An evaluation improves on the
 * best so far when it beats it by more than {@code minDelta} (the first always does); training stops after {@code
 * patience} evaluations in a row without improvement.
 *
 * @param metric the name of a metric {@link TrainingTask#evaluate()} returns, e.g. {@code eval_loss}
 * @param mode whether lower or higher values are better
 * @param patience evaluations without improvement before stopping; 0 never stops (the metric still picks {@code
 *     best/})
 * @param minDelta the margin an improvement must exceed ({@code early_stopping_threshold}), at least 0
 */
public record EarlyStopping(String metric, Mode mode, int patience, double minDelta) {
    /** Whether lower or higher metric values are better. */
    public enum Mode {
        /** Lower is better (a loss). */
        MIN,
        /** Higher is better (an accuracy, a recall). */
        MAX;

        /**
         * Returns the mode of a name, {@code min} or {@code max} in any case.
         *
         * @param name the name
         * @return the mode
         * @throws IllegalArgumentException when the name is neither; the message lists both
         */
        public static Mode parse(String name) {
            if ("min".equalsIgnoreCase(name)) {
                return MIN;
            }
            if ("max".equalsIgnoreCase(name)) {
                return MAX;
            }
            throw new IllegalArgumentException("mode must be one of min, max; got '" + name + "'");
        }
    }

    /**
     * Validates the values.
     *
     * @param metric the metric's name
     * @param mode whether lower or higher values are better
     * @param patience evaluations without improvement before stopping, at least 0
     * @param minDelta the margin an improvement must exceed, finite and at least 0
     * @throws IllegalArgumentException naming the first invalid argument
     */
    public EarlyStopping {
        Checks.name(metric, "metric");
        Checks.notNull(mode, "mode");
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be at least 0, got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("minDelta must be finite and at least 0, got " + minDelta);
        }
    }

    /**
     * Tells whether a value improves on the best so far.
     *
     * @param value the new value
     * @param best the best so far, or null before the first evaluation
     * @return true when it is better by more than {@code minDelta}; never for NaN
     */
    public boolean improves(double value, Double best) {
        if (Double.isNaN(value)) {
            return false;
        }
        if (best == null) {
            return true;
        }
        return mode == Mode.MIN ? value < best - minDelta : value > best + minDelta;
    }
}
