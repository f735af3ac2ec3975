package org.tcmrx.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A bijection between items and the ids {@code 0..size-1}; the shared body of the herb and symptom vocabularies.
 *
 * @param <T> the item type
 */
public final class IdIndex<T> {
    private final List<T> items;
    private final Map<T, Integer> ids;

    /**
     * Creates an index where each item's id is its position.
     *
     * @param items distinct items
     * @param what what the items are, for messages
     */
    public IdIndex(List<T> items, String what) {
        this.items = Checks.uniqueList(items, what);
        this.ids = new HashMap<>(items.size() * 2);
        for (int i = 0; i < this.items.size(); i++) {
            ids.put(this.items.get(i), i);
        }
    }

    /**
     * Orders items by descending count, then by their natural order, so that ids are stable for the same data.
     *
     * @param counts the items and their counts
     * @param <T> the item type
     * @return the items, most frequent first
     */
    public static <T extends Comparable<T>> List<T> byFrequency(Map<T, Integer> counts) {
        List<T> sorted = new ArrayList<>(counts.keySet());
        sorted.sort(Comparator.<T>comparingInt(counts::get).reversed().thenComparing(Function.identity()));
        return sorted;
    }

    /**
     * Counts occurrences.
     *
     * @param values the values to count
     * @param counts the map to add to
     * @param <T> the item type
     */
    public static <T> void count(Collection<T> values, Map<T, Integer> counts) {
        for (T v : values) {
            counts.merge(v, 1, Integer::sum);
        }
    }

    /**
     * Returns the number of items.
     *
     * @return the size
     */
    public int size() {
        return items.size();
    }

    /**
     * Returns the id of an item.
     *
     * @param item the item
     * @return its id, or -1 when unknown
     */
    public int indexOf(T item) {
        Integer id = ids.get(item);
        return id == null ? -1 : id;
    }

    /**
     * Returns the item with an id.
     *
     * @param id the id
     * @return the item
     * @throws IllegalArgumentException when the id is out of range
     */
    public T get(int id) {
        if (id < 0 || id >= items.size()) {
            throw new IllegalArgumentException("id " + id + " out of range [0, " + items.size() + ")");
        }
        return items.get(id);
    }

    /**
     * Returns the items in id order.
     *
     * @return an unmodifiable list
     */
    public List<T> items() {
        return items;
    }
}
