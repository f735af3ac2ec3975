package org.tcmrx.distill;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.distill.internal.JsonAnswer;

/**
 * Checks a teacher's answer against its record, by the rules of a {@link ValidationConfig}:
 * <ol>
 *   <li>the three sections are present, once each, in order, as {@link ThreeSectionAnswer#parse(String)} reads them
 *       (an answer written as a JSON object with the three headers as keys is read too);
 *   <li>the recommended herbs, normalized, match the record's as {@link ValidationConfig#herbMatch()} says;
 *   <li>every recommended herb is named in the explanation, and no known herb that is not recommended is;
 *   <li>the analysis and explanation are within their length bounds and mostly Chinese.
 * </ol>
 * Every failed rule adds a reason, in English with the herb names as written, for logs and the rejected file; a
 * {@link TeacherDistiller} sends them back to the teacher on a re-ask.
 */
public final class SampleValidator {
    private final ValidationConfig config;
    /** Known herbs, longest first, so that 炙甘草 is found before 甘草 inside it. */
    private final List<String> knownLongestFirst;

    /**
     * Makes a validator.
     *
     * @param config the rules
     * @throws IllegalArgumentException when the config is null
     */
    public SampleValidator(ValidationConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.knownLongestFirst = config.knownHerbs().stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    /**
     * Returns the rules.
     *
     * @return the configuration
     */
    public ValidationConfig config() {
        return config;
    }

    /**
     * Checks one answer.
     *
     * @param text the teacher's answer as written
     * @param record the record it answers
     * @return the canonical answer, or the reasons it fails
     * @throws IllegalArgumentException when an argument is null
     */
    public Validation validate(String text, ClinicalCase record) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(JsonAnswer.toSections(text));
        List<String> reasons = new ArrayList<>(parse.problems());
        ThreeSectionAnswer answer = parse.answerOrNull();
        if (answer == null) {
            return new Validation(null, reasons);
        }
        // Written name -> normalized name, in the order written.
        Map<String, String> recommended = new LinkedHashMap<>();
        for (String written : answer.herbs()) {
            recommended.putIfAbsent(written, config.normalizer().normalize(written).name());
        }
        Set<String> truth = new LinkedHashSet<>();
        for (Herb h : record.herbs()) {
            truth.add(config.normalizer().normalize(h.name()).name());
        }
        checkHerbs(new LinkedHashSet<>(recommended.values()), truth, reasons);
        checkExplanation(answer.explanation(), recommended, reasons);
        checkLength(ThreeSectionAnswer.ANALYSIS, answer.analysis(), config.minAnalysisChars(),
                config.maxAnalysisChars(), reasons);
        checkLength(ThreeSectionAnswer.EXPLANATION, answer.explanation(), config.minExplanationChars(),
                config.maxExplanationChars(), reasons);
        double share = hanShare(answer.analysis() + answer.explanation());
        if (share < config.minChineseShare()) {
            reasons.add(String.format(java.util.Locale.ROOT, "not Chinese enough: %.2f of the letters are Han "
                    + "characters, at least %.2f required", share, config.minChineseShare()));
        }
        if (!reasons.isEmpty()) {
            return new Validation(null, reasons);
        }
        List<String> herbs = new ArrayList<>(new LinkedHashSet<>(recommended.values()));
        return new Validation(new ThreeSectionAnswer(answer.analysis(), herbs, answer.explanation()).render(), List.of());
    }

    private void checkHerbs(Set<String> recommended, Set<String> truth, List<String> reasons) {
        List<String> extra = recommended.stream().filter(h -> !truth.contains(h)).toList();
        List<String> missing = truth.stream().filter(h -> !recommended.contains(h)).toList();
        if (!extra.isEmpty()) {
            reasons.add("herbs not in the record's prescription: " + String.join("、", extra));
        }
        switch (config.herbMatch()) {
            case EXACT -> {
                if (!missing.isEmpty()) {
                    reasons.add("herbs of the record's prescription missing: " + String.join("、", missing));
                }
            }
            case SUBSET -> { }
            case COVERAGE -> {
                // truth is never empty: a prescription has at least one herb.
                double coverage = (truth.size() - missing.size()) / (double) truth.size();
                if (coverage < config.minCoverage()) {
                    reasons.add(String.format(java.util.Locale.ROOT, "coverage %.2f below %.2f; missing: %s",
                            coverage, config.minCoverage(), String.join("、", missing)));
                }
            }
            default -> throw new IllegalStateException("unknown herb match " + config.herbMatch());
        }
    }

    private void checkExplanation(String explanation, Map<String, String> recommended, List<String> reasons) {
        List<String> unexplained = new ArrayList<>();
        String masked = explanation;
        // Longest first, so that a recommended 炙甘草 masks its own 甘草 and does not hide an unprescribed one.
        List<Map.Entry<String, String>> entries = new ArrayList<>(recommended.entrySet());
        entries.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        for (Map.Entry<String, String> e : entries) {
            String name = masked.contains(e.getKey()) ? e.getKey() : e.getValue();
            if (!masked.contains(name)) {
                unexplained.add(e.getKey());
            } else {
                masked = masked.replace(name, "〇");
            }
        }
        if (!unexplained.isEmpty()) {
            List<String> inOrder = recommended.keySet().stream().filter(unexplained::contains).toList();
            reasons.add("herbs not explained: " + String.join("、", inOrder));
        }
        List<String> foreign = new ArrayList<>();
        for (String known : knownLongestFirst) {
            if (masked.contains(known)) {
                foreign.add(known);
                masked = masked.replace(known, "〇");
            }
        }
        if (!foreign.isEmpty()) {
            reasons.add("explanation names herbs not prescribed: " + String.join("、", foreign));
        }
    }

    private static void checkLength(String section, String text, int min, int max, List<String> reasons) {
        int n = text.codePointCount(0, text.length());
        if (n < min) {
            reasons.add("section " + section + " too short: " + n + " characters, at least " + min);
        } else if (n > max) {
            reasons.add("section " + section + " too long: " + n + " characters, at most " + max);
        }
    }

    /** Han characters over letters (Han or other); 1 when there are no letters, as there is nothing foreign. */
    static double hanShare(String text) {
        long han = text.codePoints().filter(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
                .count();
        long letters = text.codePoints().filter(Character::isLetter).count();
        return letters == 0 ? 1.0 : han / (double) letters;
    }
}
