package org.tcmrx.eval;

import static org.tcmrx.eval.internal.MetricTables.header;
import static org.tcmrx.eval.internal.MetricTables.interval;
import static org.tcmrx.eval.internal.MetricTables.pValue;
import static org.tcmrx.eval.internal.MetricTables.percent;
import static org.tcmrx.eval.internal.MetricTables.rows;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;
import org.tcmrx.eval.internal.Tables;

/**
 * One or more evaluation results, with optional bootstrap comparisons and intervals, written as JSON (for machines
 * and later re-rendering) and as Markdown (for papers and READMEs); {@link #toTextTable(List)} gives the plain-text
 * table the command line prints.
 *
 * <p>The main table has one row per ranker and, for each cut-off K, the columns P@K, R@K, F1@K and NDCG@K, where
 * F1 is {@link Metric#F1_OF_MEANS} (as the literature reports it) and NDCG the standard one; a note under the table
 * states these conventions. Results with different precision conventions cannot share a report. Files are written
 * atomically.
 */
public final class EvaluationReport {
    /** The metrics of the main table, per cut-off, in column order. */
    private static final List<Metric> MAIN = List.of(Metric.PRECISION, Metric.RECALL, Metric.F1_OF_MEANS,
            Metric.NDCG);
    /** The metrics of the supplementary Markdown table. */
    private static final List<Metric> EXTRA = List.of(Metric.MEAN_F1, Metric.NDCG_SMGCN, Metric.HIT_RATE);

    /**
     * The JSON form of a report.
     *
     * @param provenance what produced the report
     * @param notes the conventions used, in words
     * @param results the results, without per-case values unless the report keeps them
     * @param comparisons the paired bootstrap comparisons
     * @param intervals the single-ranker bootstrap intervals
     * @param truthSafety how often the split's true prescriptions trigger safety rules, or null
     */
    public record Document(Provenance provenance, String notes, List<EvaluationResult> results,
            List<BootstrapComparison> comparisons, List<BootstrapInterval> intervals, SafetySummary truthSafety) {
        /**
         * Validates and copies the document.
         *
         * @param provenance what produced the report
         * @param notes the conventions used, in words
         * @param results the results, without per-case values unless the report keeps them
         * @param comparisons the paired bootstrap comparisons
         * @param intervals the single-ranker bootstrap intervals
         * @param truthSafety the safety summary of the true prescriptions, or null
         * @throws IllegalArgumentException when a field is missing
         */
        public Document {
            Checks.notNull(provenance, "provenance");
            Checks.notNull(notes, "notes");
            results = List.copyOf(Checks.notNull(results, "results"));
            comparisons = List.copyOf(Checks.notNull(comparisons, "comparisons"));
            intervals = List.copyOf(Checks.notNull(intervals, "intervals"));
        }
    }

    private final List<EvaluationResult> results;
    private final List<BootstrapComparison> comparisons;
    private final List<BootstrapInterval> intervals;
    private final boolean includeCases;
    private final SafetySummary truthSafety;

    private EvaluationReport(Builder b) {
        this.results = List.copyOf(b.results);
        this.comparisons = List.copyOf(b.comparisons);
        this.intervals = List.copyOf(b.intervals);
        this.includeCases = b.includeCases;
        this.truthSafety = b.truthSafety;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the results, with their per-case values.
     *
     * @return the results in report order
     */
    public List<EvaluationResult> results() {
        return results;
    }

    /**
     * Builds the JSON document, stamping a new provenance whose data are the union of the results' inputs.
     *
     * @return the document
     */
    public Document toDocument() {
        Set<DataSource> data = new LinkedHashSet<>();
        Set<String> rankers = new LinkedHashSet<>();
        Set<String> splits = new LinkedHashSet<>();
        for (EvaluationResult r : results) {
            data.addAll(r.provenance().data());
            rankers.add(r.ranker());
            splits.add(r.split());
        }
        Provenance provenance = Provenance.builder(getClass().getSimpleName())
                .addParameter("rankers", String.join(",", rankers))
                .addParameter("splits", String.join(",", splits))
                .addParameter("convention", results.get(0).convention())
                .addParameter("includeCases", includeCases)
                .addData(new ArrayList<>(data))
                .build();
        List<EvaluationResult> written = includeCases ? results
                : results.stream().map(EvaluationResult::withoutCases).toList();
        return new Document(provenance, notes(), written, comparisons, intervals, truthSafety);
    }

    /**
     * Serializes the report as indented JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toDocument()) + "\n";
        } catch (JsonProcessingException e) {
            // Only records, enums, strings and numbers are written; failing here is a bug, not an I/O problem.
            throw new UncheckedIOException("cannot serialize the evaluation report", e);
        }
    }

    /**
     * Writes the report as JSON, atomically.
     *
     * @param file the file to create or replace
     * @throws IOException when writing fails; the file is then unchanged
     */
    public void writeJson(Path file) throws IOException {
        AtomicFiles.writeString(Checks.notNull(file, "file"), toJson());
    }

    /**
     * Reads a report written by {@link #writeJson(Path)}.
     *
     * @param file the file
     * @return the document
     * @throws IOException when the file cannot be read or is not a report
     */
    public static Document readJson(Path file) throws IOException {
        return Json.MAPPER.readValue(Checks.notNull(file, "file").toFile(), Document.class);
    }

    /**
     * Renders the report as Markdown: the main table, a note on conventions, a supplementary table (mean F1,
     * SMGCN's NDCG, hit rate), the bootstrap tables when there are any, the faithfulness table
     * ({@link FaithfulnessTables}) and the safety tables ({@link SafetyTables}) when results carry those summaries.
     *
     * @return the Markdown text
     */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(Tables.markdown(header(results, MAIN), rows(results, MAIN), 1));
        sb.append('\n').append(notes()).append('\n');
        sb.append("\nSupplementary metrics: meanF1 = mean of per-case F1; NDCG_SMGCN = NDCG as in SMGCN's released"
                + " code (ideal DCG from the hits inside its top-" + results.get(0).smgcnListLength()
                + " list); HR = share of cases with at least one hit.\n\n");
        sb.append(Tables.markdown(header(results, EXTRA), rows(results, EXTRA), 1));
        if (!comparisons.isEmpty()) {
            sb.append("\nPaired bootstrap comparisons (percentile intervals; p two-sided for no difference):\n\n");
            List<List<String>> rows = new ArrayList<>();
            for (BootstrapComparison c : comparisons) {
                rows.add(List.of(c.rankerA() + " vs " + c.rankerB(), c.metric().label() + "@" + c.k(),
                        interval(c.a()), interval(c.b()), interval(c.difference()), pValue(c.pValue()),
                        c.resamples() + ", " + percent(c.level()) + ", seed " + c.seed()));
            }
            sb.append(Tables.markdown(List.of("A vs B", "Metric", "A", "B", "A − B", "p", "B, level, seed"), rows,
                    2));
        }
        if (!intervals.isEmpty()) {
            sb.append("\nBootstrap intervals (percentile):\n\n");
            List<List<String>> rows = new ArrayList<>();
            for (BootstrapInterval i : intervals) {
                rows.add(List.of(i.ranker(), i.split(), i.metric().label() + "@" + i.k(), interval(i.interval()),
                        i.resamples() + ", " + percent(i.level()) + ", seed " + i.seed()));
            }
            sb.append(Tables.markdown(List.of("Ranker", "Split", "Metric", "Value [CI]", "B, level, seed"), rows,
                    3));
        }
        ReportTable faithful = FaithfulnessTables.table(results);
        if (!faithful.rows().isEmpty()) {
            sb.append("\nExplanation faithfulness of the answers:\n\n").append(faithful.markdown()).append('\n')
                    .append(FaithfulnessTables.note()).append('\n');
        }
        List<SafetySummary> safety = safetySummaries();
        if (!safety.isEmpty()) {
            sb.append("\nSafety: how many lists trigger the clinical safety rules.\n\n")
                    .append(SafetyTables.markdown(safety));
        }
        return sb.toString();
    }

    /**
     * Writes the Markdown rendering, atomically.
     *
     * @param file the file to create or replace
     * @throws IOException when writing fails; the file is then unchanged
     */
    public void writeMarkdown(Path file) throws IOException {
        AtomicFiles.writeString(Checks.notNull(file, "file"), toMarkdown());
    }

    /**
     * Renders results as an aligned plain-text table for a terminal: one row per ranker, for each cut-off the
     * columns P, R, F1 ({@link Metric#F1_OF_MEANS}) and NDCG (standard), four decimals; a cut-off a result lacks
     * shows {@code -}.
     *
     * @param results the results, at least one
     * @return the table, each line ending with a newline
     * @throws IllegalArgumentException when there is no result
     */
    public static String toTextTable(List<EvaluationResult> results) {
        checkResults(results);
        return Tables.text(header(results, MAIN), rows(results, MAIN));
    }

    /**
     * Returns the safety summaries of the report: the true prescriptions' (when given), then each result's that has
     * one.
     *
     * @return the summaries, empty when no result has one
     */
    public List<SafetySummary> safetySummaries() {
        List<SafetySummary> out = new ArrayList<>();
        for (EvaluationResult r : results) {
            if (r.safety() != null) {
                out.add(r.safety());
            }
        }
        if (!out.isEmpty() && truthSafety != null) {
            out.add(0, truthSafety);
        }
        return out;
    }

    /** The conventions of the main table, in words. */
    private String notes() {
        EvaluationResult first = results.get(0);
        String precision = first.convention() == PrecisionConvention.DIVIDE_BY_K
                ? "P@K = hits/K (DIVIDE_BY_K)"
                : "P@K = hits/min(K, herbs returned), 0 when none (DIVIDE_BY_PREDICTED)";
        Set<String> splits = new LinkedHashSet<>();
        for (EvaluationResult r : results) {
            splits.add(r.split() + " (" + r.caseCount() + " cases)");
        }
        return "Conventions: " + precision + "; R@K = hits/|true herbs|; F1@K = harmonic mean of mean P@K and mean"
                + " R@K (F1_OF_MEANS, as KDHR, PresRecST and TCMRGCL report it); NDCG@K standard with binary gains,"
                + " ideal DCG over min(K, |true herbs|). Means over the cases of " + String.join(", ", splits) + ".";
    }

    private static void checkResults(List<EvaluationResult> results) {
        Checks.notNull(results, "results");
        if (results.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one result");
        }
        for (EvaluationResult r : results) {
            Checks.notNull(r, "result");
        }
    }

    /** Builds an {@link EvaluationReport}. */
    public static final class Builder {
        private final List<EvaluationResult> results = new ArrayList<>();
        private final List<BootstrapComparison> comparisons = new ArrayList<>();
        private final List<BootstrapInterval> intervals = new ArrayList<>();
        private boolean includeCases;
        private SafetySummary truthSafety;

        private Builder() {}

        /**
         * Sets how often the evaluated split's true prescriptions trigger safety rules, shown first in the safety
         * tables ({@link SafetySummary#ofPrescriptions}); default none.
         *
         * @param truthSafety the summary, or null
         * @return this builder
         */
        public Builder optTruthSafety(SafetySummary truthSafety) {
            this.truthSafety = truthSafety;
            return this;
        }

        /**
         * Adds a result; results appear in the order added.
         *
         * @param result the result
         * @return this builder
         */
        public Builder addResult(EvaluationResult result) {
            results.add(Checks.notNull(result, "result"));
            return this;
        }

        /**
         * Adds results.
         *
         * @param results the results
         * @return this builder
         */
        public Builder addResults(List<EvaluationResult> results) {
            Checks.notNull(results, "results").forEach(this::addResult);
            return this;
        }

        /**
         * Adds a bootstrap comparison.
         *
         * @param comparison the comparison
         * @return this builder
         */
        public Builder addComparison(BootstrapComparison comparison) {
            comparisons.add(Checks.notNull(comparison, "comparison"));
            return this;
        }

        /**
         * Adds a single-ranker bootstrap interval.
         *
         * @param interval the interval
         * @return this builder
         */
        public Builder addInterval(BootstrapInterval interval) {
            intervals.add(Checks.notNull(interval, "interval"));
            return this;
        }

        /**
         * Keeps the per-case values in the JSON; default false, which keeps reports small (a few KB per ranker
         * instead of a few MB per ranker on SMGCN's 3,443-case test split).
         *
         * @param includeCases whether to write per-case values
         * @return this builder
         */
        public Builder optIncludeCases(boolean includeCases) {
            this.includeCases = includeCases;
            return this;
        }

        /**
         * Validates and builds the report.
         *
         * @return the report
         * @throws IllegalArgumentException when there is no result, or the results use different precision
         *     conventions or SMGCN list lengths (their numbers would not be comparable in one table)
         */
        public EvaluationReport build() {
            checkResults(results);
            EvaluationResult first = results.get(0);
            for (EvaluationResult r : results) {
                if (r.convention() != first.convention()) {
                    throw new IllegalArgumentException("results use different precision conventions: '"
                            + first.ranker() + "' " + first.convention() + ", '" + r.ranker() + "' "
                            + r.convention());
                }
                if (r.smgcnListLength() != first.smgcnListLength()) {
                    throw new IllegalArgumentException("results use different SMGCN list lengths: '"
                            + first.ranker() + "' " + first.smgcnListLength() + ", '" + r.ranker() + "' "
                            + r.smgcnListLength());
                }
            }
            return new EvaluationReport(this);
        }
    }
}
