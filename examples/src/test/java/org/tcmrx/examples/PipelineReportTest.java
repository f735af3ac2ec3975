package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("PipelineReport")
class PipelineReportTest {
    static final List<String> RANKERS = List.of("TopPop", "CoOcc", "BART", "LLM-SFT", "LLM-DPO");
    static final List<Integer> KS = List.of(5, 10, 20, 30);
    static final String FINDING = "症状：恶寒发热，无汗<身疼> & 喘\n舌象：舌淡苔薄白\n脉象：脉浮紧";

    @Nested
    @DisplayName("of a complete run")
    class Complete {
        @TempDir
        Path dir;

        @Test
        @DisplayName("writes report.md, report.html and the five charts under report/")
        void writesEverything() throws IOException {
            PipelineReport.Result r = PipelineReport.write(fakeRun(dir));
            Path report = dir.resolve("report");
            assertThat(r.markdown()).isEqualTo(report.resolve("report.md")).isRegularFile();
            assertThat(r.html()).isEqualTo(report.resolve("report.html")).isRegularFile();
            assertThat(r.charts()).extracting(p -> p.getFileName().toString()).containsExactly("precision-at-k.png",
                    "recall-at-k.png", "training-sft.png", "training-bart.png", "dpo-rewards.png");
            for (Path png : r.charts()) {
                BufferedImage image = ImageIO.read(png.toFile());
                assertThat(image).as(png.toString()).isNotNull();
                assertThat(image.getWidth()).isEqualTo(900);
                // DpoChart draws its three panels taller.
                assertThat(image.getHeight()).isEqualTo(png.endsWith("dpo-rewards.png") ? 800 : 600);
            }
        }

        @Test
        @DisplayName("the HTML embeds every chart, links to nothing outside and escapes the Chinese findings")
        void selfContainedHtml() throws IOException {
            String html = Files.readString(PipelineReport.write(fakeRun(dir)).html());
            assertThat(count(html, "data:image/png;base64,")).isEqualTo(5);
            assertThat(html).contains("<meta charset=\"utf-8\">").doesNotContain("http://", "https://", "<script")
                    .contains("症状：恶寒发热，无汗&lt;身疼&gt; &amp; 喘\n舌象：舌淡苔薄白").doesNotContain("<身疼>")
                    .contains("麻黄, 桂枝, 杏仁, 甘草").contains("<td class=\"num\">0.2263 [0.1800, 0.2700]</td>");
        }

        @Test
        @DisplayName("the Markdown has an evaluation row for every ranker and K, the comparisons and the sections")
        void markdown() throws IOException {
            String md = Files.readString(PipelineReport.write(fakeRun(dir)).markdown());
            for (String ranker : RANKERS) {
                for (int k : KS) {
                    assertThat(md).contains("| " + ranker + " | " + k + " | ");
                }
            }
            assertThat(md).contains("| TopPop | 5 | 0.2263 [0.1800, 0.2700] | 0.1600 [0.1200, 0.2000] |")
                    .contains("| LLM-DPO vs LLM-SFT | F1@5 | -0.0048 [-0.0710, 0.0610] | 0.880 |")
                    .contains("![Precision at K](precision-at-k.png)")
                    .contains("the data set shl with seed 42")
                    .contains("sft 1 min 01 s").contains("dpo 45.0 s")
                    .contains("| chosen_source | {\"BART\":7,\"forced\":2} |")
                    .contains("**BART's top herbs (2 of 4 in the true prescription):** 麻黄, 甘草, 生姜, 大枣")
                    .contains("| lora_r | 8 |");
            List<String> sections = List.of("# TCM-Rx pipeline report", "## Evaluation", "## Comparisons",
                    "## Charts", "## Example cases", "## Preference pairs", "## Provenance");
            List<Integer> at = new ArrayList<>();
            sections.forEach(s -> at.add(md.indexOf(s + "\n")));
            assertThat(at).doesNotContain(-1).isSorted();
        }

        @Test
        @DisplayName("an example case shows both answers in three sections, and (none) for a missing one")
        void examples() throws IOException {
            String md = Files.readString(PipelineReport.write(fakeRun(dir)).markdown());
            assertThat(md).contains("### Case shl-162").contains("### Case shl-5")
                    .contains("```text\n症状分析：风寒束表。\n处方推荐：麻黄、桂枝。\n处方解释：发汗解表。\n```")
                    .contains("**LLM-DPO answer:**\n\n```text\n(none)\n```");
            // Six lines in the file; five are shown.
            assertThat(md).doesNotContain("### Case shl-6");
        }

        @Test
        @DisplayName("every chart has a title and labelled axes")
        void axesLabelled() throws IOException {
            PipelineRun run = PipelineRun.read(fakeRun(dir));
            for (PipelineCharts.AtK metric : PipelineCharts.AtK.values()) {
                JFreeChart chart = PipelineCharts.atK(run.summary(), metric);
                XYPlot plot = chart.getXYPlot();
                assertThat(chart.getTitle().getText()).isNotBlank();
                assertThat(plot.getDomainAxis().getLabel()).isEqualTo("K (number of herbs recommended)");
                assertThat(plot.getRangeAxis().getLabel()).isNotBlank();
                assertThat(plot.getDataset().getSeriesCount()).isEqualTo(RANKERS.size());
            }
            PipelineRun.TrainingLog full = PipelineRun.readLog(dir.resolve("sft/full/metrics.jsonl"));
            PipelineRun.TrainingLog lora = PipelineRun.readLog(dir.resolve("sft/lora/metrics.jsonl"));
            assertThat(rangeLabels(PipelineCharts.sft(full, lora)))
                    .containsExactly("loss (full model, from scratch)", "loss (LoRA adapter)");
            PipelineRun.TrainingLog bart = PipelineRun.readLog(dir.resolve("bart/metrics.jsonl"));
            assertThat(bart.loss()).containsOnlyKeys(1, 2, 4);
            assertThat(bart.evaluations()).containsOnlyKeys("P@5", "R@20");
            assertThat(rangeLabels(PipelineCharts.bart(bart))).containsExactly("loss", "validation metric");
        }

        private List<String> rangeLabels(JFreeChart chart) {
            assertThat(chart.getTitle().getText()).isNotBlank();
            CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getPlot();
            assertThat(plot.getDomainAxis().getLabel()).isEqualTo(PipelineCharts.STEP_AXIS);
            @SuppressWarnings("unchecked")
            List<XYPlot> panels = plot.getSubplots();
            return panels.stream().map(p -> p.getRangeAxis().getLabel()).toList();
        }
    }

    @Nested
    @DisplayName("of an incomplete or broken run")
    class Incomplete {
        @TempDir
        Path dir;

        @Test
        @DisplayName("a run without dpo/ still gets its report, which says the DPO chart is not available")
        void noDpo() throws IOException {
            PipelineReport.write(fakeRun(dir));
            deleteTree(dir.resolve("dpo"));
            PipelineReport.Result r = PipelineReport.write(dir);
            // The chart of the earlier report is gone with its input.
            assertThat(dir.resolve("report/dpo-rewards.png")).doesNotExist();
            String md = Files.readString(r.markdown());
            assertThat(md).contains("The DPO loss and rewards chart is not available: dpo/metrics.jsonl was not "
                    + "found").contains("dpo no marker").contains("| dpo | not available |");
            assertThat(r.charts()).hasSize(4);
            assertThat(count(Files.readString(r.html()), "data:image/png;base64,")).isEqualTo(4);
        }

        @Test
        @DisplayName("a run folder holding only eval/summary.json says every other part is not available")
        void summaryOnly() throws IOException {
            write(dir.resolve("eval/summary.json"), summaryJson());
            PipelineReport.Result r = PipelineReport.write(dir);
            assertThat(r.charts()).hasSize(2);
            assertThat(Files.readString(r.markdown()))
                    .contains("The SFT training loss chart is not available")
                    .contains("The BART training chart is not available")
                    .contains("Example cases are not available").contains("Pair statistics are not available")
                    .contains("The run's settings are not available").contains("No stage recorded its wall time.");
        }

        @Test
        @DisplayName("a field of the wrong type in summary.json is reported with the file and the field")
        void badField() throws IOException {
            Path summary = dir.resolve("eval/summary.json");
            write(summary, summaryJson().replace("\"value\":0.2263", "\"value\":\"high\""));
            assertThatThrownBy(() -> PipelineReport.write(dir)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(summary + ": rankers[0].rows[0].precision.value: expected a number, found \"high\"");
        }

        @Test
        @DisplayName("a summary.json that is not JSON is reported with the file and line")
        void notJson() throws IOException {
            Path summary = dir.resolve("eval/summary.json");
            write(summary, "{\"split\":\"test\",\n\"cases\":38,,\n");
            assertThatThrownBy(() -> PipelineReport.write(dir)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(summary + ":2: not valid JSON");
        }

        @Test
        @DisplayName("a missing field is named")
        void missingField() throws IOException {
            Path summary = dir.resolve("eval/summary.json");
            write(summary, summaryJson().replace("\"name\":\"CoOcc\",", ""));
            assertThatThrownBy(() -> PipelineReport.write(dir)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(summary + ": rankers[1].name: missing");
        }

        @Test
        @DisplayName("a missing summary.json is an I/O error naming the file; a null folder is refused")
        void missingSummary() {
            assertThatThrownBy(() -> PipelineReport.write(dir)).isInstanceOf(NoSuchFileException.class)
                    .hasMessage(dir.resolve("eval/summary.json").toString());
            assertThatThrownBy(() -> PipelineReport.write(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("runDir must not be null");
        }
    }

    @Test
    @DisplayName("durations read as seconds, minutes or hours")
    void durations() {
        assertThat(PipelineReport.duration(12.34)).isEqualTo("12.3 s");
        assertThat(PipelineReport.duration(61.2)).isEqualTo("1 min 01 s");
        assertThat(PipelineReport.duration(3725)).isEqualTo("1 h 02 min");
        assertThat(PipelineReport.duration(Double.NaN)).isEqualTo("n/a");
    }

    /** Writes a run folder with every file a finished pipeline leaves, in the formats it writes them. */
    static Path fakeRun(Path dir) throws IOException {
        write(dir.resolve("run.json"), "{\"command\":\"tcm pipeline\",\"settings\":{\"data\":\"shl\",\"seed\":42,"
                + "\"lora_r\":8,\"beta\":0.1},\"started\":\"2026-11-25T07:30:00Z\"}");
        double[] seconds = {12.0, 61.2, 30.5, 8.0, 45.0, 20.0};
        for (int i = 0; i < PipelineRun.STAGES.size(); i++) {
            String stage = PipelineRun.STAGES.get(i);
            write(dir.resolve(stage).resolve("stage.json"), String.format(Locale.ROOT,
                    "{\"stage\":\"%s\",\"key\":\"%s\",\"seconds\":%s,\"finished\":\"2026-11-25T07:3%d:00Z\","
                            + "\"outputs\":[\"%s/out\"]}", stage, "ab12".repeat(16), seconds[i], i, stage));
        }
        write(dir.resolve("eval/summary.json"), summaryJson());
        List<String> examples = new ArrayList<>();
        examples.add("{\"id\":\"shl-162\",\"findings\":" + quote(FINDING) + ",\"truth\":[\"麻黄\",\"桂枝\",\"杏仁\","
                + "\"甘草\"],\"bart\":[\"麻黄\",\"甘草\",\"生姜\",\"大枣\"],\"answers\":{\"LLM-SFT\":"
                + quote("症状分析：风寒束表。\n处方推荐：麻黄、桂枝。\n处方解释：发汗解表。") + ",\"LLM-DPO\":\"\"}}");
        for (int i = 2; i <= 6; i++) {
            examples.add("{\"id\":\"shl-" + i + "\",\"findings\":\"症状：咳嗽\",\"truth\":[\"桔梗\"],\"bart\":[\"甘草\"],"
                    + "\"answers\":{\"LLM-SFT\":\"处方推荐：桔梗\",\"LLM-DPO\":\"处方推荐：甘草\"}}");
        }
        write(dir.resolve("eval/examples.jsonl"), String.join("\n", examples) + "\n");
        write(dir.resolve("pairs/pair_statistics.json"), "{\"candidates\":40,\"pairs\":9,\"mean_margin\":0.12,"
                + "\"chosen_source\":{\"BART\":7,\"forced\":2},\"note\":\"按证型筛选\"}");
        write(dir.resolve("sft/full/metrics.jsonl"), String.join("\n",
                "{\"event\":\"step\",\"step\":1,\"epoch\":1,\"loss\":7.2,\"learning_rate\":1.0E-4}",
                "{\"event\":\"step\",\"step\":2,\"epoch\":1,\"loss\":5.9}",
                "{\"event\":\"evaluation\",\"step\":2,\"epoch\":1,\"metrics\":{\"eval_loss\":6.1}}",
                "{\"event\":\"checkpoint\",\"step\":2,\"path\":\"sft/full/checkpoint-2\"}",
                "{\"event\":\"end\",\"steps\":2,\"epochs\":1,\"final_loss\":5.9,\"wall_millis\":900}", ""));
        write(dir.resolve("sft/lora/metrics.jsonl"), String.join("\n",
                "{\"event\":\"step\",\"step\":1,\"loss\":1.4}",
                "{\"event\":\"step\",\"step\":2,\"loss\":\"NaN\"}",
                "{\"event\":\"step\",\"step\":3,\"loss\":1.1}", ""));
        write(dir.resolve("bart/metrics.jsonl"), String.join("\n",
                "{\"event\":\"step\",\"step\":1,\"loss\":4.0}",
                "{\"event\":\"step\",\"step\":2,\"loss\":3.5}",
                "{\"event\":\"evaluation\",\"step\":2,\"metrics\":{\"P@5\":0.21,\"R@20\":0.38}}",
                "{\"event\":\"step\",\"step\":4,\"loss\":3.1}",
                "{\"event\":\"evaluation\",\"step\":4,\"metrics\":{\"P@5\":0.25,\"R@20\":\"NaN\"}}", ""));
        write(dir.resolve("dpo/metrics.jsonl"), String.join("\n",
                "{\"event\":\"step\",\"step\":1,\"loss\":0.69,\"rewards/chosen\":0.0,\"rewards/rejected\":0.0,"
                        + "\"rewards/margins\":0.0,\"rewards/accuracies\":0.0}",
                "{\"event\":\"step\",\"step\":2,\"loss\":0.6,\"rewards/chosen\":0.2,\"rewards/rejected\":-0.1,"
                        + "\"rewards/margins\":0.3,\"rewards/accuracies\":1.0}",
                "{\"event\":\"evaluation\",\"step\":2,\"metrics\":{\"eval_loss\":0.64}}", ""));
        return dir;
    }

    /** An {@code eval/summary.json} for {@link #RANKERS} at {@link #KS}, TopPop's P@5 being 0.2263 [0.18, 0.27]. */
    static String summaryJson() {
        List<String> rankers = new ArrayList<>();
        for (int r = 0; r < RANKERS.size(); r++) {
            List<String> rows = new ArrayList<>();
            for (int k : KS) {
                double p = r == 0 && k == 5 ? 0.2263 : 0.1 + 0.01 * r + 0.001 * k;
                rows.add(String.format(Locale.ROOT, "{\"k\":%d,\"precision\":%s,\"recall\":%s,\"f1\":%s,"
                        + "\"ndcg\":%s}", k, r == 0 && k == 5 ? "{\"value\":0.2263,\"lower\":0.18,\"upper\":0.27}"
                        : interval(p), interval(0.16), interval(0.19), interval(0.25)));
            }
            rankers.add("{\"name\":\"" + RANKERS.get(r) + "\",\"rows\":[" + String.join(",", rows) + "]}");
        }
        return "{\"split\":\"test\",\"cases\":38,\"ks\":[5,10,20,30],\n\"rankers\":[" + String.join(",\n", rankers)
                + "],\n\"comparisons\":[{\"a\":\"LLM-DPO\",\"b\":\"LLM-SFT\",\"metric\":\"F1\",\"k\":5,"
                + "\"difference\":-0.0048,\"lower\":-0.071,\"upper\":0.061,\"p\":0.88}]}\n";
    }

    private static String interval(double v) {
        return String.format(Locale.ROOT, "{\"value\":%.4f,\"lower\":%.4f,\"upper\":%.4f}", v, v - 0.04, v + 0.04);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
