package org.tcmrx.eval;

import java.util.List;
import java.util.function.ToIntFunction;
import org.tcmrx.core.internal.Checks;

/**
 * The explanation-faithfulness of a set of answers: the counts of {@link FaithfulnessCase}s summed, and their rates.
 *
 * <p>Herbs, mentions and claims are counted over the parsed answers only (an unparsed one has none). Every rate is a
 * count over a count; when that denominator is 0 the rate is {@link Double#NaN}, not 0: with no herb or no claim
 * there is nothing to be faithful or unfaithful to, and 0 would read as "none explained" or "no contradiction".
 * Jackson writes NaN as the string {@code "NaN"} and reads it back.
 *
 * @param answers the answers
 * @param parsed the answers read as three-section answers
 * @param parseRate {@code parsed / answers}
 * @param prescribedHerbs the prescribed herbs of the parsed answers
 * @param explainedHerbs those the explanations name
 * @param explainedShare {@code explainedHerbs / prescribedHerbs}
 * @param answersWithUnprescribed the parsed answers whose explanation names at least one herb not prescribed
 * @param unprescribedAnswerShare {@code answersWithUnprescribed / parsed}
 * @param unprescribedHerbs the herbs explained but not prescribed, summed over the parsed answers
 * @param meanUnprescribedPerAnswer {@code unprescribedHerbs / parsed}
 * @param outsideVocabularyHerbs the prescribed herbs outside the vocabulary
 * @param outsideVocabularyShare {@code outsideVocabularyHerbs / prescribedHerbs}
 * @param propertyClaims the property claims checked
 * @param contradictions the claims contradicted
 * @param contradictionRate {@code contradictions / propertyClaims}
 */
public record FaithfulnessSummary(int answers, int parsed, double parseRate, int prescribedHerbs, int explainedHerbs,
        double explainedShare, int answersWithUnprescribed, double unprescribedAnswerShare, int unprescribedHerbs,
        double meanUnprescribedPerAnswer, int outsideVocabularyHerbs, double outsideVocabularyShare,
        int propertyClaims, int contradictions, double contradictionRate) {
    /**
     * Validates the summary.
     *
     * @param answers the answers
     * @param parsed the parsed answers
     * @param parseRate {@code parsed / answers}
     * @param prescribedHerbs the prescribed herbs
     * @param explainedHerbs the prescribed herbs explained
     * @param explainedShare {@code explainedHerbs / prescribedHerbs}
     * @param answersWithUnprescribed the parsed answers explaining a herb not prescribed
     * @param unprescribedAnswerShare {@code answersWithUnprescribed / parsed}
     * @param unprescribedHerbs the herbs explained but not prescribed
     * @param meanUnprescribedPerAnswer {@code unprescribedHerbs / parsed}
     * @param outsideVocabularyHerbs the prescribed herbs outside the vocabulary
     * @param outsideVocabularyShare {@code outsideVocabularyHerbs / prescribedHerbs}
     * @param propertyClaims the claims checked
     * @param contradictions the claims contradicted
     * @param contradictionRate {@code contradictions / propertyClaims}
     * @throws IllegalArgumentException when a count is negative, a part exceeds its whole, or a rate is not its
     *     quotient (NaN for a zero denominator)
     */
    public FaithfulnessSummary {
        part(parsed, "parsed", answers, "answers");
        part(explainedHerbs, "explainedHerbs", prescribedHerbs, "prescribedHerbs");
        part(outsideVocabularyHerbs, "outsideVocabularyHerbs", prescribedHerbs, "prescribedHerbs");
        part(answersWithUnprescribed, "answersWithUnprescribed", parsed, "parsed");
        part(answersWithUnprescribed, "answersWithUnprescribed", unprescribedHerbs, "unprescribedHerbs");
        part(contradictions, "contradictions", propertyClaims, "propertyClaims");
        rate(parseRate, "parseRate", parsed, answers);
        rate(explainedShare, "explainedShare", explainedHerbs, prescribedHerbs);
        rate(unprescribedAnswerShare, "unprescribedAnswerShare", answersWithUnprescribed, parsed);
        rate(meanUnprescribedPerAnswer, "meanUnprescribedPerAnswer", unprescribedHerbs, parsed);
        rate(outsideVocabularyShare, "outsideVocabularyShare", outsideVocabularyHerbs, prescribedHerbs);
        rate(contradictionRate, "contradictionRate", contradictions, propertyClaims);
    }

    /**
     * Sums the outcomes of several answers.
     *
     * @param cases the outcomes, possibly none
     * @return the summary; with no parsed answer every rate but {@code parseRate} is NaN, with no answer that too
     * @throws IllegalArgumentException when the list is null or holds null
     */
    public static FaithfulnessSummary of(List<FaithfulnessCase> cases) {
        Checks.notNull(cases, "cases");
        cases.forEach(c -> Checks.notNull(c, "cases element"));
        List<FaithfulnessCase> read = cases.stream().filter(FaithfulnessCase::parsed).toList();
        int parsed = read.size();
        int prescribed = sum(read, c -> c.prescribed().size());
        int explained = sum(read, c -> c.explained().size());
        int withUnprescribed = sum(read, c -> c.explainedNotPrescribed().isEmpty() ? 0 : 1);
        int unprescribed = sum(read, c -> c.explainedNotPrescribed().size());
        int outside = sum(read, c -> c.outsideVocabulary().size());
        int claims = sum(read, FaithfulnessCase::propertyClaims);
        int contradictions = sum(read, c -> c.contradictions().size());
        return new FaithfulnessSummary(cases.size(), parsed, ratio(parsed, cases.size()), prescribed, explained,
                ratio(explained, prescribed), withUnprescribed, ratio(withUnprescribed, parsed), unprescribed,
                ratio(unprescribed, parsed), outside, ratio(outside, prescribed), claims, contradictions,
                ratio(contradictions, claims));
    }

    private static int sum(List<FaithfulnessCase> cases, ToIntFunction<FaithfulnessCase> count) {
        return cases.stream().mapToInt(count).sum();
    }

    /** {@code count / total}; NaN when {@code total} is 0, where the rate is undefined (see the class comment). */
    static double ratio(int count, int total) {
        return total == 0 ? Double.NaN : (double) count / total;
    }

    private static void part(int part, String partName, int whole, String wholeName) {
        if (part < 0) {
            throw new IllegalArgumentException(partName + " must not be negative, got " + part);
        }
        if (whole < 0) {
            throw new IllegalArgumentException(wholeName + " must not be negative, got " + whole);
        }
        if (part > whole) {
            throw new IllegalArgumentException(partName + " must not exceed " + wholeName + ", got " + part + " > "
                    + whole);
        }
    }

    private static void rate(double value, String name, int count, int total) {
        double expected = ratio(count, total);
        if (Double.compare(value, expected) != 0) {
            throw new IllegalArgumentException(name + " must be " + count + " / " + total + " = " + expected
                    + ", got " + value);
        }
    }
}
