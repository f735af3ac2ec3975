package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("tcm distill")
class DistillCommandTest {
    @Test
    @DisplayName("distills a split with the knowledge teacher, and a re-run skips what is done")
    void knowledge(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.run("distill", "--split", "test", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Data: classical", "38 records: 38 accepted, 0 rejected, 0 failed, 0 already done",
                "Acceptance rate: 100.0%");
        assertThat(Files.readAllLines(dir.resolve("samples.jsonl"))).hasSize(38);
        CliRun again = CliRun.run("distill", "--split", "test,valid", "--out", dir.toString());
        assertThat(again.out()).contains("75 records: 37 accepted, 0 rejected, 0 failed, 38 already done");
    }

    @Test
    @DisplayName("distills with an OpenAI-compatible server")
    void openai(@TempDir Path dir) throws IOException {
        try (LocalChatServer server = new LocalChatServer(0, 4)) {
            CliRun r = CliRun.run("distill", "--split", "valid", "--teacher", "openai", "--base-url", server.baseUrl(),
                    "--model", "local", "--api-key-env", "none", "--concurrency", "4", "--out", dir.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("37 records: 37 accepted", "teacher=openai");
        }
    }

    @Test
    @DisplayName("names a missing split and lists those there are")
    void badSplit(@TempDir Path dir) {
        CliRun r = CliRun.run("distill", "--split", "nope", "--out", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--split: no split 'nope'; the data has");
    }

    @Test
    @DisplayName("the local Qwen2 teacher needs a model folder")
    void qwenNeedsFolder(@TempDir Path dir) {
        CliRun r = CliRun.run("distill", "--split", "test", "--teacher", "qwen", "--out", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--teacher qwen needs --qwen DIR");
        CliRun missing = CliRun.run("distill", "--split", "test", "--teacher", "qwen", "--qwen",
                dir.resolve("nowhere").toString(), "--out", dir.toString());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nowhere");
    }
}
