package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tcmrx.core.Herb;
import org.tcmrx.core.internal.Checks;

/**
 * Top-K metrics of one case: a ranking {@code r_0, r_1, ...} (distinct herbs, best first, possibly shorter than K)
 * against the true herbs {@code T} (non-empty). Pure functions; every formula below is what the code computes.
 *
 * <p>Notation: {@code n} is the ranking's length, {@code rel_i = 1} when {@code r_i ∈ T} else 0, positions are
 * 0-based, and {@code hits@K = Σ_{i < min(K, n)} rel_i}.
 * <ul>
 *   <li>{@code P@K = hits@K / K} ({@link PrecisionConvention#DIVIDE_BY_K}) or {@code hits@K / min(K, n)}, 0 when
 *       {@code n = 0} ({@link PrecisionConvention#DIVIDE_BY_PREDICTED}).</li>
 *   <li>{@code R@K = hits@K / |T|}.</li>
 *   <li>{@code F1@K = 2·P@K·R@K / (P@K + R@K)}, 0 when {@code P@K + R@K = 0} (per case; for the two ways papers
 *       aggregate F1 over cases see {@link Metric#F1_OF_MEANS} and {@link Metric#MEAN_F1}).</li>
 *   <li>{@code NDCG@K = DCG@K / IDCG@K} with binary gains, {@code DCG@K = Σ_{i < min(K, n)} rel_i / log2(i + 2)}
 *       and {@code IDCG@K = Σ_{i < min(K, |T|)} 1 / log2(i + 2)}.</li>
 *   <li>SMGCN's NDCG: see {@link #ndcgSmgcn(List, Set, int, int)}.</li>
 *   <li>{@code HR@K = 1} when {@code hits@K ≥ 1}, else 0.</li>
 * </ul>
 *
 * <p>Every per-case function throws {@link IllegalArgumentException} when {@code k < 1} (message
 * {@code "k must be at least 1, got 0"}), when the truth is empty ({@code "truth must not be empty"}), or when the
 * ranking holds a herb twice ({@code "ranking contains 甘草 twice"}).
 */
public final class Metrics {
    /**
     * The length of the list SMGCN's evaluation takes its relevance vector from: the last entry of its {@code Ks}
     * argument, whose default {@code [5,10,15,20]} ({@code utility/parser.py}) its run script does not change.
     */
    public static final int SMGCN_LIST_LENGTH = 20;

    /** {@code 1 / log2(i + 2)} for the first positions, so every caller sums the very same doubles. */
    private static final double[] DISCOUNT = new double[256];

    static {
        for (int i = 0; i < DISCOUNT.length; i++) {
            DISCOUNT[i] = computeDiscount(i);
        }
    }

    private Metrics() {}

    /**
     * Counts the true herbs among the first {@code k} of the ranking.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @return {@code hits@K}, between 0 and {@code min(k, |truth|)}
     */
    public static int hits(List<Herb> ranking, Set<Herb> truth, int k) {
        return hits(relevance(ranking, truth, k), k);
    }

    /**
     * Precision at K.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @param convention what to divide by when the ranking is shorter than {@code k}
     * @return {@code P@K} in [0, 1]
     */
    public static double precision(List<Herb> ranking, Set<Herb> truth, int k, PrecisionConvention convention) {
        Checks.notNull(convention, "convention");
        return precision(relevance(ranking, truth, k), k, convention);
    }

    /**
     * Recall at K.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @return {@code R@K = hits@K / |truth|} in [0, 1]
     */
    public static double recall(List<Herb> ranking, Set<Herb> truth, int k) {
        return recall(relevance(ranking, truth, k), truth.size(), k);
    }

    /**
     * F1 at K of one case: the harmonic mean of its precision and recall.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @param convention the precision convention
     * @return {@code F1@K} in [0, 1]; 0 when there is no hit
     */
    public static double f1(List<Herb> ranking, Set<Herb> truth, int k, PrecisionConvention convention) {
        Checks.notNull(convention, "convention");
        boolean[] rel = relevance(ranking, truth, k);
        return harmonicMean(precision(rel, k, convention), recall(rel, truth.size(), k));
    }

    /**
     * Standard NDCG at K with binary gains; the ideal list puts {@code min(K, |truth|)} true herbs first.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @return {@code NDCG@K} in [0, 1]
     */
    public static double ndcg(List<Herb> ranking, Set<Herb> truth, int k) {
        return ndcg(relevance(ranking, truth, k), truth.size(), k);
    }

    /**
     * NDCG at K as SMGCN's released code computes it, with its list of {@value #SMGCN_LIST_LENGTH}.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @return SMGCN's {@code NDCG@K} in [0, 1]
     * @see #ndcgSmgcn(List, Set, int, int)
     */
    public static double ndcgSmgcn(List<Herb> ranking, Set<Herb> truth, int k) {
        return ndcgSmgcn(ranking, truth, k, SMGCN_LIST_LENGTH);
    }

    /**
     * NDCG at K exactly as SMGCN's released evaluation computes it ({@code utility/batch_test.py}, functions
     * {@code test}, {@code dcg_at_k} with {@code method=1} and {@code ndcg_at_k}, in
     * {@code yuanyuansiyuan/ICDE-2020-SMGCN} at commit {@code 30bb204}).
     *
     * <p>That code builds one relevance vector from the top {@code L} herbs, {@code L} being the last of its
     * {@code Ks} (20), and then, for every K, takes the ideal DCG from that same vector sorted, not from the number
     * of true herbs. With {@code H_L = Σ_{i < min(L, n)} rel_i}, the hits inside the top-{@code L} list:
     * <pre>
     *   DCG@K  = Σ_{i &lt; min(K, L, n)} rel_i / log2(i + 2)
     *   IDCG@K = Σ_{i &lt; min(K, H_L)} 1 / log2(i + 2)
     *   NDCG@K = DCG@K / IDCG@K, and 0 when H_L = 0
     * </pre>
     * So a ranking whose few hits all sit at the top scores 1 however many true herbs it misses, and for K &le; L
     * the value is never below the standard {@link #ndcg(List, Set, int)}. For K &gt; L the code (which never asks
     * for K &gt; L) would count only the first L positions; that is reproduced too.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @param listLength {@code L}, the length of the list the relevance vector is read from, at least 1
     * @return SMGCN's {@code NDCG@K} in [0, 1]
     */
    public static double ndcgSmgcn(List<Herb> ranking, Set<Herb> truth, int k, int listLength) {
        checkListLength(listLength);
        return ndcgSmgcn(relevance(ranking, truth, Math.max(k, listLength)), k, listLength);
    }

    /**
     * Hit rate at K of one case.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param k the cut-off, at least 1
     * @return 1 when at least one of the first {@code k} herbs is true, else 0
     */
    public static double hitRate(List<Herb> ranking, Set<Herb> truth, int k) {
        return hits(relevance(ranking, truth, k), k) > 0 ? 1.0 : 0.0;
    }

    /**
     * Every metric of one case at several cut-offs, reading the ranking once.
     *
     * @param ranking distinct herbs, best first
     * @param truth the true herbs, non-empty
     * @param ks the cut-offs, each at least 1
     * @param convention the precision convention
     * @param listLength SMGCN's list length {@code L} for {@link #ndcgSmgcn(List, Set, int, int)}
     * @return one entry per cut-off, in the order given
     */
    public static List<CaseMetrics> scoreAll(List<Herb> ranking, Set<Herb> truth, List<Integer> ks,
            PrecisionConvention convention, int listLength) {
        Checks.notNull(ks, "ks");
        Checks.notNull(convention, "convention");
        checkListLength(listLength);
        int longest = listLength;
        for (int k : ks) {
            longest = Math.max(longest, Checks.positiveK(k));
        }
        return score(relevance(ranking, truth, longest), truth.size(), ks, convention, listLength);
    }

    /**
     * The harmonic mean {@code 2·p·r / (p + r)}, used for F1.
     *
     * @param p a precision in [0, 1]
     * @param r a recall in [0, 1]
     * @return the harmonic mean; 0 when {@code p + r = 0}, where it is undefined and the literature reports 0
     */
    public static double harmonicMean(double p, double r) {
        double sum = p + r;
        return sum == 0 ? 0.0 : 2 * p * r / sum;
    }

    /**
     * F1 of a split as KDHR, PresRecST and TCMRGCL report it: the harmonic mean of the mean precision and the mean
     * recall ({@link Metric#F1_OF_MEANS}).
     *
     * @param meanPrecision the mean of the per-case precisions
     * @param meanRecall the mean of the per-case recalls
     * @return the harmonic mean; 0 when both are 0
     */
    public static double f1OfMeans(double meanPrecision, double meanRecall) {
        return harmonicMean(meanPrecision, meanRecall);
    }

    /**
     * The arithmetic mean, summed in order so that the same values always give the same double.
     *
     * @param values per-case values, at least one
     * @return their mean
     * @throws IllegalArgumentException when there is no value
     */
    public static double mean(double[] values) {
        Checks.notNull(values, "values");
        if (values.length == 0) {
            throw new IllegalArgumentException("values must not be empty");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    // ---- the formulas, on a relevance vector; the evaluator calls score(...) directly ----

    /**
     * Scores a validated relevance vector; {@code rel} must cover at least {@code max(ks, listLength)} positions
     * of the ranking, or the whole ranking when it is shorter.
     */
    static List<CaseMetrics> score(boolean[] rel, int truthSize, List<Integer> ks, PrecisionConvention convention,
            int listLength) {
        List<CaseMetrics> out = new ArrayList<>(ks.size());
        for (int k : ks) {
            int hits = hits(rel, k);
            double p = precision(rel, k, convention);
            double r = recall(rel, truthSize, k);
            out.add(new CaseMetrics(k, hits, p, r, harmonicMean(p, r), ndcg(rel, truthSize, k),
                    ndcgSmgcn(rel, k, listLength), hits > 0 ? 1.0 : 0.0));
        }
        return out;
    }

    /**
     * Marks which of the first {@code length} herbs are true, after validating the arguments.
     *
     * @return {@code rel_i} for {@code i < min(length, n)}
     */
    static boolean[] relevance(List<Herb> ranking, Set<Herb> truth, int length) {
        Checks.positiveK(length);
        Checks.uniqueList(ranking, "ranking");
        checkTruth(truth);
        return relevanceUnchecked(ranking, truth, length);
    }

    /** {@link #relevance} without the checks, for rankings whose herbs are already known to be distinct. */
    static boolean[] relevanceUnchecked(List<Herb> ranking, Set<Herb> truth, int length) {
        boolean[] rel = new boolean[Math.min(length, ranking.size())];
        for (int i = 0; i < rel.length; i++) {
            rel[i] = truth.contains(ranking.get(i));
        }
        return rel;
    }

    static void checkTruth(Set<Herb> truth) {
        Checks.notNull(truth, "truth");
        if (truth.isEmpty()) {
            throw new IllegalArgumentException("truth must not be empty");
        }
    }

    static int checkListLength(int listLength) {
        if (listLength < 1) {
            throw new IllegalArgumentException("listLength must be at least 1, got " + listLength);
        }
        return listLength;
    }

    private static int hits(boolean[] rel, int k) {
        Checks.positiveK(k);
        int hits = 0;
        for (int i = 0, end = Math.min(k, rel.length); i < end; i++) {
            if (rel[i]) {
                hits++;
            }
        }
        return hits;
    }

    private static double precision(boolean[] rel, int k, PrecisionConvention convention) {
        int hits = hits(rel, k);
        return switch (convention) {
            case DIVIDE_BY_K -> (double) hits / k;
            // Nothing recommended: nothing recommended was wrong either, but 0 keeps "no answer" from scoring as a
            // perfect one, and the hits are 0 anyway.
            case DIVIDE_BY_PREDICTED -> rel.length == 0 ? 0.0 : (double) hits / Math.min(k, rel.length);
        };
    }

    private static double recall(boolean[] rel, int truthSize, int k) {
        // truthSize >= 1 is checked on entry, so the denominator is never 0.
        return (double) hits(rel, k) / truthSize;
    }

    private static double ndcg(boolean[] rel, int truthSize, int k) {
        double dcg = dcg(rel, Math.min(k, rel.length));
        // IDCG > 0 because k >= 1 and truthSize >= 1.
        return dcg / idealDcg(Math.min(k, truthSize));
    }

    private static double ndcgSmgcn(boolean[] rel, int k, int listLength) {
        Checks.positiveK(k);
        int inList = Math.min(listLength, rel.length);
        int hitsInList = 0;
        for (int i = 0; i < inList; i++) {
            if (rel[i]) {
                hitsInList++;
            }
        }
        // batch_test.py: "if not dcg_max: return 0." -- no hit in the top-L list means NDCG 0.
        if (hitsInList == 0) {
            return 0.0;
        }
        return dcg(rel, Math.min(k, inList)) / idealDcg(Math.min(k, hitsInList));
    }

    /** {@code Σ_{i < end} rel_i / log2(i + 2)}. */
    private static double dcg(boolean[] rel, int end) {
        double sum = 0;
        for (int i = 0; i < end; i++) {
            if (rel[i]) {
                sum += discount(i);
            }
        }
        return sum;
    }

    /** {@code Σ_{i < m} 1 / log2(i + 2)}, the DCG of {@code m} hits at the top. */
    private static double idealDcg(int m) {
        double sum = 0;
        for (int i = 0; i < m; i++) {
            sum += discount(i);
        }
        return sum;
    }

    private static double discount(int i) {
        return i < DISCOUNT.length ? DISCOUNT[i] : computeDiscount(i);
    }

    private static double computeDiscount(int i) {
        return Math.log(2) / Math.log(i + 2.0);
    }
}
