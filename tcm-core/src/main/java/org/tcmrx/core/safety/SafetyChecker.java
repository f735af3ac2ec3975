package org.tcmrx.core.safety;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.Dose;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.Checks;

/**
 * Checks herbs against a table of {@link SafetyRules}: prescriptions (with their doses), rankings and model answers.
 *
 * <p>Matching: each herb's name goes through the {@link HerbNormalizer} (by default with the processing rules
 * shipped with TCM-Rx, so {@code 炙甘草} is {@code 甘草}), then the alias table adds the names it also counts as
 * ({@code 白芍} counts as {@code 芍药}). A pair rule fires for every two different herbs of the list, one counting as
 * a name of its {@code herbs} side and the other as a name of its {@code with} side; a single-herb rule fires for
 * every herb counting as one of its names; a dose rule needs, besides, a dose in grams (or milligrams) above its
 * limit. Doses in other units are not checked.
 *
 * <p>Findings come in rule-table order, then in the order the herbs were given. The checker is immutable and safe
 * to share between threads.
 */
public final class SafetyChecker {
    private final SafetyRules rules;
    private final HerbNormalizer normalizer;
    private final Set<RuleKind> kinds;
    private final List<SafetyRule> active;

    private SafetyChecker(Builder b) {
        this.rules = b.rules;
        this.normalizer = b.normalizer;
        this.kinds = Collections.unmodifiableSet(EnumSet.copyOf(b.kinds));
        this.active = rules.rules().stream().filter(r -> kinds.contains(r.kind())).toList();
    }

    /**
     * Returns a checker with the embedded rules of every kind and the default normalizer.
     *
     * @return the checker
     */
    public static SafetyChecker standard() {
        return builder().build();
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks herbs without doses: pair and single-herb rules, no dose rule.
     *
     * @param herbs the herbs, e.g. a ranking's top K
     * @return the findings
     */
    public List<SafetyFinding> check(Collection<Herb> herbs) {
        return check(List.copyOf(Checks.notNull(herbs, "herbs")), Map.of());
    }

    /**
     * Checks a prescription, doses included.
     *
     * @param prescription the prescription
     * @return the findings
     */
    public List<SafetyFinding> check(Prescription prescription) {
        Checks.notNull(prescription, "prescription");
        return check(prescription.herbs(), prescription.doses());
    }

    /**
     * Checks the first {@code k} herbs of a ranking.
     *
     * @param ranking the ranking
     * @param k the cut-off, at least 1
     * @return the findings
     */
    public List<SafetyFinding> check(Ranking ranking, int k) {
        Checks.notNull(ranking, "ranking");
        return check(ranking.top(k).herbs());
    }

    /**
     * Checks a model's answer: the herbs of its 处方推荐 section, with the doses written there
     * ({@link ThreeSectionAnswer#doses(String)}).
     *
     * @param text the answer's text
     * @return the findings; empty when the text has no usable three-section answer
     */
    public List<SafetyFinding> checkAnswer(String text) {
        ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(Checks.notNull(text, "text"));
        if (!parse.ok()) {
            return List.of();
        }
        Map<Herb, Dose> doses = new LinkedHashMap<>();
        ThreeSectionAnswer.doses(text).forEach((name, dose) -> doses.put(new Herb(name), dose));
        return check(parse.answerOrNull().herbs().stream().map(Herb::new).toList(), doses);
    }

    /**
     * Tells whether two herbs together trigger a pair rule of an active kind.
     *
     * @param a a herb
     * @param b another herb
     * @return whether they may not be combined
     */
    public boolean conflict(Herb a, Herb b) {
        return conflict(countsAs(a), countsAs(b));
    }

    /** Tells whether herbs counting as {@code na} and {@code nb} trigger a pair rule of an active kind. */
    boolean conflict(Set<String> na, Set<String> nb) {
        for (SafetyRule r : active) {
            if (r.kind().pair() && (matches(na, r.herbs()) && matches(nb, r.with())
                    || matches(nb, r.herbs()) && matches(na, r.with()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns, for each herb of a set, the herbs of the same set that a pair rule of an active kind forbids with it:
     * what a decoder must exclude once the herb is written. Each rule is matched once against every herb, not once per
     * pair of herbs, so a vocabulary of thousands is cheap.
     *
     * @param herbs the herbs, e.g. a vocabulary
     * @return the herbs that have a conflict, each with those it conflicts with (both directions present)
     */
    public Map<Herb, Set<Herb>> conflicts(Collection<Herb> herbs) {
        Map<Herb, Set<String>> names = new LinkedHashMap<>();
        for (Herb h : Checks.notNull(herbs, "herbs")) {
            names.put(h, countsAs(Checks.notNull(h, "herb")));
        }
        Map<Herb, Set<Herb>> out = new LinkedHashMap<>();
        for (SafetyRule r : active) {
            if (!r.kind().pair()) {
                continue;
            }
            List<Herb> left = new ArrayList<>();
            List<Herb> right = new ArrayList<>();
            names.forEach((h, n) -> {
                if (matches(n, r.herbs())) {
                    left.add(h);
                }
                if (matches(n, r.with())) {
                    right.add(h);
                }
            });
            for (Herb l : left) {
                for (Herb w : right) {
                    if (!l.equals(w)) {
                        out.computeIfAbsent(l, k -> new LinkedHashSet<>()).add(w);
                        out.computeIfAbsent(w, k -> new LinkedHashSet<>()).add(l);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Returns the single-herb rules of active kinds, dose limits excepted, that a herb triggers alone.
     *
     * @param herb the herb
     * @return the rules, in table order
     */
    public List<SafetyRule> herbRules(Herb herb) {
        return herbRules(countsAs(herb));
    }

    /** The single-herb rules, dose limits excepted, that a herb counting as {@code names} triggers. */
    List<SafetyRule> herbRules(Set<String> names) {
        return active.stream().filter(r -> !r.kind().pair() && r.kind() != RuleKind.DOSE_LIMIT
                && matches(names, r.herbs())).toList();
    }

    /**
     * Returns the names a herb counts as when rules are matched: its normalized name, then its aliases.
     *
     * @param herb the herb
     * @return the names
     */
    public Set<String> countsAs(Herb herb) {
        return rules.countsAs(normalizer.normalize(Checks.notNull(herb, "herb").name()).name());
    }

    /**
     * Returns the rule table.
     *
     * @return the rules
     */
    public SafetyRules rules() {
        return rules;
    }

    /**
     * Returns the kinds of rule checked.
     *
     * @return the kinds
     */
    public Set<RuleKind> kinds() {
        return kinds;
    }

    /**
     * Returns a checker like this one that checks only some kinds.
     *
     * @param kinds the kinds, a subset of any kinds
     * @return the checker
     */
    public SafetyChecker withKinds(Set<RuleKind> kinds) {
        return builder().optRules(rules).optNormalizer(normalizer).optKinds(kinds).build();
    }

    private List<SafetyFinding> check(List<Herb> herbs, Map<Herb, Dose> doses) {
        List<Set<String>> names = new ArrayList<>(herbs.size());
        for (Herb h : herbs) {
            names.add(countsAs(Checks.notNull(h, "herb")));
        }
        List<SafetyFinding> findings = new ArrayList<>();
        for (SafetyRule r : active) {
            for (int i = 0; i < herbs.size(); i++) {
                if (!matches(names.get(i), r.herbs())) {
                    continue;
                }
                if (r.kind().pair()) {
                    for (int j = 0; j < herbs.size(); j++) {
                        if (j != i && matches(names.get(j), r.with())) {
                            findings.add(new SafetyFinding(r, List.of(herbs.get(i), herbs.get(j)), null));
                        }
                    }
                } else if (r.kind() != RuleKind.DOSE_LIMIT) {
                    findings.add(new SafetyFinding(r, List.of(herbs.get(i)), null));
                } else {
                    Dose d = doses.get(herbs.get(i));
                    double grams = d == null ? Double.NaN : grams(d);
                    if (grams > r.maxGrams()) {
                        findings.add(new SafetyFinding(r, List.of(herbs.get(i)), d));
                    }
                }
            }
        }
        return List.copyOf(findings);
    }

    /** The dose in grams, or NaN when its unit is not a unit of mass this checker reads. */
    static double grams(Dose dose) {
        return switch (dose.unit()) {
            case "g", "G", "ｇ", "克" -> dose.amount();
            case "mg", "毫克" -> dose.amount() / 1000;
            case "kg", "千克" -> dose.amount() * 1000;
            default -> Double.NaN;
        };
    }

    private static boolean matches(Set<String> names, List<String> side) {
        for (String s : side) {
            if (names.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** Builds a {@link SafetyChecker}; every setting is optional. */
    public static final class Builder {
        private SafetyRules rules;
        private HerbNormalizer normalizer;
        private Set<RuleKind> kinds = EnumSet.allOf(RuleKind.class);

        private Builder() {}

        /**
         * Sets the rule table; default {@link SafetyRules#embedded()}.
         *
         * @param rules the table
         * @return this builder
         */
        public Builder optRules(SafetyRules rules) {
            this.rules = Checks.notNull(rules, "rules");
            return this;
        }

        /**
         * Sets the normalizer names go through before aliases; default the standard steps with the processing rules
         * shipped with TCM-Rx ({@link HerbNormalizer.Builder#optDefaultProcessingRules()}).
         *
         * @param normalizer the normalizer
         * @return this builder
         */
        public Builder optNormalizer(HerbNormalizer normalizer) {
            this.normalizer = Checks.notNull(normalizer, "normalizer");
            return this;
        }

        /**
         * Sets the kinds of rule checked; default all. Leave out the pregnancy kinds when the patient is known not
         * to be pregnant.
         *
         * @param kinds the kinds, at least one
         * @return this builder
         */
        public Builder optKinds(Set<RuleKind> kinds) {
            Checks.notNull(kinds, "kinds");
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("kinds must not be empty");
            }
            this.kinds = EnumSet.copyOf(kinds);
            return this;
        }

        /**
         * Builds the checker.
         *
         * @return the checker
         */
        public SafetyChecker build() {
            if (rules == null) {
                rules = SafetyRules.embedded();
            }
            if (normalizer == null) {
                normalizer = HerbNormalizer.builder().optDefaultProcessingRules().build();
            }
            return new SafetyChecker(this);
        }
    }
}
