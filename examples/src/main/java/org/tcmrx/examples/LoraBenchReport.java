package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;

/**
 * What {@code tcm bench-lora} measured, as text tables and as JSON.
 *
 * @param provenance the command, its settings and seed, and when it ran
 * @param machine where it ran
 * @param settings the shared settings of every config
 * @param matmul the measured matmul peak
 * @param configs one result per config, in the order asked
 */
record LoraBenchReport(Provenance provenance, Machine machine, Settings settings, MatmulPeak.Result matmul,
        List<ConfigResult> configs) {
    /**
     * The machine and engine.
     *
     * @param cores the processors the JVM sees
     * @param intraOpThreads PyTorch's threads per operator
     * @param device the DJL device
     * @param engine the engine and its version, e.g. {@code PyTorch 2.7.1}
     * @param djl DJL's version
     */
    record Machine(int cores, int intraOpThreads, String device, String engine, String djl) {}

    /**
     * The settings every config shares.
     *
     * @param batch rows per training step
     * @param seq tokens per row
     * @param steps timed training steps
     * @param warmup untimed training steps first
     * @param newTokens tokens generated per decoding run
     * @param loraR the adapter's rank
     * @param loraAlpha its alpha
     * @param loraDropout its dropout
     * @param targetModules the adapted projections
     */
    record Settings(int batch, int seq, int steps, int warmup, int newTokens, int loraR, int loraAlpha,
            double loraDropout, List<String> targetModules) {}

    /**
     * The LoRA step's throughput and its FLOP rates under both estimates.
     *
     * @param meanStepMillis the mean wall time of a timed step
     * @param tokensPerSecond tokens trained per second
     * @param gflopsPerSecond6N {@code 6·N·tokens / time}
     * @param peakShare6N that rate over the matmul peak
     * @param gflopsPerSecond4N {@code 4·N·tokens / time}, the LoRA-aware estimate
     * @param peakShare4N that rate over the matmul peak
     */
    record Training(double meanStepMillis, double tokensPerSecond, double gflopsPerSecond6N, double peakShare6N,
            double gflopsPerSecond4N, double peakShare4N) {
        /**
         * Computes the rates of a timed step.
         *
         * @param meanStepMillis the mean step time
         * @param tokensPerSecond the throughput
         * @param counts the model's parameter counts, for {@code N}
         * @param peakGflopsPerSecond the measured matmul peak
         * @return the rates and their shares of the peak
         */
        static Training of(double meanStepMillis, double tokensPerSecond, ParameterCounts counts,
                double peakGflopsPerSecond) {
            double full = counts.fullFlopsPerToken() * tokensPerSecond / 1e9;
            double lora = counts.loraFlopsPerToken() * tokensPerSecond / 1e9;
            return new Training(meanStepMillis, tokensPerSecond, full, full / peakGflopsPerSecond, lora,
                    lora / peakGflopsPerSecond);
        }
    }

    /**
     * One config's results.
     *
     * @param name the config, e.g. {@code 120m}
     * @param vocab {@code vocab_size}
     * @param hidden {@code hidden_size}
     * @param layers {@code num_hidden_layers}
     * @param heads {@code num_attention_heads}
     * @param kvHeads {@code num_key_value_heads}
     * @param intermediate {@code intermediate_size}
     * @param tied {@code tie_word_embeddings}
     * @param parameters the parameter counts
     * @param loraParameters the adapter's trainable weights
     * @param training the LoRA step
     * @param decoding greedy decoding with and without the cache
     * @param profile the step's breakdown, or null without {@code --profile}
     */
    record ConfigResult(String name, int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate,
            boolean tied, ParameterCounts parameters, long loraParameters, Training training,
            DecodeBench.Result decoding, StepProfileSummary profile) {}

    /**
     * Writes the report as JSON.
     *
     * @param file the file, replaced atomically
     * @throws IOException when it cannot be written
     */
    void writeJson(Path file) throws IOException {
        AtomicFiles.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n");
    }

    /**
     * Renders the report as tables.
     *
     * @return the text, ending with a line break
     */
    String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Machine: %d cores, %s on %s with %d intra-op threads (DJL %s)%n%n", machine.cores(),
                machine.engine(), machine.device(), machine.intraOpThreads(), machine.djl()));
        sb.append(String.format("fp32 matmul [n, n] @ [n, n], best of %d after 1 warm-up, before and after the"
                + " models:%n", MatmulPeak.REPETITIONS));
        sb.append(String.format("%8s %11s %11s %16s %16s%n", "n", "ms before", "ms after", "GFLOP/s before",
                "GFLOP/s after"));
        for (int i = 0; i < matmul.before().size(); i++) {
            MatmulPeak.Point b = matmul.before().get(i);
            MatmulPeak.Point a = matmul.after().get(i);
            sb.append(String.format("%8d %11.1f %11.1f %16.1f %16.1f%n", b.n(), b.millis(), a.millis(),
                    b.gflopsPerSecond(), a.gflopsPerSecond()));
        }
        sb.append(String.format("Peak: %.1f GFLOP/s at n = %d%n", peak(), matmul.peak().n()));
        double low = Stream.concat(matmul.before().stream(), matmul.after().stream())
                .filter(p -> p.n() == matmul.peak().n()).mapToDouble(MatmulPeak.Point::gflopsPerSecond).min()
                .orElseThrow();
        if (low < 0.8 * peak()) {
            // Two passes of the same product that differ this much mean something else was using the processor.
            sb.append(String.format("The two passes differ by %.0f%% at that size: the processor was shared, so"
                    + " every figure below may be low.%n", 100 * (1 - low / peak())));
        }
        sb.append('\n');

        sb.append("Configs (random weights). N = non-embedding parameters + the output layer (V·C): the weights every"
                + " token is multiplied by.\n");
        sb.append(String.format("%-6s %7s %6s %6s %8s %7s %5s %15s %15s %15s %12s%n", "config", "vocab", "hidden",
                "layers", "heads/kv", "SwiGLU", "tied", "total", "non-embedding", "N", "LoRA"));
        for (ConfigResult c : configs) {
            sb.append(String.format("%-6s %7d %6d %6d %8s %7d %5s %,15d %,15d %,15d %,12d%n", c.name(), c.vocab(),
                    c.hidden(), c.layers(), c.heads() + "/" + c.kvHeads(), c.intermediate(), c.tied() ? "yes" : "no",
                    c.parameters().total(), c.parameters().nonEmbedding(), c.parameters().matmul(),
                    c.loraParameters()));
        }

        sb.append(String.format("%nLoRA SFT step: r %d, alpha %d, dropout %s on %s; batch %d × seq %d = %,d tokens;"
                + " %d timed steps after %d warm-up%n", settings.loraR(), settings.loraAlpha(),
                settings.loraDropout(), String.join(", ", settings.targetModules()), settings.batch(), settings.seq(),
                settings.batch() * settings.seq(), settings.steps(), settings.warmup()));
        sb.append("(the shared TrainingLoop: forward, loss, backward, clipping, AdamW on the adapter; 6N counts weight"
                + " gradients the frozen base never computes, 4N does not)\n");
        sb.append(String.format("%-6s %10s %10s %11s %7s %11s %7s%n", "config", "step ms", "tokens/s", "GFLOP/s 6N",
                "% peak", "GFLOP/s 4N", "% peak"));
        for (ConfigResult c : configs) {
            Training t = c.training();
            sb.append(String.format("%-6s %10.1f %10.1f %11.2f %6.1f%% %11.2f %6.1f%%%n", c.name(),
                    t.meanStepMillis(), t.tokensPerSecond(), t.gflopsPerSecond6N(), 100 * t.peakShare6N(),
                    t.gflopsPerSecond4N(), 100 * t.peakShare4N()));
        }

        sb.append(String.format("%nGreedy decoding: batch 1, %d-token prompt, %d new tokens (Generator, base model)%n",
                DecodeBench.PROMPT_TOKENS, settings.newTokens()));
        sb.append(String.format("%-6s %14s %15s %9s %12s%n", "config", "cache tok/s", "no-cache tok/s", "speed-up",
                "same tokens"));
        for (ConfigResult c : configs) {
            DecodeBench.Result d = c.decoding();
            sb.append(String.format("%-6s %14.1f %15.1f %8.1fx %12s%n", c.name(), d.cachedTokensPerSecond(),
                    d.uncachedTokensPerSecond(), d.speedUp(), d.sameTokens() ? "yes" : "no"));
        }
        for (ConfigResult c : configs) {
            if (c.profile() != null) {
                sb.append(String.format("%nProfile of %s: one LoRA step run phase by phase (ms: mean of %d plain steps;"
                        + " self times from one step under PyTorch's profiler)%n", c.name(), settings.steps()));
                sb.append(c.profile().toText(peak()));
            }
        }
        return sb.toString();
    }

    private double peak() {
        return matmul.peak().gflopsPerSecond();
    }
}
