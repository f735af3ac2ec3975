package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.tcmrx.core.internal.Checks;

/**
 * Lays out the {@link FaithfulnessSummary} of each result that has one: parse rate, share of prescribed herbs
 * explained, answers explaining a herb not prescribed, herbs outside the vocabulary and property contradictions.
 */
public final class FaithfulnessTables {
    private FaithfulnessTables() {}

    /**
     * Returns one row per result with a faithfulness summary, in the given order.
     *
     * @param results the results; those without a summary are skipped
     * @return the table, with no row when no result has a summary
     */
    public static ReportTable table(List<EvaluationResult> results) {
        Checks.notNull(results, "results");
        Map<String, FaithfulnessSummary> summaries = new LinkedHashMap<>();
        for (EvaluationResult r : results) {
            if (r.faithfulness() != null) {
                summaries.put(r.ranker(), r.faithfulness());
            }
        }
        return table(summaries);
    }

    /**
     * Returns one row per named summary, in the map's order.
     *
     * @param summaries the summaries by ranker name
     * @return the table
     */
    public static ReportTable table(Map<String, FaithfulnessSummary> summaries) {
        Checks.notNull(summaries, "summaries");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, FaithfulnessSummary> e : summaries.entrySet()) {
            FaithfulnessSummary f = e.getValue();
            rows.add(List.of(e.getKey(), Integer.toString(f.answers()), share(f.parseRate()),
                    share(f.explainedShare()), share(f.unprescribedAnswerShare()),
                    String.format(Locale.ROOT, "%.2f", f.meanUnprescribedPerAnswer()),
                    share(f.outsideVocabularyShare()),
                    f.contradictions() + "/" + f.propertyClaims() + " (" + share(f.contradictionRate()) + ")"));
        }
        return new ReportTable(List.of("Ranker", "Answers", "Parsed", "Herbs explained", "Answers naming others",
                "Others per answer", "Outside vocabulary", "Contradicted claims"), rows);
    }

    /**
     * Returns the note that defines the columns, for under the table.
     *
     * @return the note
     */
    public static String note() {
        return "Parsed = answers read as 症状分析/处方推荐/处方解释; herbs explained = prescribed herbs the explanation "
                + "names; answers naming others = explanations naming a known herb not prescribed; outside vocabulary "
                + "= prescribed herbs the data set does not know; contradicted claims = stated 性/味/归经 that "
                + "contradict the herb knowledge table. Herb shares are over the parsed answers; n/a when there is "
                + "nothing to count.";
    }

    private static String share(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
