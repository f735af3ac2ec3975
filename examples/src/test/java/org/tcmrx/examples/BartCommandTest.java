package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("tcm bart")
class BartCommandTest {
    @Test
    @DisplayName("on the embedded corpus: the small preset, options override it, and a model per seed is written")
    void embedded(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TcmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "bart", "--seeds", "42",
                "--epochs", "3", "--ffn", "96", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("dModel=64, layers=1, heads=4, ffnDim=96", "epochs=3, batchSize=16", "learningRate=0.001",
                        "dropout=0.0")
                .contains("TopPop ", "CoOcc ", "BART (1 seeds)", "BART (mean of 1 seeds) vs CoOcc, P@5:")
                .contains("seed 42: ", "top-20 latency p50")
                .contains("BART+CoOcc (1 seeds)", "BART+CoOcc (mean of 1 seeds) vs CoOcc, P@5:",
                        "BART+CoOcc weight on valid (mean P@5 over seeds): 0.10 → ", "; chosen ");
        assertThat(Files.isRegularFile(dir.resolve("seed-42/model/model.safetensors"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("seed-42/metrics.jsonl"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("report.json"))).isTrue();

        // The saved model is evaluated again without training; the blend can be switched off.
        StringWriter again = new StringWriter();
        code = TcmCli.run(new PrintWriter(again, true), new PrintWriter(err, true), "bart", "--seeds", "42",
                "--models", dir.toString(), "--blend-weights", "none", "--out", dir.resolve("again").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(again.toString()).contains("BART (1 seeds)").doesNotContain("BART+CoOcc").doesNotContain("steps in");
        String bartRow = line(out.toString(), "BART (1 seeds)");
        assertThat(line(again.toString(), "BART (1 seeds)")).isEqualTo(bartRow);
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
    }
}
