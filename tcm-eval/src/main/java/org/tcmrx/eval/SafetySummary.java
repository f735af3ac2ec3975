package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.safety.RuleKind;
import org.tcmrx.core.safety.SafetyChecker;
import org.tcmrx.core.safety.SafetyFinding;
import org.tcmrx.core.safety.SafetyRule;

/**
 * How often herb lists trigger safety rules: a ranker's top-K lists, or the true prescriptions of a split.
 *
 * <p>Every count is a number of lists (a list with two findings of one rule counts once for it).
 *
 * @param subject what the lists are, e.g. a ranker's name, or {@code truth} for the prescriptions themselves
 * @param k the cut-off of the lists checked, or 0 for whole prescriptions (with their doses)
 * @param lists how many lists were checked
 * @param listsWithPairFinding lists with at least one finding of a pair kind (十八反 or 十九畏)
 * @param listsWithAnyFinding lists with at least one finding of any kind checked
 * @param byKind lists with at least one finding of each kind, for the kinds with any, in {@link RuleKind} order
 * @param byRule lists with at least one finding of each rule, for the rules with any, in rule-table order
 */
public record SafetySummary(String subject, int k, int lists, int listsWithPairFinding, int listsWithAnyFinding,
        Map<RuleKind, Integer> byKind, Map<String, Integer> byRule) {
    /** The subject of the summary of true prescriptions. */
    public static final String TRUTH = "truth";

    /**
     * Validates and copies the summary.
     *
     * @param subject what the lists are
     * @param k the cut-off, or 0
     * @param lists how many lists were checked
     * @param listsWithPairFinding lists with a pair finding
     * @param listsWithAnyFinding lists with any finding
     * @param byKind lists per kind
     * @param byRule lists per rule
     * @throws IllegalArgumentException when a count is negative or exceeds the number of lists
     */
    public SafetySummary {
        Checks.name(subject, "subject");
        if (k < 0 || lists < 0) {
            throw new IllegalArgumentException("k and lists must not be negative, got " + k + " and " + lists);
        }
        if (listsWithPairFinding < 0 || listsWithPairFinding > listsWithAnyFinding || listsWithAnyFinding > lists) {
            throw new IllegalArgumentException("expected 0 <= pair <= any <= lists, got " + listsWithPairFinding
                    + ", " + listsWithAnyFinding + ", " + lists);
        }
        byKind = Collections.unmodifiableMap(new LinkedHashMap<>(Checks.notNull(byKind, "byKind")));
        byRule = Collections.unmodifiableMap(new LinkedHashMap<>(Checks.notNull(byRule, "byRule")));
    }

    /**
     * Summarizes the findings of each list.
     *
     * @param subject what the lists are
     * @param k the cut-off, or 0 for whole prescriptions
     * @param findings the findings of each list, one entry per list
     * @param checker the checker that found them, for the order of rules
     * @return the summary
     */
    public static SafetySummary of(String subject, int k, List<List<SafetyFinding>> findings, SafetyChecker checker) {
        Checks.notNull(findings, "findings");
        Checks.notNull(checker, "checker");
        List<List<String>> ids = new ArrayList<>(findings.size());
        for (List<SafetyFinding> list : findings) {
            ids.add(list.stream().map(f -> f.rule().id()).toList());
        }
        return ofRuleIds(subject, k, ids, checker);
    }

    /**
     * Summarizes lists given by the ids of the rules each triggered, as {@link CaseResult#safety()} keeps them.
     *
     * @param subject what the lists are
     * @param k the cut-off, or 0 for whole prescriptions
     * @param ruleIds the ids of the rules each list triggered, one entry per list
     * @param checker the checker whose rules the ids name
     * @return the summary
     * @throws IllegalArgumentException when an id names no rule of the checker
     */
    public static SafetySummary ofRuleIds(String subject, int k, List<List<String>> ruleIds, SafetyChecker checker) {
        Checks.notNull(ruleIds, "ruleIds");
        Checks.notNull(checker, "checker");
        Map<String, Integer> byRuleCount = new LinkedHashMap<>();
        Map<RuleKind, Integer> byKindCount = new EnumMap<>(RuleKind.class);
        int pair = 0;
        int any = 0;
        for (List<String> list : ruleIds) {
            Set<String> rules = new LinkedHashSet<>(list);
            Set<RuleKind> kinds = new LinkedHashSet<>();
            for (String id : rules) {
                SafetyRule rule = checker.rules().rule(id);
                kinds.add(rule.kind());
                byRuleCount.merge(id, 1, Integer::sum);
            }
            kinds.forEach(kind -> byKindCount.merge(kind, 1, Integer::sum));
            pair += kinds.stream().anyMatch(RuleKind::pair) ? 1 : 0;
            any += rules.isEmpty() ? 0 : 1;
        }
        Map<String, Integer> byRule = new LinkedHashMap<>();
        for (SafetyRule r : checker.rules().rules()) {
            Integer n = byRuleCount.get(r.id());
            if (n != null) {
                byRule.put(r.id(), n);
            }
        }
        return new SafetySummary(subject, k, ruleIds.size(), pair, any, byKindCount, byRule);
    }

    /**
     * Checks the true prescriptions of cases, doses included.
     *
     * @param checker the checker
     * @param cases the cases
     * @return the summary, with subject {@value #TRUTH} and {@code k = 0}
     */
    public static SafetySummary ofPrescriptions(SafetyChecker checker, List<ClinicalCase> cases) {
        Checks.notNull(checker, "checker");
        List<List<SafetyFinding>> findings = new ArrayList<>();
        for (ClinicalCase c : Checks.notNull(cases, "cases")) {
            findings.add(checker.check(c.prescription()));
        }
        return of(TRUTH, 0, findings, checker);
    }

    /**
     * Returns the share of lists with a pair finding.
     *
     * @return the share, 0 when no list was checked
     */
    public double pairShare() {
        return lists == 0 ? 0 : listsWithPairFinding / (double) lists;
    }

    /**
     * Returns the share of lists with any finding.
     *
     * @return the share, 0 when no list was checked
     */
    public double anyShare() {
        return lists == 0 ? 0 : listsWithAnyFinding / (double) lists;
    }

    /**
     * Returns how many lists triggered a rule.
     *
     * @param ruleId the rule's id
     * @return the count, 0 when none did
     */
    public int count(String ruleId) {
        return byRule.getOrDefault(ruleId, 0);
    }
}
