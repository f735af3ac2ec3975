package org.tcmrx.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.internal.Checks;

/**
 * A named data set made of named splits (e.g. {@code train}, {@code valid}, {@code test}), with the provenance of
 * the files it was read from.
 */
public final class Dataset {
    /** The conventional name of the training split. */
    public static final String TRAIN = "train";
    /** The conventional name of the validation split, used for model selection. */
    public static final String VALID = "valid";
    /** The conventional name of the test split, used only for the final figures. */
    public static final String TEST = "test";

    private final String name;
    private final Map<String, CaseSet> splits;
    private final List<DataSource> sources;

    private Dataset(String name, Map<String, CaseSet> splits, List<DataSource> sources) {
        this.name = Checks.name(name, "name");
        Checks.notNull(splits, "splits");
        if (splits.isEmpty()) {
            throw new IllegalArgumentException("a data set needs at least one split");
        }
        this.splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        this.sources = List.copyOf(Checks.notNull(sources, "sources"));
    }

    /**
     * Creates a data set.
     *
     * @param name the data set's name
     * @param splits the splits by name, in the order to report them
     * @param sources the files read, for provenance
     * @return the data set
     */
    public static Dataset of(String name, Map<String, CaseSet> splits, List<DataSource> sources) {
        return new Dataset(name, splits, sources);
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
     * Returns the split names, in order.
     *
     * @return the names
     */
    public Set<String> splitNames() {
        return splits.keySet();
    }

    /**
     * Tells whether the data set has a split.
     *
     * @param split the split's name
     * @return whether it exists
     */
    public boolean hasSplit(String split) {
        return splits.containsKey(split);
    }

    /**
     * Returns a split.
     *
     * @param split the split's name
     * @return the cases of that split
     * @throws IllegalArgumentException when there is no such split; the message lists the valid names
     */
    public CaseSet split(String split) {
        CaseSet cases = splits.get(split);
        if (cases == null) {
            throw new IllegalArgumentException("split '" + split + "' not in data set '" + name
                    + "'; valid splits: " + String.join(", ", splits.keySet()));
        }
        return cases;
    }

    /**
     * Returns all splits by name.
     *
     * @return an unmodifiable map in order
     */
    public Map<String, CaseSet> splits() {
        return splits;
    }

    /**
     * Returns every case of every split, in split order.
     *
     * @return the cases
     */
    public List<ClinicalCase> allCases() {
        List<ClinicalCase> all = new ArrayList<>();
        splits.values().forEach(all::addAll);
        return all;
    }

    /**
     * Returns the files the data set was read from.
     *
     * @return the sources
     */
    public List<DataSource> sources() {
        return sources;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" {");
        splits.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v.size()));
        return sb.append(" }").toString();
    }
}
