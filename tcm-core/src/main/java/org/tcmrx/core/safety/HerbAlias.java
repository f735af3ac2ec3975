package org.tcmrx.core.safety;

import org.tcmrx.core.internal.Checks;

/**
 * One line of the alias table: a herb named {@code name} also counts as {@code countsAs} when safety rules are
 * matched, e.g. {@code 白芍} counts as {@code 芍药}.
 *
 * @param name the herb's name, as the normalizer gives it
 * @param countsAs the herb or group it also counts as
 * @param note why, possibly empty
 */
public record HerbAlias(String name, String countsAs, String note) {
    /**
     * Validates the alias.
     *
     * @param name the herb's name
     * @param countsAs what it also counts as
     * @param note why
     * @throws IllegalArgumentException when a name is blank or the alias maps a name to itself
     */
    public HerbAlias {
        Checks.name(name, "name");
        Checks.name(countsAs, "countsAs");
        if (name.equals(countsAs)) {
            throw new IllegalArgumentException("alias maps '" + name + "' to itself");
        }
        note = note == null ? "" : note.strip();
    }
}
