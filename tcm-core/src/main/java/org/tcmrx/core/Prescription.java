package org.tcmrx.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tcmrx.core.internal.Checks;

/**
 * A prescription (处方): a non-empty list of distinct herbs in the order written, with optional doses.
 *
 * @param herbs the herbs, at least one, no herb twice
 * @param doses the doses of some or all of the herbs (empty when the source gives none)
 */
public record Prescription(List<Herb> herbs, Map<Herb, Dose> doses) {
    /**
     * Validates and copies the prescription.
     *
     * @param herbs the herbs, at least one, no herb twice
     * @param doses the doses of some or all of the herbs (empty when the source gives none)
     * @throws IllegalArgumentException when there is no herb, a herb appears twice, or a dose is given for a herb that
     *     is not prescribed
     */
    public Prescription {
        herbs = Checks.uniqueList(herbs, "herbs");
        if (herbs.isEmpty()) {
            throw new IllegalArgumentException("herbs must not be empty");
        }
        Checks.notNull(doses, "doses");
        Map<Herb, Dose> ordered = new LinkedHashMap<>();
        for (Herb h : herbs) {
            Dose d = doses.get(h);
            if (d != null) {
                ordered.put(h, d);
            }
        }
        if (ordered.size() != doses.size()) {
            Set<Herb> extra = new LinkedHashSet<>(doses.keySet());
            extra.removeAll(herbs);
            throw new IllegalArgumentException("doses name herbs that are not prescribed: " + extra);
        }
        doses = Collections.unmodifiableMap(ordered);
    }

    /**
     * Returns a prescription without doses.
     *
     * @param herbs the herbs' names
     * @return the prescription
     */
    public static Prescription of(String... herbs) {
        return of(Arrays.stream(herbs).map(Herb::new).toList());
    }

    /**
     * Returns a prescription without doses.
     *
     * @param herbs the herbs
     * @return the prescription
     */
    public static Prescription of(List<Herb> herbs) {
        return new Prescription(herbs, Map.of());
    }

    /**
     * Returns the number of herbs.
     *
     * @return the number of herbs
     */
    public int size() {
        return herbs.size();
    }

    /**
     * Returns the herbs as a set, in the order written.
     *
     * @return an unmodifiable set
     */
    public Set<Herb> herbSet() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(herbs));
    }

    /**
     * Tells whether the herb is prescribed.
     *
     * @param herb a herb
     * @return whether it is in the prescription
     */
    public boolean contains(Herb herb) {
        return herbs.contains(herb);
    }

    /**
     * Returns the dose of a herb.
     *
     * @param herb a herb
     * @return its dose, or empty when the prescription gives none or does not contain the herb
     */
    public Optional<Dose> dose(Herb herb) {
        return Optional.ofNullable(doses.get(herb));
    }

    /**
     * Tells whether every herb has a dose.
     *
     * @return whether doses are complete
     */
    public boolean hasAllDoses() {
        return doses.size() == herbs.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Herb h : herbs) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(h.name());
            Dose d = doses.get(h);
            if (d != null) {
                sb.append(d);
            }
        }
        return sb.toString();
    }
}
