package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.safety.RuleKind;
import org.tcmrx.core.safety.SafetyRule;
import org.tcmrx.core.safety.SafetyRules;
import org.tcmrx.eval.internal.Tables;

/**
 * Lays out {@link SafetySummary safety summaries} as tables, in Markdown or plain text: an overview (per subject,
 * the lists checked and how many trigger each kind of rule) and a table per rule (how many lists of each subject
 * trigger it). The true prescriptions come first when given.
 */
public final class SafetyTables {
    private SafetyTables() {}

    /**
     * Renders the overview and the per-rule table in Markdown, with a note on what the counts mean.
     *
     * @param summaries the summaries, truth first if present, at least one
     * @return the Markdown text
     */
    public static String markdown(List<SafetySummary> summaries) {
        ReportTable o = overview(summaries);
        ReportTable r = byRule(summaries);
        return Tables.markdown(o.header(), o.rows(), 1) + "\n" + note(summaries) + "\n\n"
                + Tables.markdown(r.header(), r.rows(), 1);
    }

    /**
     * Returns the overview: per subject, its cut-off, the lists checked, and how many lists trigger a pair rule, any
     * rule, and each kind of rule (count and share).
     *
     * @param summaries the summaries, at least one
     * @return the table
     */
    public static ReportTable overview(List<SafetySummary> summaries) {
        check(summaries);
        return new ReportTable(overviewHeader(), overviewRows(summaries));
    }

    /**
     * Returns the per-rule table: one row per rule that any subject triggers, one column per subject; rows in the
     * order of the embedded rule table, rules it lacks after them.
     *
     * @param summaries the summaries, at least one
     * @return the table
     */
    public static ReportTable byRule(List<SafetySummary> summaries) {
        check(summaries);
        return new ReportTable(ruleHeader(summaries), ruleRows(summaries));
    }

    /**
     * Returns the note that explains the counts, for under the tables.
     *
     * @param summaries the summaries, at least one
     * @return the note
     */
    public static String note(List<SafetySummary> summaries) {
        check(summaries);
        return "Counts are lists: a ranker's top-" + summaries.stream().filter(s -> s.k() > 0).mapToInt(
                SafetySummary::k).max().orElse(0) + " list per case, or the true prescription (doses included) for "
                + "truth. Pairs = 十八反 or 十九畏. Pregnancy rules apply only to pregnant patients; they are counted "
                + "to show what a pregnancy check would flag. Classical formulas sometimes combine \"incompatible\" "
                + "herbs on purpose (甘遂半夏汤 holds 甘遂 and 甘草; 附子 with 半夏 is common), so truth counts "
                + "above zero are expected.";
    }

    /**
     * Renders the overview and the per-rule table as plain text.
     *
     * @param summaries the summaries, truth first if present, at least one
     * @return the text, each line ending with a newline
     */
    public static String text(List<SafetySummary> summaries) {
        ReportTable o = overview(summaries);
        ReportTable r = byRule(summaries);
        return Tables.text(o.header(), o.rows()) + "\n" + Tables.text(r.header(), r.rows());
    }

    private static void check(List<SafetySummary> summaries) {
        Checks.notNull(summaries, "summaries");
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("summaries must not be empty");
        }
    }

    private static List<String> overviewHeader() {
        List<String> h = new ArrayList<>(List.of("Lists", "K", "Checked", "Pairs", "Any"));
        for (RuleKind kind : RuleKind.values()) {
            h.add(kind.label());
        }
        return h;
    }

    private static List<List<String>> overviewRows(List<SafetySummary> summaries) {
        List<List<String>> rows = new ArrayList<>();
        for (SafetySummary s : summaries) {
            List<String> row = new ArrayList<>(List.of(s.subject(), s.k() == 0 ? "all" : Integer.toString(s.k()),
                    Integer.toString(s.lists()), count(s.listsWithPairFinding(), s.lists()),
                    count(s.listsWithAnyFinding(), s.lists())));
            for (RuleKind kind : RuleKind.values()) {
                row.add(count(s.byKind().getOrDefault(kind, 0), s.lists()));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<String> ruleHeader(List<SafetySummary> summaries) {
        List<String> h = new ArrayList<>(List.of("Rule"));
        summaries.forEach(s -> h.add(s.subject()));
        return h;
    }

    private static List<List<String>> ruleRows(List<SafetySummary> summaries) {
        Set<String> seen = new LinkedHashSet<>();
        summaries.forEach(s -> seen.addAll(s.byRule().keySet()));
        // Rules of the embedded table in its order (kind by kind), then any other rule in the order first seen.
        List<String> ids = new ArrayList<>();
        for (SafetyRule rule : SafetyRules.embedded().rules()) {
            if (seen.remove(rule.id())) {
                ids.add(rule.id());
            }
        }
        ids.addAll(seen);
        List<List<String>> rows = new ArrayList<>();
        for (String id : ids) {
            List<String> row = new ArrayList<>(List.of(id));
            summaries.forEach(s -> row.add(Integer.toString(s.count(id))));
            rows.add(row);
        }
        if (rows.isEmpty()) {
            List<String> row = new ArrayList<>(List.of("(no rule triggered)"));
            summaries.forEach(s -> row.add("0"));
            rows.add(row);
        }
        return rows;
    }

    private static String count(int n, int lists) {
        return lists == 0 ? "0" : String.format(Locale.ROOT, "%d (%.1f%%)", n, 100.0 * n / lists);
    }
}
