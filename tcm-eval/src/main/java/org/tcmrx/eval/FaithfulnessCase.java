package org.tcmrx.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tcmrx.core.internal.Checks;

/**
 * How faithful one answer's explanation is to its prescription, as {@link AnswerFaithfulness#check(String)} measures
 * it. Herbs are named as the answer writes them, each list in the order of the prescription unless said otherwise.
 *
 * @param parsed whether the answer was read as a three-section answer; when not, every list is empty and there is
 *     no claim
 * @param prescribed the prescribed herbs, in order
 * @param explained the prescribed herbs the explanation names
 * @param unexplained the prescribed herbs the explanation does not name
 * @param explainedNotPrescribed the known herbs the explanation names although they are not prescribed, as the
 *     explanation writes them, in the order they first appear there
 * @param outsideVocabulary the prescribed herbs whose normalized name is not in the vocabulary
 * @param propertyClaims how many properties the explanation states for prescribed herbs that the knowledge table has
 * @param contradictions the claims the table contradicts, in the order of the explanation
 */
public record FaithfulnessCase(boolean parsed, List<String> prescribed, List<String> explained,
        List<String> unexplained, List<String> explainedNotPrescribed, List<String> outsideVocabulary,
        int propertyClaims, List<PropertyContradiction> contradictions) {
    /**
     * Validates and copies the outcome.
     *
     * @param parsed whether the answer was read
     * @param prescribed the prescribed herbs
     * @param explained the prescribed herbs explained
     * @param unexplained the prescribed herbs not explained
     * @param explainedNotPrescribed the herbs explained but not prescribed
     * @param outsideVocabulary the prescribed herbs outside the vocabulary
     * @param propertyClaims the number of property claims checked
     * @param contradictions the contradicted claims
     * @throws IllegalArgumentException when a list is null, {@code explained} and {@code unexplained} do not split
     *     {@code prescribed}, a herb outside the vocabulary is not prescribed, there are more contradictions than
     *     claims, or an unparsed answer has a herb or a claim
     */
    public FaithfulnessCase {
        prescribed = copy(prescribed, "prescribed");
        explained = copy(explained, "explained");
        unexplained = copy(unexplained, "unexplained");
        explainedNotPrescribed = copy(explainedNotPrescribed, "explainedNotPrescribed");
        outsideVocabulary = copy(outsideVocabulary, "outsideVocabulary");
        contradictions = copy(contradictions, "contradictions");
        Set<String> split = new HashSet<>(explained);
        split.addAll(unexplained);
        if (explained.size() + unexplained.size() != prescribed.size() || !split.equals(new HashSet<>(prescribed))) {
            throw new IllegalArgumentException("explained and unexplained must split prescribed: " + explained
                    + " + " + unexplained + " != " + prescribed);
        }
        if (!prescribed.containsAll(outsideVocabulary)) {
            throw new IllegalArgumentException("outsideVocabulary must hold prescribed herbs only, got "
                    + outsideVocabulary);
        }
        if (propertyClaims < contradictions.size()) {
            throw new IllegalArgumentException("propertyClaims must be at least the " + contradictions.size()
                    + " contradictions, got " + propertyClaims);
        }
        if (!parsed && (!prescribed.isEmpty() || !explainedNotPrescribed.isEmpty() || propertyClaims != 0)) {
            throw new IllegalArgumentException("an unparsed answer has no herbs and no claims");
        }
    }

    /**
     * Returns the outcome for an answer that could not be read.
     *
     * @return {@code parsed} false, every list empty, no claim
     */
    public static FaithfulnessCase unparsed() {
        return new FaithfulnessCase(false, List.of(), List.of(), List.of(), List.of(), List.of(), 0, List.of());
    }

    private static <T> List<T> copy(List<T> values, String what) {
        Checks.notNull(values, what);
        for (T v : values) {
            Checks.notNull(v, what + " element");
        }
        return List.copyOf(values);
    }
}
