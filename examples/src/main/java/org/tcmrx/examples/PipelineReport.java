package org.tcmrx.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.TcmRxVersion;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.dpo.DpoChart;
import org.tcmrx.eval.FaithfulnessTables;
import org.tcmrx.eval.ReportTable;
import org.tcmrx.eval.SafetyTables;

/**
 * Turns a finished {@code tcm pipeline} run folder into a report for people: {@code report/report.md}, a
 * self-contained {@code report/report.html} and the PNG charts beside them. The report gives, in order, a summary of
 * the run, the evaluation table with bootstrap intervals, the paired comparisons, the charts, five example cases, the
 * preference-pair statistics and the provenance (settings and stage markers).
 *
 * <p>Only {@code eval/summary.json} is required. A missing optional file leaves its section saying that it is not
 * available; a chart whose input is missing is left out with a sentence saying so.
 */
final class PipelineReport {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineReport.class);

    /** The folder of the report, under the run folder. */
    static final String REPORT_DIR = "report";
    /** The Markdown report's file name. */
    static final String MARKDOWN = "report.md";
    /** The HTML report's file name. */
    static final String HTML = "report.html";
    /** The chart of P@K against K. */
    static final String PRECISION_CHART = "precision-at-k.png";
    /** The chart of R@K against K. */
    static final String RECALL_CHART = "recall-at-k.png";
    /** The chart of SFT's training loss. */
    static final String SFT_CHART = "training-sft.png";
    /** The chart of BART's training. */
    static final String BART_CHART = "training-bart.png";
    /** The chart of DPO's loss and rewards. */
    static final String DPO_CHART = "dpo-rewards.png";

    private static final String TITLE = "TCM-Rx pipeline report";
    private static final int EXAMPLES = 5;
    private static final List<String> LLM_RANKERS = List.of("LLM-SFT", "LLM-DPO");

    /**
     * The files written.
     *
     * @param markdown the Markdown report
     * @param html the HTML report
     * @param charts the PNG charts written, in report order
     */
    record Result(Path markdown, Path html, List<Path> charts) {}

    private PipelineReport() {}

    /**
     * Writes the report of a run folder under {@code runDir/report/}, replacing an earlier one.
     *
     * @param runDir the run folder
     * @return the files written
     * @throws IllegalArgumentException when {@code runDir} is null
     * @throws java.nio.file.NoSuchFileException naming {@code eval/summary.json} when it is missing
     * @throws IOException when a file cannot be read or written
     * @throws MalformedDataException when a file of the run does not have the expected form
     */
    static Result write(Path runDir) throws IOException {
        if (runDir == null) {
            throw new IllegalArgumentException("runDir must not be null");
        }
        PipelineRun run = PipelineRun.read(runDir);
        Path dir = runDir.resolve(REPORT_DIR);
        Files.createDirectories(dir);
        ReportDocument doc = new ReportDocument();
        doc.heading(1, TITLE).paragraph(summary(run));
        evaluation(doc, run.summary());
        comparisons(doc, run.summary().comparisons());
        PipelineSafety.Report safety = PipelineSafety.read(runDir.resolve("eval").resolve(PipelineSafety.FILE));
        faithfulness(doc, safety);
        safety(doc, safety);
        List<Path> charts = charts(doc, runDir, dir, run.summary());
        examples(doc, run.examples());
        pairs(doc, run.pairStatistics());
        provenance(doc, run);
        Path markdown = dir.resolve(MARKDOWN);
        Path html = dir.resolve(HTML);
        AtomicFiles.writeString(markdown, doc.markdown());
        AtomicFiles.writeString(html, doc.html(TITLE));
        LOG.info("wrote the report of {} to {} ({} charts)", runDir, dir, charts.size());
        return new Result(markdown, html, List.copyOf(charts));
    }

    /** The opening paragraph: the data, the seed, the evaluation's size and the wall time of every stage. */
    private static String summary(PipelineRun run) {
        Map<String, String> settings = run.run() == null ? Map.of() : run.run().settings();
        StringBuilder s = new StringBuilder("This run of ");
        s.append(run.run() == null ? "the pipeline" : run.run().command());
        if (run.run() != null) {
            s.append(", started at ").append(run.run().started());
        }
        String data = first(settings, "dataset", "data", "data_set", "corpus");
        String seed = first(settings, "seed");
        s.append(", used ").append(data == null ? "a data set not recorded in run.json" : "the data set " + data)
                .append(seed == null ? "" : " with seed " + seed).append(". ");
        PipelineRun.Summary summary = run.summary();
        s.append("It evaluated ").append(summary.rankers().size()).append(" rankers (")
                .append(summary.rankers().stream().map(PipelineRun.Ranker::name).collect(Collectors.joining(", ")))
                .append(") on the ")
                .append(summary.cases()).append(" cases of the ").append(summary.split()).append(" split at K = ")
                .append(summary.ks().stream().map(String::valueOf).collect(Collectors.joining(", "))).append(". ");
        if (run.stages().isEmpty()) {
            return s.append("No stage recorded its wall time.").toString();
        }
        double total = 0;
        List<String> times = new ArrayList<>();
        for (String name : PipelineRun.STAGES) {
            PipelineRun.Stage stage = run.stages().get(name);
            if (stage == null) {
                times.add(name + " no marker");
            } else {
                times.add(name + " " + duration(stage.seconds()));
                total += stage.seconds();
            }
        }
        return s.append("Wall time per stage: ").append(String.join(", ", times)).append("; ")
                .append(duration(total)).append(" in all.").toString();
    }

    private static void evaluation(ReportDocument doc, PipelineRun.Summary summary) {
        doc.heading(2, "Evaluation").paragraph("Each ranker's metrics on the " + summary.cases() + " cases of the "
                + summary.split() + " split, with the 95% bootstrap interval in brackets.");
        List<List<String>> rows = new ArrayList<>();
        for (int k : summary.ks()) {
            for (PipelineRun.Ranker ranker : summary.rankers()) {
                for (PipelineRun.Row row : ranker.rows()) {
                    if (row.k() == k) {
                        rows.add(List.of(ranker.name(), String.valueOf(k), interval(row.precision()),
                                interval(row.recall()), interval(row.f1()), interval(row.ndcg())));
                    }
                }
            }
        }
        doc.table(List.of("Ranker", "K", "P@K", "R@K", "F1@K", "NDCG@K"), rows);
    }

    private static void comparisons(ReportDocument doc, List<PipelineRun.Comparison> comparisons) {
        doc.heading(2, "Comparisons");
        if (comparisons.isEmpty()) {
            doc.paragraph("The evaluation made no comparisons.");
            return;
        }
        doc.paragraph("Paired bootstrap over the same cases: the difference is the first ranker's value minus the "
                + "second's, with its 95% interval; an interval that contains 0 shows no clear difference.");
        List<List<String>> rows = new ArrayList<>();
        for (PipelineRun.Comparison c : comparisons) {
            rows.add(List.of(c.a() + " vs " + c.b(), c.metric() + "@" + c.k(),
                    number(c.difference()) + " [" + number(c.lower()) + ", " + number(c.upper()) + "]",
                    Double.isFinite(c.p()) ? String.format(Locale.ROOT, "%.3f", c.p()) : "n/a"));
        }
        doc.table(List.of("Rankers", "Metric", "Difference [95% interval]", "p-value"), rows);
    }

    private static List<Path> charts(ReportDocument doc, Path runDir, Path dir, PipelineRun.Summary summary)
            throws IOException {
        doc.heading(2, "Charts");
        List<Path> written = new ArrayList<>();
        Path precision = dir.resolve(PRECISION_CHART);
        PipelineCharts.write(PipelineCharts.atK(summary, PipelineCharts.AtK.PRECISION), precision);
        add(doc, written, "Precision at K", precision);
        Path recall = dir.resolve(RECALL_CHART);
        PipelineCharts.write(PipelineCharts.atK(summary, PipelineCharts.AtK.RECALL), recall);
        add(doc, written, "Recall at K", recall);

        PipelineRun.TrainingLog full = log(runDir.resolve("sft/full/metrics.jsonl"));
        PipelineRun.TrainingLog lora = log(runDir.resolve("sft/lora/metrics.jsonl"));
        if (full == null && lora == null) {
            missing(doc, "SFT training loss", "neither sft/full/metrics.jsonl nor sft/lora/metrics.jsonl was found");
        } else {
            Path png = dir.resolve(SFT_CHART);
            PipelineCharts.write(PipelineCharts.sft(full, lora), png);
            add(doc, written, "SFT training loss", png);
        }
        PipelineRun.TrainingLog bart = log(runDir.resolve("bart/metrics.jsonl"));
        if (bart == null) {
            missing(doc, "BART training", "bart/metrics.jsonl was not found");
        } else {
            Path png = dir.resolve(BART_CHART);
            PipelineCharts.write(PipelineCharts.bart(bart), png);
            add(doc, written, "BART training", png);
        }
        Path dpoLog = runDir.resolve("dpo/metrics.jsonl");
        if (!Files.isRegularFile(dpoLog)) {
            missing(doc, "DPO loss and rewards", "dpo/metrics.jsonl was not found (DPO may have had no pairs)");
        } else {
            Path png = dir.resolve(DPO_CHART);
            DpoChart.fromMetrics(dpoLog).write(png);
            add(doc, written, "DPO loss and rewards", png);
        }
        // A chart left by an earlier report of this folder would outlive the input it was drawn from.
        for (String name : List.of(SFT_CHART, BART_CHART, DPO_CHART)) {
            if (!written.contains(dir.resolve(name))) {
                Files.deleteIfExists(dir.resolve(name));
            }
        }
        return written;
    }

    private static void add(ReportDocument doc, List<Path> written, String title, Path png) {
        doc.heading(3, title).image(title, png);
        written.add(png);
    }

    private static void missing(ReportDocument doc, String title, String why) {
        LOG.debug("no {} chart: {}", title, why);
        doc.heading(3, title).paragraph("The " + title + " chart is not available: " + why + ".");
    }

    private static void faithfulness(ReportDocument doc, PipelineSafety.Report report) {
        doc.heading(2, "Explanation faithfulness");
        if (report == null || report.faithfulness().isEmpty()) {
            doc.paragraph("Faithfulness is not available: eval/safety.json was not found or holds no answer.");
            return;
        }
        ReportTable table = FaithfulnessTables.table(report.faithfulnessByRanker());
        doc.paragraph("How well each language model's 处方解释 matches its 处方推荐, over the answers it wrote on the "
                + "test cases.").table(table.header(), table.rows()).paragraph(FaithfulnessTables.note());
    }

    private static void safety(ReportDocument doc, PipelineSafety.Report report) {
        doc.heading(2, "Safety");
        if (report == null) {
            doc.paragraph("Safety findings are not available: eval/safety.json was not found.");
            return;
        }
        doc.paragraph("How many lists trigger the clinical safety rules (" + report.rules() + "): 十八反 and 十九畏 "
                + "pairs, pregnancy contraindications and dose limits, each rule citing its source.");
        ReportTable overview = SafetyTables.overview(report.summaries());
        doc.table(overview.header(), overview.rows()).paragraph(SafetyTables.note(report.summaries()));
        ReportTable byRule = SafetyTables.byRule(report.summaries());
        doc.table(byRule.header(), byRule.rows());
        if (!report.costs().isEmpty()) {
            doc.paragraph("What keeping 十八反/十九畏 pairs out costs in P@K, with the 95% paired bootstrap interval of "
                    + "the difference: CoOcc and BART behind SafeHerbRanker, the final language model decoding its "
                    + "prescription with the pairs excluded.");
            List<List<String>> rows = new ArrayList<>();
            for (PipelineSafety.Cost c : report.costs()) {
                rows.add(List.of(c.ranker(), "P@" + c.k(), number(c.plain()), number(c.safe()),
                        String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", c.difference(), c.lower(), c.upper()),
                        String.format(Locale.ROOT, "%.3f", c.p())));
            }
            doc.table(List.of("Ranker", "Metric", "Plain", "Safe", "Difference [95% CI]", "p"), rows);
        }
    }

    private static PipelineRun.TrainingLog log(Path file) throws IOException {
        return Files.isRegularFile(file) ? PipelineRun.readLog(file) : null;
    }

    private static void examples(ReportDocument doc, List<PipelineRun.ExampleCase> examples) {
        doc.heading(2, "Example cases");
        if (examples == null || examples.isEmpty()) {
            doc.paragraph("Example cases are not available: eval/examples.jsonl was not found or is empty.");
            return;
        }
        int shown = Math.min(EXAMPLES, examples.size());
        doc.paragraph("The first " + shown + " of the " + examples.size()
                + " example cases: the findings, the true prescription, the language models' answers and BART's "
                + "top herbs.");
        for (PipelineRun.ExampleCase c : examples.subList(0, shown)) {
            doc.heading(3, "Case " + c.id()).labelled("Findings:", "").pre(c.findings())
                    .labelled("True prescription:", herbs(c.truth()));
            Set<String> names = new LinkedHashSet<>(LLM_RANKERS);
            names.addAll(c.answers().keySet());
            for (String name : names) {
                String answer = c.answers().get(name);
                doc.labelled(name + " answer:", "").pre(answer == null || answer.isBlank() ? "(none)" : answer);
                findings(doc, name, c.safety());
            }
            long hits = c.bart().stream().filter(c.truth()::contains).count();
            doc.labelled("BART's top herbs (" + hits + " of " + c.bart().size() + " in the true prescription):",
                    herbs(c.bart()));
            findings(doc, "BART", c.safety());
        }
    }

    /** The safety findings of one answer or list, when the examples file has them. */
    private static void findings(ReportDocument doc, String name, Map<String, List<String>> safety) {
        List<String> found = safety.get(name);
        if (found != null) {
            doc.labelled("Safety (" + name + "):", found.isEmpty() ? "no finding" : String.join("; ", found));
        }
    }

    private static void pairs(ReportDocument doc, Map<String, JsonNode> statistics) {
        doc.heading(2, "Preference pairs");
        if (statistics == null) {
            doc.paragraph("Pair statistics are not available: pairs/pair_statistics.json was not found.");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        statistics.forEach((key, value) -> rows.add(List.of(key, value.isTextual() ? value.textValue()
                : value.toString())));
        doc.table(List.of("Statistic", "Value"), rows);
    }

    private static void provenance(ReportDocument doc, PipelineRun run) {
        doc.heading(2, "Provenance");
        if (run.run() == null) {
            doc.paragraph("The run's settings are not available: run.json was not found.");
        } else {
            doc.paragraph("Command: " + run.run().command() + ", started at " + run.run().started() + ".");
            List<List<String>> settings = new ArrayList<>();
            run.run().settings().forEach((key, value) -> settings.add(List.of(key, value)));
            doc.table(List.of("Setting", "Value"), settings);
        }
        doc.paragraph("Each stage's marker: its key (the SHA-256 of its inputs and settings), wall time, end and "
                + "outputs. A stage without a marker did not finish.");
        List<List<String>> stages = new ArrayList<>();
        for (String name : PipelineRun.STAGES) {
            PipelineRun.Stage s = run.stages().get(name);
            stages.add(s == null ? List.of(name, "not available", "", "", "")
                    : List.of(name, duration(s.seconds()), s.finished(), s.key(), String.join(", ", s.outputs())));
        }
        doc.table(List.of("Stage", "Wall time", "Finished", "Key", "Outputs"), stages);
        doc.paragraph("Report written at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " by TCM-Rx "
                + TcmRxVersion.VERSION + " from " + run.dir().toAbsolutePath().normalize() + ".");
    }

    private static String first(Map<String, String> settings, String... keys) {
        for (String key : keys) {
            String v = settings.get(key);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String herbs(List<String> herbs) {
        return herbs.isEmpty() ? "(none)" : String.join(", ", herbs);
    }

    private static String interval(PipelineRun.Interval i) {
        return number(i.value()) + " [" + number(i.lower()) + ", " + number(i.upper()) + "]";
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    /** Seconds as {@code 12.3 s}, {@code 4 min 05 s} or {@code 1 h 02 min}. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "n/a";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
