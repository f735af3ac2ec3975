package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbVocabulary;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;
import org.tcmrx.core.Symptom;

/**
 * Counts of a training split shared by the baselines: herb popularity, and for every symptom the conditional
 * herb frequencies P(h|s) = #(records with s and h) / #(records with s).
 *
 * <p>Herb ids follow {@link HerbVocabulary#fromCases(Iterable)}: most popular first, ties by name. Selecting the
 * best scores with ties broken by ascending id therefore breaks ties by popularity (TopPop).
 */
final class HerbCounts {
    final HerbVocabulary herbs;
    final int[] popularity;
    final Map<Symptom, double[]> conditional;

    private HerbCounts(HerbVocabulary herbs, int[] popularity, Map<Symptom, double[]> conditional) {
        this.herbs = herbs;
        this.popularity = popularity;
        this.conditional = conditional;
    }

    static HerbCounts count(Collection<ClinicalCase> train) {
        if (train == null || train.isEmpty()) {
            throw new IllegalArgumentException("train must contain at least one case");
        }
        HerbVocabulary herbs = HerbVocabulary.fromCases(train);
        int n = herbs.size();
        int[] popularity = new int[n];
        Map<Symptom, double[]> joint = new HashMap<>();
        Map<Symptom, Integer> symptomCounts = new HashMap<>();
        for (ClinicalCase c : train) {
            int[] ids = ids(herbs, c.herbs());
            for (int h : ids) {
                popularity[h]++;
            }
            for (Symptom s : c.symptoms()) {
                symptomCounts.merge(s, 1, Integer::sum);
                double[] row = joint.computeIfAbsent(s, k -> new double[n]);
                for (int h : ids) {
                    row[h]++;
                }
            }
        }
        joint.forEach((s, row) -> {
            double count = symptomCounts.get(s);
            for (int h = 0; h < n; h++) {
                row[h] /= count;
            }
        });
        return new HerbCounts(herbs, popularity, joint);
    }

    static int[] ids(HerbVocabulary herbs, List<Herb> list) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = herbs.id(list.get(i));
        }
        return ids;
    }

    /** Returns the CoOcc scores Σ_s P(h|s) over the known symptoms, one per herb id. */
    double[] coOccurrence(Collection<Symptom> symptoms) {
        double[] scores = new double[popularity.length];
        for (Symptom s : symptoms) {
            double[] row = conditional.get(s);
            if (row != null) {
                for (int h = 0; h < row.length; h++) {
                    scores[h] += row[h];
                }
            }
        }
        return scores;
    }

    /**
     * Returns the {@code k} best herbs by score, ties broken by ascending id (that is, by popularity).
     *
     * @param scores one score per herb id
     * @param k how many, at least 1
     * @return the ranking
     */
    Ranking top(double[] scores, int k) {
        int m = Math.min(k, scores.length);
        int[] best = new int[m];
        int size = 0;
        for (int h = 0; h < scores.length; h++) {
            double s = scores[h];
            // Ids arrive in ascending order, so an equal score never displaces an earlier (more popular) herb.
            if (size == m && s <= scores[best[m - 1]]) {
                continue;
            }
            int i = size < m ? size++ : m - 1;
            while (i > 0 && scores[best[i - 1]] < s) {
                best[i] = best[i - 1];
                i--;
            }
            best[i] = h;
        }
        List<ScoredHerb> entries = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            entries.add(new ScoredHerb(herbs.herb(best[i]), scores[best[i]]));
        }
        return new Ranking(entries);
    }
}
