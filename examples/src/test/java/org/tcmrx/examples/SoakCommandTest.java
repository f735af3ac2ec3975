package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("tcm soak")
class SoakCommandTest {
    @Test
    @DisplayName("samples memory through training and ranking, and every array is freed once the model is closed")
    void shortRun(@TempDir Path dir) {
        CliRun r = CliRun.run("soak", "--steps", "30", "--rank-calls", "60", "--samples", "3", "--work",
                dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("phase", "RSS MiB", "arrays").containsPattern("(?m)^train +30 ")
                .containsPattern("(?m)^rank +60 ").contains("ranking calls in", "training: from train ",
                        "after closing the model: 0 arrays held (0 at the start)");
        CliRun bad = CliRun.run("soak", "--steps", "0");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--steps, --rank-calls and --samples must be at least 1");
    }
}
