package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.Provenance;

@DisplayName("EvaluationReport")
class EvaluationReportTest {
    private static final Provenance PROVENANCE = Provenance.builder("RankerEvaluator")
            .optCreated(Instant.parse("2025-01-01T00:00:00Z")).build();

    /** A row whose F1 of means follows from P and R; the other values are arbitrary but recognizable. */
    private static AggregateRow row(int k, double p, double r, double ndcg) {
        return new AggregateRow(k, p, r, Metrics.f1OfMeans(p, r), 0.01, ndcg, 0.99, 0.5);
    }

    private static EvaluationResult result(String ranker, String split, PrecisionConvention c, AggregateRow... rows) {
        List<Integer> ks = Stream.of(rows).map(AggregateRow::k).toList();
        return new EvaluationResult(ranker, split, ks, c, 20, 3443, List.of(rows), List.of(), 12, PROVENANCE);
    }

    // TopPop: F1@5 = 2·0.1·0.2/0.3 = 0.1333; F1@10 = 2·0.08·0.3/0.38 = 0.1263.
    private static final EvaluationResult TOP_POP = result("TopPop", "test", PrecisionConvention.DIVIDE_BY_K,
            row(5, 0.1, 0.2, 0.15), row(10, 0.08, 0.3, 0.2));
    // CoOcc: F1@5 = 2·0.2·0.4/0.6 = 0.2667; F1@10 = 2·0.15·0.55/0.7 = 0.2357.
    private static final EvaluationResult CO_OCC = result("CoOcc", "test", PrecisionConvention.DIVIDE_BY_K,
            row(5, 0.2, 0.4, 0.35), row(10, 0.15, 0.55, 0.41));

    @Nested
    @DisplayName("plain text")
    class Text {
        @Test
        @DisplayName("aligned columns with four decimals")
        void table() {
            assertThat(EvaluationReport.toTextTable(List.of(TOP_POP, CO_OCC))).isEqualTo(""
                    + "Ranker     P@5     R@5    F1@5  NDCG@5    P@10    R@10   F1@10  NDCG@10\n"
                    + "-----------------------------------------------------------------------\n"
                    + "TopPop  0.1000  0.2000  0.1333  0.1500  0.0800  0.3000  0.1263   0.2000\n"
                    + "CoOcc   0.2000  0.4000  0.2667  0.3500  0.1500  0.5500  0.2357   0.4100\n");
        }

        @Test
        @DisplayName("a cut-off a result lacks shows '-'")
        void missingK() {
            EvaluationResult only5 = result("Only5", "test", PrecisionConvention.DIVIDE_BY_K, row(5, 0.1, 0.1, 0.1));
            String table = EvaluationReport.toTextTable(List.of(TOP_POP, only5));
            assertThat(table.lines().toList().get(3))
                    .isEqualTo("Only5   0.1000  0.1000  0.1000  0.1000       -       -       -        -");
        }

        @Test
        @DisplayName("no result")
        void empty() {
            assertThatThrownBy(() -> EvaluationReport.toTextTable(List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("a report needs at least one result");
        }
    }

    @Nested
    @DisplayName("Markdown")
    class Markdown {
        @Test
        @DisplayName("main table, note on conventions, supplementary table")
        void tables() {
            String md = EvaluationReport.builder().addResults(List.of(TOP_POP, CO_OCC)).build().toMarkdown();
            List<String> lines = md.lines().toList();
            assertThat(lines.get(0)).isEqualTo(
                    "| Ranker | P@5 | R@5 | F1@5 | NDCG@5 | P@10 | R@10 | F1@10 | NDCG@10 |");
            assertThat(lines.get(1)).isEqualTo("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            assertThat(lines.get(2)).isEqualTo(
                    "| TopPop | 0.1000 | 0.2000 | 0.1333 | 0.1500 | 0.0800 | 0.3000 | 0.1263 | 0.2000 |");
            assertThat(lines.get(5)).isEqualTo("Conventions: P@K = hits/K (DIVIDE_BY_K); R@K = hits/|true herbs|;"
                    + " F1@K = harmonic mean of mean P@K and mean R@K (F1_OF_MEANS, as KDHR, PresRecST and TCMRGCL"
                    + " report it); NDCG@K standard with binary gains, ideal DCG over min(K, |true herbs|). Means over"
                    + " the cases of test (3443 cases).");
            assertThat(md).contains("| Ranker | meanF1@5 | NDCG_SMGCN@5 | HR@5 | meanF1@10 | NDCG_SMGCN@10 | HR@10 |")
                    .contains("| CoOcc | 0.0100 | 0.9900 | 0.5000 | 0.0100 | 0.9900 | 0.5000 |")
                    .doesNotContain("Paired bootstrap");
        }

        @Test
        @DisplayName("rankers on several splits are labelled with their split; DIVIDE_BY_PREDICTED is named")
        void splitsAndConvention() {
            EvaluationResult valid = result("TopPop", "valid", PrecisionConvention.DIVIDE_BY_PREDICTED,
                    row(5, 0.1, 0.2, 0.15));
            EvaluationResult test = result("TopPop", "test", PrecisionConvention.DIVIDE_BY_PREDICTED,
                    row(5, 0.1, 0.2, 0.15));
            String md = EvaluationReport.builder().addResult(valid).addResult(test).build().toMarkdown();
            assertThat(md).contains("| TopPop (valid) |").contains("| TopPop (test) |")
                    .contains("P@K = hits/min(K, herbs returned), 0 when none (DIVIDE_BY_PREDICTED)")
                    .contains("Means over the cases of valid (3443 cases), test (3443 cases).");
        }

        @Test
        @DisplayName("results with different conventions cannot share a report")
        void mixedConventions() {
            EvaluationResult predicted = result("X", "test", PrecisionConvention.DIVIDE_BY_PREDICTED,
                    row(5, 0.1, 0.2, 0.15));
            assertThatThrownBy(() -> EvaluationReport.builder().addResult(TOP_POP).addResult(predicted).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("results use different precision conventions: 'TopPop' DIVIDE_BY_K, 'X'"
                            + " DIVIDE_BY_PREDICTED");
        }
    }

    @Nested
    @DisplayName("files")
    class Files_ {
        private EvaluationReport evaluated(boolean includeCases) {
            CaseSet split = EvaluatorFixtures.randomSplit("random", 120, 2);
            RankerEvaluator evaluator = RankerEvaluator.builder().optKs(5, 10).build();
            EvaluationResult a = evaluator.evaluate(EvaluatorFixtures.pseudoRandomRanker("A", split, 0.5), split);
            EvaluationResult b = evaluator.evaluate(EvaluatorFixtures.pseudoRandomRanker("B", split, 0.1), split);
            PairedBootstrap bootstrap = PairedBootstrap.builder().optResamples(500).build();
            return EvaluationReport.builder().addResult(a).addResult(b)
                    .addComparison(bootstrap.compare(a, b, Metric.NDCG, 10))
                    .addInterval(bootstrap.interval(a, Metric.F1_OF_MEANS, 5))
                    .optIncludeCases(includeCases).build();
        }

        @Test
        @DisplayName("JSON round-trips, with or without per-case values, leaving no temporary file")
        void json(@TempDir Path dir) throws IOException {
            for (boolean includeCases : new boolean[] {false, true}) {
                EvaluationReport report = evaluated(includeCases);
                Path file = dir.resolve("report-" + includeCases + ".json");
                report.writeJson(file);
                EvaluationReport.Document read = EvaluationReport.readJson(file);
                List<EvaluationResult> expected = includeCases ? report.results()
                        : report.results().stream().map(EvaluationResult::withoutCases).toList();
                assertThat(read.results()).isEqualTo(expected);
                assertThat(read.comparisons()).hasSize(1);
                assertThat(read.comparisons().get(0).metric()).isEqualTo(Metric.NDCG);
                assertThat(read.intervals()).hasSize(1);
                assertThat(read.provenance().producer()).isEqualTo("EvaluationReport");
                assertThat(read.provenance().parameters()).containsEntry("rankers", "A,B")
                        .containsEntry("includeCases", String.valueOf(includeCases));
                assertThat(read.notes()).startsWith("Conventions: P@K = hits/K (DIVIDE_BY_K)");
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("report-false.json", "report-true.json");
            }
        }

        @Test
        @DisplayName("Markdown file with the bootstrap tables")
        void markdown(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("report.md");
            evaluated(false).writeMarkdown(file);
            String md = Files.readString(file);
            assertThat(md).contains("Paired bootstrap comparisons")
                    .contains("| A vs B | Metric | A | B | A − B | p | B, level, seed |")
                    .containsPattern("\\| A vs B \\| NDCG@10 \\| 0\\.\\d{4} \\[0\\.\\d{4}, 0\\.\\d{4}\\] \\|")
                    .contains("| 500, 95%, seed 42 |")
                    .contains("| A | random | F1@5 |");
        }
    }
}
