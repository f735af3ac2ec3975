package org.tcmrx.nn;

/**
 * A training step met a NaN or infinite loss or gradient. The message names the step and what was not finite, e.g.
 * {@code step 7: gradient of model.encoder.layers.0.fc1.weight is not finite (norm NaN)}.
 */
public final class NonFiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** The 1-based optimizer step. */
    private final int step;
    /** {@code loss}, or the parameter's name. */
    private final String source;

    /**
     * Creates the exception.
     *
     * @param step the 1-based optimizer step that failed
     * @param source {@code "loss"}, or the name of the parameter whose gradient is not finite
     * @param value the offending value (the loss, or the gradient's L2 norm)
     */
    public NonFiniteException(int step, String source, double value) {
        super("step " + step + ": " + ("loss".equals(source) ? "loss is not finite (" + value + ")"
                : "gradient of " + source + " is not finite (norm " + value + ")"));
        this.step = step;
        this.source = source;
    }

    /**
     * Returns the step that failed.
     *
     * @return the 1-based optimizer step
     */
    public int step() {
        return step;
    }

    /**
     * Returns what was not finite.
     *
     * @return {@code "loss"}, or a parameter name
     */
    public String source() {
        return source;
    }
}
