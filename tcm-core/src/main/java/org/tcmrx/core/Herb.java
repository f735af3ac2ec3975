package org.tcmrx.core;

import org.tcmrx.core.internal.Checks;

/**
 * A medicinal herb (中药), identified by its Chinese name exactly as written.
 *
 * <p>Two herbs are equal when their names are equal; no normalization happens here. Use {@link HerbNormalizer}
 * to bring names written in different ways together, explicitly.
 *
 * @param name the herb's name, non-blank and without surrounding white space
 */
public record Herb(String name) implements Comparable<Herb> {
    /**
     * Validates the name.
     *
     * @param name the herb's name, non-blank and without surrounding white space
     * @throws IllegalArgumentException when the name is null, blank or has surrounding white space
     */
    public Herb {
        Checks.name(name, "herb name");
    }

    /**
     * Returns the herb with this name.
     *
     * @param name the herb's name
     * @return the herb
     */
    public static Herb of(String name) {
        return new Herb(name);
    }

    /** Orders herbs by the code points of their names, a stable order independent of locale. */
    @Override
    public int compareTo(Herb other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
