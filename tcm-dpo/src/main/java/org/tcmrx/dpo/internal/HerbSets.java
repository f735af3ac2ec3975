package org.tcmrx.dpo.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tcmrx.core.Herb;

/**
 * The two sides of a prescription metric reduced to distinct herbs: the prediction in its order (a repeated herb
 * kept at its first place) and the truth as a set.
 *
 * @param predicted the distinct predicted herbs, in order
 * @param truth the distinct true herbs
 */
public record HerbSets(List<Herb> predicted, Set<Herb> truth) {
    /**
     * Copies the sides.
     *
     * @param predicted the distinct predicted herbs, in order
     * @param truth the distinct true herbs
     */
    public HerbSets {
        predicted = List.copyOf(predicted);
        truth = Set.copyOf(truth);
    }

    /**
     * Reduces a prediction and a truth to distinct herbs.
     *
     * @param predicted the predicted herbs, in order
     * @param truth the true herbs
     * @return the sets
     * @throws IllegalArgumentException when a side is null or holds null
     */
    public static HerbSets of(List<Herb> predicted, Collection<Herb> truth) {
        return new HerbSets(new ArrayList<>(distinct(predicted, "predicted")), distinct(truth, "truth"));
    }

    private static Set<Herb> distinct(Collection<Herb> herbs, String what) {
        if (herbs == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        Set<Herb> set = new LinkedHashSet<>();
        for (Herb h : herbs) {
            if (h == null) {
                throw new IllegalArgumentException(what + " must not contain null");
            }
            set.add(h);
        }
        return set;
    }

    /**
     * Counts the predicted herbs that are true.
     *
     * @return {@code |P ∩ T|}
     */
    public int hits() {
        return hitsInFirst(predicted.size());
    }

    /**
     * Counts the true herbs among the first {@code k} predicted ones.
     *
     * @param k how many predicted herbs to look at, at least 0
     * @return the hits among them
     */
    public int hitsInFirst(int k) {
        int hits = 0;
        for (int i = 0; i < Math.min(k, predicted.size()); i++) {
            if (truth.contains(predicted.get(i))) {
                hits++;
            }
        }
        return hits;
    }
}
