package org.tcmrx.core;

import java.util.List;

/**
 * The properties materia medica gives one herb: its nature (性), flavours (味) and the meridians it enters (归经),
 * written as the standard textbooks write them.
 *
 * @param nature the nature, e.g. {@code 温}, {@code 微寒} or {@code 平}
 * @param flavours the flavours, at least one, e.g. {@code 辛} and {@code 微苦}
 * @param meridians the meridians, at least one, by organ name, e.g. {@code 肺} and {@code 膀胱}
 */
public record HerbProperties(String nature, List<String> flavours, List<String> meridians) {
    /**
     * Validates and copies the properties.
     *
     * @param nature the nature
     * @param flavours the flavours
     * @param meridians the meridians
     * @throws IllegalArgumentException naming the field when the nature is blank, a list is empty or holds a blank
     *     value
     */
    public HerbProperties {
        if (nature == null || nature.isBlank()) {
            throw new IllegalArgumentException("nature must not be blank");
        }
        flavours = values(flavours, "flavours");
        meridians = values(meridians, "meridians");
    }

    private static List<String> values(List<String> values, String what) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(what + " must not contain a blank value");
            }
        }
        return List.copyOf(values);
    }
}
