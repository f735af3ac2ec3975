package org.tcmrx.core.safety;

import java.util.List;
import java.util.Locale;
import org.tcmrx.core.Dose;
import org.tcmrx.core.Herb;
import org.tcmrx.core.internal.Checks;

/**
 * What a {@link SafetyChecker} found: a rule and the herbs that trigger it, as they were written in what was checked.
 *
 * @param rule the rule
 * @param herbs the herbs involved: two for a pair kind (the {@code herbs} side first), one otherwise
 * @param dose the dose found above the limit for {@link RuleKind#DOSE_LIMIT}; null for every other kind
 */
public record SafetyFinding(SafetyRule rule, List<Herb> herbs, Dose dose) {
    /**
     * Validates and copies the finding.
     *
     * @param rule the rule
     * @param herbs the herbs involved
     * @param dose the dose, for a dose finding only
     * @throws IllegalArgumentException when the number of herbs does not fit the rule's kind, or a dose is missing
     *     or given where it does not belong
     */
    public SafetyFinding {
        Checks.notNull(rule, "rule");
        herbs = Checks.uniqueList(herbs, "herbs");
        int expected = rule.kind().pair() ? 2 : 1;
        if (herbs.size() != expected) {
            throw new IllegalArgumentException("a " + rule.kind() + " finding names " + expected + " herb(s), got "
                    + herbs);
        }
        if ((rule.kind() == RuleKind.DOSE_LIMIT) != (dose != null)) {
            throw new IllegalArgumentException("a dose is given exactly for DOSE_LIMIT findings; rule " + rule.id()
                    + ", dose " + dose);
        }
    }

    /**
     * Returns the rule's kind.
     *
     * @return the kind
     */
    public RuleKind kind() {
        return rule.kind();
    }

    /**
     * Returns the rule's severity.
     *
     * @return the severity
     */
    public Severity severity() {
        return rule.severity();
    }

    /**
     * Returns the rule's source.
     *
     * @return the source
     */
    public String source() {
        return rule.source();
    }

    /**
     * Returns a one-line description, e.g. {@code 十八反 甘草 + 海藻: not to be combined [十八反:甘草-海藻]}.
     *
     * @return the description
     */
    public String message() {
        String what = switch (rule.kind()) {
            case EIGHTEEN_INCOMPATIBILITIES, NINETEEN_ANTAGONISMS -> herbs.get(0) + " + " + herbs.get(1)
                    + ": not to be combined";
            case PREGNANCY_FORBIDDEN -> herbs.get(0) + ": forbidden in pregnancy";
            case PREGNANCY_CAUTION -> herbs.get(0) + ": caution in pregnancy";
            case DOSE_LIMIT -> herbs.get(0) + " " + dose + ": above the upper limit of "
                    + String.format(Locale.ROOT, "%sg", trim(rule.maxGrams()));
        };
        return rule.kind().label() + " " + what + " [" + rule.id() + "]";
    }

    private static String trim(double grams) {
        return grams == Math.rint(grams) ? Long.toString((long) grams) : Double.toString(grams);
    }
}
