package org.tcmrx.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Argument checks shared by the domain records; every message names the argument. */
public final class Checks {
    private Checks() {}

    /**
     * Returns {@code value} when it is a non-blank string without surrounding white space.
     *
     * @param value the value to check
     * @param what the argument's name, used in the message
     * @return {@code value}
     * @throws IllegalArgumentException when the value is null, blank or has surrounding white space
     */
    public static String name(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (!value.strip().equals(value)) {
            throw new IllegalArgumentException(what + " has surrounding white space: '" + value + "'");
        }
        return value;
    }

    /**
     * Returns {@code value} stripped, or null when it is null or blank.
     *
     * @param value an optional string
     * @return the stripped string, or null
     */
    public static String optionalText(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.strip();
    }

    /**
     * Copies a collection into an immutable list, rejecting nulls and duplicates.
     *
     * @param values the values
     * @param what the argument's name, used in the message
     * @param <T> the element type
     * @return an immutable copy in the same order
     * @throws IllegalArgumentException on a null list, a null element or a duplicate
     */
    public static <T> List<T> uniqueList(Collection<? extends T> values, String what) {
        if (values == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        Set<T> seen = new HashSet<>();
        List<T> out = new ArrayList<>(values.size());
        for (T v : values) {
            if (v == null) {
                throw new IllegalArgumentException(what + " must not contain null");
            }
            if (!seen.add(v)) {
                throw new IllegalArgumentException(what + " contains " + v + " twice");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }

    /**
     * Requires a positive top-K cut-off.
     *
     * @param k the cut-off
     * @return {@code k}
     * @throws IllegalArgumentException when {@code k < 1}
     */
    public static int positiveK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        return k;
    }

    /**
     * Null check naming the argument.
     *
     * @param value the value
     * @param what the argument's name
     * @param <T> the type
     * @return {@code value}
     * @throws IllegalArgumentException when the value is null
     */
    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return Objects.requireNonNull(value);
    }
}
