package org.tcmrx.eval;

import java.util.List;
import org.tcmrx.core.internal.Checks;

/**
 * One property an explanation states for a prescribed herb that the knowledge table contradicts, as
 * {@link AnswerFaithfulness} defines it.
 *
 * @param herb the prescribed herb, as the answer writes it
 * @param attribute which property
 * @param stated the value as the explanation states it, e.g. {@code 寒}, {@code 微苦} or {@code 膀胱}
 * @param table the table's value(s) for that property, as the table writes them: one nature, or all the
 *     flavours, or all the meridians
 */
public record PropertyContradiction(String herb, Attribute attribute, String stated, List<String> table) {
    /** The property a claim is about. */
    public enum Attribute {
        /** The nature (性): 寒, 凉, 平, 温, 热 and their degrees. */
        NATURE,
        /** A flavour (味): 辛, 甘, 酸, 苦, 咸, 淡, 涩. */
        FLAVOUR,
        /** A meridian entered (归经), by organ: 肺, 膀胱, 心包, .... */
        MERIDIAN
    }

    /**
     * Validates and copies the contradiction.
     *
     * @param herb the prescribed herb
     * @param attribute which property
     * @param stated the value stated
     * @param table the table's values
     * @throws IllegalArgumentException naming the field when a value is null or blank, or the table's list is empty
     */
    public PropertyContradiction {
        Checks.name(herb, "herb");
        Checks.notNull(attribute, "attribute");
        Checks.name(stated, "stated");
        if (table == null || table.isEmpty()) {
            throw new IllegalArgumentException("table must not be empty");
        }
        table = List.copyOf(table);
    }
}
