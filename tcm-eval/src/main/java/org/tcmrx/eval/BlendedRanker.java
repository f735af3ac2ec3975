package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;
import org.tcmrx.core.internal.Checks;

/**
 * A weighted mixture of rankers: each ranker's top {@code depth} herbs, their scores clipped at 0 and divided by
 * their sum, so every ranker contributes a distribution over its own list; a herb's score is the weighted sum of its
 * shares, {@code score(h) = Σ_i w_i · s_i(h) / Σ_{h' in top_i} s_i(h')} (0 outside a ranker's list). Rankers whose
 * scores live on different scales (a model's probabilities, co-occurrence sums) mix on an equal footing this way.
 * Ties keep the order in which herbs first appear (the first ranker's list, then the next).
 *
 * <p>Typical use: BART's first-step distribution blended with the co-occurrence prior, the weight chosen on a
 * validation split (see the README's BART benchmark).
 */
public final class BlendedRanker implements HerbRanker {
    /** The default depth of each ranker's list. */
    public static final int DEFAULT_DEPTH = 60;

    private final List<HerbRanker> rankers;
    private final double[] weights;
    private final int depth;
    private final String name;

    private BlendedRanker(List<HerbRanker> rankers, double[] weights, int depth, String name) {
        this.rankers = rankers;
        this.weights = weights;
        this.depth = depth;
        this.name = name;
    }

    /**
     * Blends two rankers: {@code weight · a + (1 - weight) · b}.
     *
     * @param a the first ranker
     * @param b the second ranker
     * @param weight the weight of {@code a}, in {@code [0, 1]}
     * @param depth how many herbs of each ranker's list take part, at least 1
     * @return the ranker, named {@code a+b}
     * @throws IllegalArgumentException when a ranker is null or a number is out of range
     */
    public static BlendedRanker of(HerbRanker a, HerbRanker b, double weight, int depth) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be in [0, 1], got " + weight);
        }
        Checks.notNull(a, "a");
        Checks.notNull(b, "b");
        return of(List.of(a, b), new double[] {weight, 1 - weight}, depth, a.name() + "+" + b.name());
    }

    /**
     * Blends any number of rankers.
     *
     * @param rankers the rankers, at least one
     * @param weights one finite, non-negative weight per ranker, not all 0
     * @param depth how many herbs of each ranker's list take part, at least 1
     * @param name the blend's name in reports
     * @return the ranker
     * @throws IllegalArgumentException when the lists do not match or a value is out of range
     */
    public static BlendedRanker of(List<HerbRanker> rankers, double[] weights, int depth, String name) {
        Checks.notNull(rankers, "rankers");
        Checks.notNull(weights, "weights");
        if (rankers.isEmpty() || rankers.size() != weights.length) {
            throw new IllegalArgumentException("need one weight per ranker and at least one ranker, got "
                    + rankers.size() + " rankers and " + weights.length + " weights");
        }
        double total = 0;
        for (double w : weights) {
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("weights must be finite and non-negative, got " + w);
            }
            total += w;
        }
        if (total == 0) {
            throw new IllegalArgumentException("weights must not all be 0");
        }
        Checks.positiveK(depth);
        rankers.forEach(r -> Checks.notNull(r, "rankers element"));
        return new BlendedRanker(List.copyOf(rankers), weights.clone(), depth, Checks.name(name, "name"));
    }

    @Override
    public Ranking rank(Query query, int k) {
        Checks.notNull(query, "query");
        Checks.positiveK(k);
        Map<Herb, Double> scores = new LinkedHashMap<>();
        for (int i = 0; i < rankers.size(); i++) {
            if (weights[i] == 0) {
                continue;
            }
            List<ScoredHerb> entries = rankers.get(i).rank(query, depth).entries();
            double sum = 0;
            for (ScoredHerb e : entries) {
                sum += Math.max(0, e.score());
            }
            for (ScoredHerb e : entries) {
                double share = sum > 0 ? Math.max(0, e.score()) / sum : 0;
                scores.merge(e.herb(), weights[i] * share, Double::sum);
            }
        }
        List<ScoredHerb> out = new ArrayList<>(scores.size());
        scores.forEach((herb, score) -> out.add(new ScoredHerb(herb, score)));
        out.sort((x, y) -> Double.compare(y.score(), x.score())); // stable: ties keep first appearance
        return new Ranking(out).top(k);
    }

    @Override
    public String name() {
        return name;
    }
}
