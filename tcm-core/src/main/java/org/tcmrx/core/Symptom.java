package org.tcmrx.core;

import org.tcmrx.core.internal.Checks;

/**
 * A symptom or sign (症状), identified by its Chinese name exactly as written.
 *
 * <p>Two symptoms are equal when their names are equal; no normalization happens here.
 *
 * @param name the symptom's name, non-blank and without surrounding white space
 */
public record Symptom(String name) implements Comparable<Symptom> {
    /**
     * Validates the name.
     *
     * @param name the symptom's name, non-blank and without surrounding white space
     * @throws IllegalArgumentException when the name is null, blank or has surrounding white space
     */
    public Symptom {
        Checks.name(name, "symptom name");
    }

    /**
     * Returns the symptom with this name.
     *
     * @param name the symptom's name
     * @return the symptom
     */
    public static Symptom of(String name) {
        return new Symptom(name);
    }

    /** Orders symptoms by the code points of their names, a stable order independent of locale. */
    @Override
    public int compareTo(Symptom other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
