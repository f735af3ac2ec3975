package org.tcmrx.core.safety;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;
import org.tcmrx.core.internal.Checks;

/**
 * A {@link HerbRanker} decorator whose lists never hold two herbs that a pair rule forbids together, nor a herb that
 * a single-herb rule of its checker flags.
 *
 * <p>It asks the ranker for more herbs than wanted and walks down the list: a herb is kept unless it is flagged
 * alone, or forbidden together with a herb kept before it (the better-ranked herb wins). When too few are left it
 * asks again for twice as many, until the ranker has no more. Scores are the ranker's own. The default checker
 * checks the pair kinds only ({@code 十八反}, {@code 十九畏}); give one with pregnancy kinds to also drop herbs
 * forbidden in pregnancy. Dose rules never apply to a ranking.
 */
public final class SafeHerbRanker implements HerbRanker {
    /** The kinds the default checker applies: the classical incompatible pairs. */
    public static final Set<RuleKind> PAIR_KINDS = EnumSet.of(RuleKind.EIGHTEEN_INCOMPATIBILITIES,
            RuleKind.NINETEEN_ANTAGONISMS);

    private final HerbRanker ranker;
    private final SafetyChecker checker;
    private final int extra;
    private final String name;

    private SafeHerbRanker(HerbRanker ranker, SafetyChecker checker, int extra, String name) {
        this.ranker = ranker;
        this.checker = checker;
        this.extra = extra;
        this.name = name;
    }

    /**
     * Wraps a ranker with the embedded pair rules, asking it for 10 more herbs than wanted, named
     * {@code NAME+Safe}.
     *
     * @param ranker the ranker
     * @return the safe ranker
     */
    public static SafeHerbRanker of(HerbRanker ranker) {
        return of(ranker, SafetyChecker.standard().withKinds(PAIR_KINDS));
    }

    /**
     * Wraps a ranker with a checker, asking it for 10 more herbs than wanted, named {@code NAME+Safe}.
     *
     * @param ranker the ranker
     * @param checker the checker whose pair and single-herb rules are applied
     * @return the safe ranker
     */
    public static SafeHerbRanker of(HerbRanker ranker, SafetyChecker checker) {
        return of(ranker, checker, 10, Checks.notNull(ranker, "ranker").name() + "+Safe");
    }

    /**
     * Wraps a ranker.
     *
     * @param ranker the ranker
     * @param checker the checker whose pair and single-herb rules are applied
     * @param extra how many more herbs than wanted to ask for at first, at least 0
     * @param name the name in reports
     * @return the safe ranker
     * @throws IllegalArgumentException when {@code extra} is negative or an argument is null
     */
    public static SafeHerbRanker of(HerbRanker ranker, SafetyChecker checker, int extra, String name) {
        Checks.notNull(ranker, "ranker");
        Checks.notNull(checker, "checker");
        if (extra < 0) {
            throw new IllegalArgumentException("extra must not be negative, got " + extra);
        }
        return new SafeHerbRanker(ranker, checker, extra, Checks.name(name, "name"));
    }

    /**
     * The outcome of filtering a ranking.
     *
     * @param ranking the herbs kept, in the original order and with the original scores
     * @param removed one finding per herb removed, in ranking order: for a pair rule, the removed herb and the
     *     better-ranked herb kept before it (in the rule's order)
     */
    public record Filtered(Ranking ranking, List<SafetyFinding> removed) {
        /**
         * Copies the findings.
         *
         * @param ranking the herbs kept
         * @param removed the findings
         */
        public Filtered {
            Checks.notNull(ranking, "ranking");
            removed = List.copyOf(removed);
        }
    }

    @Override
    public Ranking rank(Query query, int k) {
        return rankFiltered(query, k).ranking();
    }

    /**
     * Ranks and tells what was removed.
     *
     * @param query the query
     * @param k how many herbs to return at most, at least 1
     * @return the ranking and the findings that removed herbs
     */
    public Filtered rankFiltered(Query query, int k) {
        Checks.positiveK(k);
        long ask = (long) k + extra;
        while (true) {
            int asked = (int) Math.min(Integer.MAX_VALUE, ask);
            Ranking full = ranker.rank(query, asked);
            Filtered f = filter(full, k);
            if (f.ranking().size() == k || full.size() < asked || asked == Integer.MAX_VALUE) {
                return f;
            }
            ask *= 2;
        }
    }

    /**
     * Filters a ranking as {@link #rank(Query, int)} does, without asking for more.
     *
     * @param ranking the ranking
     * @param k how many herbs to keep at most, at least 1
     * @return the herbs kept and the findings that removed the others
     */
    public Filtered filter(Ranking ranking, int k) {
        Checks.notNull(ranking, "ranking");
        Checks.positiveK(k);
        List<ScoredHerb> kept = new ArrayList<>(k);
        List<Set<String>> keptNames = new ArrayList<>(k);
        List<SafetyFinding> removed = new ArrayList<>();
        for (ScoredHerb e : ranking.entries()) {
            if (kept.size() == k) {
                break;
            }
            Set<String> names = checker.countsAs(e.herb());
            List<SafetyRule> alone = checker.herbRules(names);
            if (!alone.isEmpty()) {
                removed.add(new SafetyFinding(alone.get(0), List.of(e.herb()), null));
                continue;
            }
            int clash = -1;
            for (int i = 0; i < kept.size() && clash < 0; i++) {
                if (checker.conflict(keptNames.get(i), names)) {
                    clash = i;
                }
            }
            if (clash >= 0) {
                Herb other = kept.get(clash).herb();
                removed.add(checker.check(List.of(other, e.herb())).get(0));
                continue;
            }
            kept.add(e);
            keptNames.add(names);
        }
        return new Filtered(new Ranking(kept), removed);
    }

    /**
     * Returns the checker applied.
     *
     * @return the checker
     */
    public SafetyChecker checker() {
        return checker;
    }

    @Override
    public String name() {
        return name;
    }
}
