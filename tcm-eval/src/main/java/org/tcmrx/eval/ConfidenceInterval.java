package org.tcmrx.eval;

/**
 * A point estimate with a confidence interval around it.
 *
 * @param estimate the value on the full sample
 * @param lower the lower bound
 * @param upper the upper bound
 */
public record ConfidenceInterval(double estimate, double lower, double upper) {
    /**
     * Validates the bounds.
     *
     * @param estimate the value on the full sample
     * @param lower the lower bound
     * @param upper the upper bound
     * @throws IllegalArgumentException when a value is NaN or {@code lower > upper}
     */
    public ConfidenceInterval {
        if (Double.isNaN(estimate) || Double.isNaN(lower) || Double.isNaN(upper)) {
            throw new IllegalArgumentException("interval values must not be NaN: " + estimate + " [" + lower + ", "
                    + upper + "]");
        }
        if (lower > upper) {
            throw new IllegalArgumentException("lower bound " + lower + " is above upper bound " + upper);
        }
    }

    /**
     * Tells whether a value lies inside the interval, bounds included.
     *
     * @param value the value
     * @return whether {@code lower <= value <= upper}
     */
    public boolean contains(double value) {
        return lower <= value && value <= upper;
    }
}
