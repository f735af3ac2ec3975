package org.tcmrx.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the training loop does when a loss or gradient is NaN or infinite. */
public enum NonFinitePolicy {
    /** Stop training with a {@link NonFiniteException} naming the step and the loss or parameter (the default). */
    FAIL,
    /** Drop the step's gradients, leave parameters and optimizer state untouched, log the step as skipped, go on. */
    SKIP_STEP;

    /**
     * Returns the policy of a name, {@code fail} or {@code skip_step} in any case.
     *
     * @param name the name
     * @return the policy
     * @throws IllegalArgumentException when the name is unknown; the message lists the valid ones
     */
    public static NonFinitePolicy parse(String name) {
        for (NonFinitePolicy p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("onNonFinite must be one of "
                + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
                + "; got '" + name + "'");
    }
}
