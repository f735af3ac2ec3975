package org.tcmrx.dpo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.dpo.PairDecision.Outcome;

/**
 * The counts and scores of a run of {@link PairDecision}s, so far or at its end: how many candidates gave each
 * outcome, how many pairs were made, how well each side scored, and by how much the chosen side of the pairs won.
 *
 * <p>{@link #toMap()} gives the figures for a JSON report, {@link #toString()} one line for a log. Averages over
 * nothing are NaN in the accessors and null in the map. May be fed from several threads.
 */
public final class PairStatistics {
    private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    private final List<Double> gaps = new ArrayList<>();
    private long candidates;
    private long llmUnparsed;
    private long pairsWithUnparsedLlm;
    private double bartSum;
    private double llmSum;

    /** Creates empty statistics. */
    public PairStatistics() {
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0L);
        }
    }

    /**
     * Accumulates decisions.
     *
     * @param decisions the decisions
     * @return the statistics
     * @throws IllegalArgumentException when the decisions or one of them is null
     */
    public static PairStatistics of(Iterable<PairDecision> decisions) {
        Checks.notNull(decisions, "decisions");
        PairStatistics s = new PairStatistics();
        decisions.forEach(s::add);
        return s;
    }

    /**
     * Counts one decision.
     *
     * @param decision the decision
     * @return this object
     * @throws IllegalArgumentException when the decision is null
     */
    public synchronized PairStatistics add(PairDecision decision) {
        Checks.notNull(decision, "decision");
        candidates++;
        counts.merge(decision.outcome(), 1L, Long::sum);
        bartSum += decision.bartScore();
        llmSum += decision.llmScore();
        if (!decision.llmParsed()) {
            llmUnparsed++;
        }
        if (decision.pairOrNull() != null) {
            gaps.add(decision.pairOrNull().scoreGap());
            if (!decision.llmParsed()) {
                pairsWithUnparsedLlm++;
            }
        }
        return this;
    }

    /**
     * Returns the number of candidates decided.
     *
     * @return the count
     */
    public synchronized long candidates() {
        return candidates;
    }

    /**
     * Returns the number of pairs made.
     *
     * @return the count
     */
    public synchronized long pairs() {
        return gaps.size();
    }

    /**
     * Returns the number of candidates with an outcome.
     *
     * @param outcome the outcome
     * @return the count
     * @throws IllegalArgumentException when the outcome is null
     */
    public synchronized long count(Outcome outcome) {
        return counts.get(Checks.notNull(outcome, "outcome"));
    }

    /**
     * Returns the count of every outcome, zeros included.
     *
     * @return outcome to count, in the order of {@link Outcome}
     */
    public synchronized Map<Outcome, Long> counts() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /**
     * Returns the number of candidates whose LLM response did not parse as a three-section answer.
     *
     * @return the count
     */
    public synchronized long llmUnparsed() {
        return llmUnparsed;
    }

    /**
     * Returns the number of pairs whose LLM side did not parse: pairs that teach the format as much as the herbs.
     *
     * @return the count
     */
    public synchronized long pairsWithUnparsedLlm() {
        return pairsWithUnparsedLlm;
    }

    /**
     * Returns the mean score of BART's prescriptions over every candidate.
     *
     * @return the mean, or NaN when there is no candidate
     */
    public synchronized double meanBartScore() {
        return candidates == 0 ? Double.NaN : bartSum / candidates;
    }

    /**
     * Returns the mean score of the LLM's prescriptions over every candidate, unparsed ones scoring 0.
     *
     * @return the mean, or NaN when there is no candidate
     */
    public synchronized double meanLlmScore() {
        return candidates == 0 ? Double.NaN : llmSum / candidates;
    }

    /**
     * Returns the mean of the pairs' score gaps ({@link PreferencePair#scoreGap()}).
     *
     * @return the mean, or NaN when no pair was made
     */
    public synchronized double gapMean() {
        return gaps.isEmpty() ? Double.NaN : gaps.stream().mapToDouble(Double::doubleValue).sum() / gaps.size();
    }

    /**
     * Returns the median of the pairs' score gaps: the middle one, or the mean of the two middle ones.
     *
     * @return the median, or NaN when no pair was made
     */
    public synchronized double gapMedian() {
        if (gaps.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * Returns the smallest of the pairs' score gaps.
     *
     * @return the minimum, or NaN when no pair was made
     */
    public synchronized double gapMin() {
        return gaps.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /**
     * Returns the largest of the pairs' score gaps.
     *
     * @return the maximum, or NaN when no pair was made
     */
    public synchronized double gapMax() {
        return gaps.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * Returns the figures for a JSON report: {@code candidates}, {@code pairs}, {@code outcomes} (every outcome's
     * count by name), {@code llmUnparsed}, {@code pairsWithUnparsedLlm}, {@code meanBartScore},
     * {@code meanLlmScore} and {@code gap} ({@code mean}, {@code median}, {@code min}, {@code max}); a figure
     * without data is null.
     *
     * @return a new map, in that order
     */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidates", candidates);
        m.put("pairs", pairs());
        Map<String, Long> outcomes = new LinkedHashMap<>();
        counts.forEach((o, n) -> outcomes.put(o.name(), n));
        m.put("outcomes", outcomes);
        m.put("llmUnparsed", llmUnparsed);
        m.put("pairsWithUnparsedLlm", pairsWithUnparsedLlm);
        m.put("meanBartScore", orNull(meanBartScore()));
        m.put("meanLlmScore", orNull(meanLlmScore()));
        Map<String, Object> gap = new LinkedHashMap<>();
        gap.put("mean", orNull(gapMean()));
        gap.put("median", orNull(gapMedian()));
        gap.put("min", orNull(gapMin()));
        gap.put("max", orNull(gapMax()));
        m.put("gap", gap);
        return m;
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * Returns the figures on one line, e.g. {@code 10 candidates, 4 pairs (BART_BETTER 4, TIE 2, BELOW_MARGIN 4);
     * LLM unparsed 1 (1 in pairs); mean score BART 0.412, LLM 0.318; pair gap mean 0.250, median 0.222, min 0.100,
     * max 0.600}; outcomes that did not occur are left out, and a figure without data reads {@code -}.
     *
     * @return the line
     */
    @Override
    public synchronized String toString() {
        List<String> outcomes = new ArrayList<>();
        counts.forEach((o, n) -> {
            if (n > 0) {
                outcomes.add(o.name() + " " + n);
            }
        });
        return candidates + " candidates, " + pairs() + " pairs (" + String.join(", ", outcomes) + "); LLM unparsed "
                + llmUnparsed + " (" + pairsWithUnparsedLlm + " in pairs); mean score BART " + format(meanBartScore())
                + ", LLM " + format(meanLlmScore()) + "; pair gap mean " + format(gapMean()) + ", median "
                + format(gapMedian()) + ", min " + format(gapMin()) + ", max " + format(gapMax());
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
