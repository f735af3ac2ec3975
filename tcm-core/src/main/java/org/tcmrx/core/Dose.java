package org.tcmrx.core;

import org.tcmrx.core.internal.Checks;

/**
 * The amount of one herb in a prescription, in the unit the source gives ({@code g} for modern doses, or counts
 * such as {@code 枚} for jujubes).
 *
 * @param amount the amount, finite and greater than zero
 * @param unit the unit, non-blank
 */
public record Dose(double amount, String unit) {
    /**
     * Validates the dose.
     *
     * @param amount the amount, finite and greater than zero
     * @param unit the unit, non-blank
     * @throws IllegalArgumentException when the amount is not a positive finite number or the unit is blank
     */
    public Dose {
        if (!Double.isFinite(amount) || amount <= 0) {
            throw new IllegalArgumentException("dose amount must be a positive finite number, got " + amount);
        }
        Checks.name(unit, "dose unit");
    }

    /**
     * Returns a dose in grams.
     *
     * @param grams the amount in grams
     * @return the dose
     */
    public static Dose grams(double grams) {
        return new Dose(grams, "g");
    }

    /** Formats the dose as amount and unit, e.g. {@code 9g} or {@code 4枚}; whole amounts without decimals. */
    @Override
    public String toString() {
        String number = amount == Math.rint(amount) && Math.abs(amount) < 1e15
                ? Long.toString((long) amount)
                : Double.toString(amount);
        return number + unit;
    }
}
