package org.tcmrx.dpo;

import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.tcmrx.core.Herb;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.dpo.internal.HerbSets;

/**
 * Scores a predicted prescription against a record's true herbs, higher is better; how an
 * {@link ImplicitPreferenceBuilder} decides which of BART's and the LLM's prescriptions is the better one.
 *
 * <p>Herbs are compared by name, exactly ({@link Herb#equals}): normalize both sides the same way before scoring
 * (see {@link org.tcmrx.core.HerbNormalizer}). A herb listed twice counts once, at its first place. The factories
 * below give metrics in {@code [0, 1]}; an implementation of one's own must return a finite number.
 */
public interface PrescriptionMetric {
    /**
     * Scores a prediction.
     *
     * @param predicted the predicted herbs, in the order given (the order matters to {@link #precisionAt(int)} only)
     * @param truth the true herbs
     * @return the score, finite
     * @throws IllegalArgumentException when a list is null or holds null
     */
    double score(List<Herb> predicted, Collection<Herb> truth);

    /**
     * Returns the metric's name, as recorded in each pair's metadata.
     *
     * @return the name, e.g. {@code f1} or {@code p@5}
     */
    String name();

    /**
     * Returns the set F1 of the distinct herbs: {@code 2|P ∩ T| / (|P| + |T|)}, the harmonic mean of the prediction's
     * precision {@code |P ∩ T| / |P|} and recall {@code |P ∩ T| / |T|}.
     *
     * @return the metric, named {@code f1}; it scores 0 when either side is empty (nothing was predicted, or there is
     *     nothing to find), where precision or recall is undefined
     */
    static PrescriptionMetric f1() {
        return named("f1", sets -> {
            int denominator = sets.predicted().size() + sets.truth().size();
            return denominator == 0 ? 0.0 : 2.0 * sets.hits() / denominator;
        });
    }

    /**
     * Returns precision at K: the true herbs among the first {@code k} distinct predicted herbs, divided by {@code k}.
     * This is the evaluation module's {@code P@K} under its {@code DIVIDE_BY_K} convention, the literature's: a
     * prediction shorter than {@code k} is charged for the empty places.
     *
     * @param k the cut-off, at least 1
     * @return the metric, named {@code p@K} (e.g. {@code p@5}); it scores 0 when the prediction or the truth is empty
     * @throws IllegalArgumentException when {@code k < 1}
     */
    static PrescriptionMetric precisionAt(int k) {
        Checks.positiveK(k);
        return named("p@" + k, sets -> (double) sets.hitsInFirst(k) / k);
    }

    /**
     * Returns the Jaccard index of the distinct herbs: {@code |P ∩ T| / |P ∪ T|}.
     *
     * @return the metric, named {@code jaccard}; it scores 0 when both sides are empty, where the index is undefined
     */
    static PrescriptionMetric jaccard() {
        return named("jaccard", sets -> {
            int union = sets.predicted().size() + sets.truth().size() - sets.hits();
            return union == 0 ? 0.0 : (double) sets.hits() / union;
        });
    }

    /** A metric computed from the two sides' distinct herbs, whose string form is its name. */
    private static PrescriptionMetric named(String name, ToDoubleFunction<HerbSets> formula) {
        return new PrescriptionMetric() {
            @Override
            public double score(List<Herb> predicted, Collection<Herb> truth) {
                return formula.applyAsDouble(HerbSets.of(predicted, truth));
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
