package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.dpo.LoraDpoTrainer;
import org.tcmrx.dpo.PreferencePair;
import org.tcmrx.dpo.PreferencePairJsonl;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;

@DisplayName("tcm dpo")
class DpoCommandTest {
    @Test
    @DisplayName("--smoke runs SFT, pairs, DPO and both evaluations end to end and writes every artefact")
    void smoke(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.run("dpo", "--smoke", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("LLM-SFT").contains("LLM-DPO").contains("LLM-DPO vs LLM-SFT, F1@5")
                .contains("Pairs: 40 candidates");
        List<EvaluationResult> rows = EvaluationReport.readJson(dir.resolve("report.json")).results();
        assertThat(rows).extracting(EvaluationResult::ranker)
                .containsExactly("TopPop", "CoOcc", "BART", "LLM-SFT", "LLM-DPO");
        List<PreferencePair> pairs = PreferencePairJsonl.read(dir.resolve("pairs.jsonl"));
        assertThat(pairs).isNotEmpty().allSatisfy(p -> assertThat(p.chosenSource()).isEqualTo(PreferencePair.BART));
        Path dpo = dir.resolve("dpo");
        assertThat(dpo.resolve(LoraDpoTrainer.ADAPTER_DIR).resolve("adapter_config.json")).isRegularFile();
        assertThat(dpo.resolve(LoraDpoTrainer.METRICS_FILE)).isRegularFile();
        BufferedImage chart = ImageIO.read(dpo.resolve(LoraDpoTrainer.CHART_FILE).toFile());
        assertThat(chart.getWidth()).isPositive();
        assertThat(dir.resolve("sft-adapter").resolve("adapter_model.safetensors")).isRegularFile();
    }

    @Test
    @DisplayName("an unknown --chosen writer is refused by name")
    void badWriter(@TempDir Path dir) {
        CliRun r = CliRun.run("dpo", "--chosen", "oracle", "--out", dir.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--chosen must be knowledge or forced, got 'oracle'");
    }
}
