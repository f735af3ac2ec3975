package org.tcmrx.core.safety;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tcmrx.core.internal.Checks;

/**
 * One safety rule: for a pair kind, any herb counting as one of {@code herbs} together with any herb counting as one
 * of {@code with}; for a single-herb kind, any herb counting as one of {@code herbs} (above {@code maxGrams} for a
 * dose limit). "Counting as" goes through {@link SafetyRules}' alias table.
 *
 * @param id the rule's unique id, e.g. {@code 十八反:甘草-海藻}
 * @param kind the kind
 * @param herbs the names (herbs or alias groups) of the first side, at least one
 * @param with the names of the second side for a pair kind; empty otherwise
 * @param severity how serious a finding is
 * @param maxGrams the upper daily dose in grams for {@link RuleKind#DOSE_LIMIT}; 0 for every other kind
 * @param source where the rule comes from
 * @param note a remark, possibly empty
 */
public record SafetyRule(String id, RuleKind kind, List<String> herbs, List<String> with, Severity severity,
        double maxGrams, String source, String note) {
    /**
     * Validates and copies the rule.
     *
     * @param id the id
     * @param kind the kind
     * @param herbs the first side
     * @param with the second side
     * @param severity the severity
     * @param maxGrams the dose limit
     * @param source the source
     * @param note the remark
     * @throws IllegalArgumentException naming the field that breaks the rules above, or when a name is on both sides
     */
    public SafetyRule {
        Checks.name(id, "id");
        Checks.notNull(kind, "kind");
        Checks.notNull(severity, "severity");
        herbs = names(herbs, "herbs");
        with = with == null ? List.of() : names(with, "with");
        if (herbs.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + ": herbs must not be empty");
        }
        if (kind.pair() && with.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + ": a " + kind + " rule needs herbs on the 'with' side");
        }
        if (!kind.pair() && !with.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + ": a " + kind + " rule has no 'with' side, got " + with);
        }
        Set<String> both = new HashSet<>(herbs);
        both.retainAll(with);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + ": " + both + " on both sides");
        }
        if (kind == RuleKind.DOSE_LIMIT) {
            if (!(maxGrams > 0) || !Double.isFinite(maxGrams)) {
                throw new IllegalArgumentException("rule " + id + ": maxGrams must be a positive finite number, got "
                        + maxGrams);
            }
        } else if (maxGrams != 0) {
            throw new IllegalArgumentException("rule " + id + ": maxGrams is only for DOSE_LIMIT rules, got "
                    + maxGrams);
        }
        source = Checks.name(source == null ? null : source.strip(), "source");
        note = note == null ? "" : note.strip();
    }

    private static List<String> names(List<String> names, String what) {
        Checks.notNull(names, what);
        for (String n : names) {
            Checks.name(n, what);
        }
        return Checks.uniqueList(names, what);
    }
}
