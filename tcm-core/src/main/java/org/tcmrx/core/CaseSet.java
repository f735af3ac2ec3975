package org.tcmrx.core;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tcmrx.core.internal.Checks;

/**
 * An immutable, ordered collection of clinical cases with distinct ids, e.g. one split of a data set.
 */
public final class CaseSet extends AbstractList<ClinicalCase> {
    private final String name;
    private final List<ClinicalCase> cases;
    private final Map<String, ClinicalCase> byId;

    private CaseSet(String name, List<ClinicalCase> cases) {
        this.name = Checks.name(name, "name");
        this.cases = List.copyOf(cases);
        this.byId = new HashMap<>(cases.size() * 2);
        for (ClinicalCase c : this.cases) {
            if (byId.putIfAbsent(c.id(), c) != null) {
                throw new IllegalArgumentException("case set '" + name + "' contains id '" + c.id() + "' twice");
            }
        }
    }

    /**
     * Creates a case set.
     *
     * @param name a short name, e.g. {@code train}
     * @param cases the cases, with distinct ids
     * @return the case set
     * @throws IllegalArgumentException when two cases share an id
     */
    public static CaseSet of(String name, List<ClinicalCase> cases) {
        return new CaseSet(name, Checks.notNull(cases, "cases"));
    }

    /**
     * Returns the name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the case with an id.
     *
     * @param id the id
     * @return the case, or empty
     */
    public Optional<ClinicalCase> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public ClinicalCase get(int index) {
        return cases.get(index);
    }

    @Override
    public int size() {
        return cases.size();
    }

    @Override
    public String toString() {
        return name + " (" + cases.size() + " cases)";
    }
}
