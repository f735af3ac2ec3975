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
                .contains("seed 42: ", "top-20 latency p50");
        assertThat(Files.isRegularFile(dir.resolve("seed-42/model/model.safetensors"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("seed-42/metrics.jsonl"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("report.json"))).isTrue();
    }
}
