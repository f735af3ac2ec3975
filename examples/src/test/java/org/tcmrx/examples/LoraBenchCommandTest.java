package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tcmrx.examples.CliRun.run;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("tcm bench-lora")
class LoraBenchCommandTest {
    @Test
    @DisplayName("on the tiny config: peak, parameter counts, LoRA step, decoding and profile rows, and JSON")
    void tiny(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("bench.json");
        CliRun r = run("bench-lora", "--configs", "tiny", "--batch", "2", "--seq", "16", "--steps", "1", "--warmup",
                "0", "--new-tokens", "4", "--matmul-sizes", "64", "--profile", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("fp32 matmul [n, n] @ [n, n]", "before and after the models", "Peak: ", "GFLOP/s at n = 64")
                // 512·64 table (tied) + 2 layers of 49,344 (attention 17,216, SwiGLU 24,576, norms 128) + norm 64
                .containsPattern("tiny +512 +64 +2 +4/2 +128 +yes +107,072 +74,304 +107,072 +")
                .contains("LoRA SFT step: r 16, alpha 32, dropout 0.05 on all-linear; batch 2 × seq 16 = 32 tokens")
                .containsPattern("tiny +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+% +[0-9.]+ +[0-9.]+%")
                .contains("Greedy decoding: batch 1, 16-token prompt, 4 new tokens")
                .containsPattern("tiny +[0-9.]+ +[0-9.]+ +[0-9.]+x +yes")
                .contains("Profile of tiny", "forward", "backward", "optimizer", "frozen projections",
                        "LoRA A and B", "output layer", "top operators and input shapes (self time)", "Matrix products: ");
        assertThat(Files.readString(json)).contains("\"provenance\"", "\"tokensPerSecond\"",
                "\"nonEmbedding\" : 74304", "\"cachedTokensPerSecond\"", "\"matmulKinds\"");
    }

    @Test
    @DisplayName("rejects an unknown config and a bad count, naming the valid values")
    void errors() {
        CliRun unknown = run("bench-lora", "--configs", "60m");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown config '60m'; valid configs: tiny, 30m, 120m, 0.5b, 7b");
        CliRun steps = run("bench-lora", "--configs", "tiny", "--steps", "0");
        assertThat(steps.code()).isEqualTo(2);
        assertThat(steps.err()).contains("tcm: --steps must be at least 1, got 0");
    }

    @Test
    @DisplayName("--device gpu on a machine without one fails with a usage error that says why")
    void noGpu() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is visible");
        CliRun r = run("bench-lora", "--configs", "tiny", "--device", "gpu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("tcm: --device gpu: PyTorch ", " sees no GPU.", "build with -Pcuda");
        assertThat(r.out()).isEmpty();
    }
}
