package org.tcmrx.examples;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.Provenance;
import org.tcmrx.lora.LoraConfig;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.nn.internal.TorchProfiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tcm bench-lora}: the speed of the Qwen2 and LoRA code on this machine. Per config (random weights) it times
 * greedy decoding with and without the key/value cache and the LoRA SFT step of the shared training loop, whose FLOP
 * rate it sets against the fp32 matmul peak measured through DJL before and after the configs; with
 * {@code --profile}, it shows where that step's time goes.
 */
@Command(name = "bench-lora", mixinStandardHelpOptions = true,
        description = {"Benchmarks Qwen2 LoRA training and decoding: matmul peak, LoRA SFT step (tokens/s, GFLOP/s,"
            + " share of the peak), greedy decoding with and without the KV cache.",
            "0.5b and 7b have the shapes of Qwen2.5-0.5B and Qwen2.5-7B and are meant for a GPU (--device gpu)."})
final class LoraBenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LoraBenchCommand.class);

    /** Where the benchmark runs. */
    enum Target {
        /** The CPU. */
        CPU,
        /** The first CUDA GPU; needs the {@code cuda} build. */
        GPU
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--configs", split = ",", converter = BenchShape.Converter.class, defaultValue = "30m,120m",
            description = "Model shapes, comma separated: tiny, 30m, 120m, 0.5b, 7b. Default: ${DEFAULT-VALUE}.")
    List<BenchShape> configs;

    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or gpu (the -Pcuda build on a machine with an NVIDIA GPU). Default: ${DEFAULT-VALUE}.")
    Target device;

    @Option(names = "--batch", defaultValue = "4", description = "Rows per training step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--seq", defaultValue = "256", description = "Tokens per row. Default: ${DEFAULT-VALUE}.")
    int seq;

    @Option(names = "--steps", defaultValue = "3", description = "Timed training steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "1",
            description = "Untimed training steps before them. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--new-tokens", defaultValue = "128",
            description = "Tokens generated per decoding run. Default: ${DEFAULT-VALUE}.")
    int newTokens;

    @Option(names = "--lora-r", defaultValue = "16",
            description = "LoRA rank; lora_alpha is twice it. Default: ${DEFAULT-VALUE}.")
    int loraR;

    @Option(names = "--lora-dropout", defaultValue = "0.05", description = "LoRA dropout. Default: ${DEFAULT-VALUE}.")
    double loraDropout;

    @Option(names = "--matmul-sizes", split = ",", defaultValue = "1024,2048,4096",
            description = "Square matmul sizes for the peak. Default: ${DEFAULT-VALUE}.")
    List<Integer> matmulSizes;

    @Option(names = "--profile",
            description = "Also break the LoRA step down: phase times and PyTorch's per-operator self times.")
    boolean profile;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the weights, the adapter and the tokens. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
        validate();
        Device dev = device();
        PrintWriter stdout = spec.commandLine().getOut();
        LoraConfig lora = LoraConfig.builder().optR(loraR).optLoraAlpha(2 * loraR).optLoraDropout(loraDropout)
                .optTargetModules(List.of(LoraConfig.ALL_LINEAR)).build();
        Engine engine = Engine.getInstance();
        LoraBenchReport.Machine machine = new LoraBenchReport.Machine(Runtime.getRuntime().availableProcessors(),
                TorchProfiler.intraOpThreads(), dev.isGpu() ? "gpu " + dev.getDeviceId() : "cpu",
                engine.getEngineName() + " " + engine.getVersion(), Engine.getDjlVersion());
        LOG.info("measuring the matmul peak at n = {}", matmulSizes);
        List<MatmulPeak.Point> before = MatmulPeak.measure(matmulSizes, dev);
        List<Measured> measured = new ArrayList<>();
        for (BenchShape shape : configs) {
            measured.add(run(shape, lora, dev));
        }
        LOG.info("measuring the matmul peak again");
        MatmulPeak.Result peak = MatmulPeak.Result.of(before, MatmulPeak.measure(matmulSizes, dev));
        List<LoraBenchReport.ConfigResult> results = new ArrayList<>();
        for (Measured m : measured) {
            results.add(m.result(peak.peak().gflopsPerSecond()));
        }
        LoraBenchReport.Settings settings = new LoraBenchReport.Settings(batch, seq, steps, warmup, newTokens, loraR,
                lora.loraAlpha(), loraDropout, lora.targetModules());
        LoraBenchReport report = new LoraBenchReport(provenance(), machine, settings, peak, List.copyOf(results));
        stdout.print(report.toText());
        if (json != null) {
            report.writeJson(json);
            stdout.println("Wrote " + json.toAbsolutePath());
        }
        stdout.flush();
        return 0;
    }

    /** A config's measurements, waiting for the peak that their rates are set against. */
    private record Measured(BenchShape shape, ParameterCounts counts, long loraParameters,
            LoraStepBench.Timing timing, DecodeBench.Result decoding, StepProfileSummary profile) {
        LoraBenchReport.ConfigResult result(double peakGflopsPerSecond) {
            Qwen2Config c = shape.config();
            return new LoraBenchReport.ConfigResult(shape.toString(), c.vocabSize(), c.hiddenSize(),
                    c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.intermediateSize(),
                    c.tieWordEmbeddings(), counts, loraParameters, LoraBenchReport.Training.of(
                            timing.meanStepMillis(), timing.tokensPerSecond(), counts, peakGflopsPerSecond),
                    decoding, profile);
        }
    }

    private Measured run(BenchShape shape, LoraConfig lora, Device dev) throws Exception {
        Qwen2Config c = shape.config();
        LOG.info("{}: random weights", shape);
        try (Qwen2Model model = Qwen2Model.init(c, seed, dev)) {
            ParameterCounts counts = ParameterCounts.of(model.parameters(), c);
            LOG.info("{}: greedy decoding of {} tokens with and without the cache", shape, newTokens);
            DecodeBench.Result decoding = DecodeBench.measure(model, newTokens, seed);
            try (LoraStepBench bench = new LoraStepBench(model, lora, batch, seq, seed)) {
                LOG.info("{}: LoRA steps, {} timed after {} warm-up", shape, steps, warmup);
                LoraStepBench.Timing timing = bench.time(steps, warmup);
                StepProfileSummary summary = null;
                if (profile) {
                    LOG.info("{}: profiling the LoRA step", shape);
                    summary = StepProfileSummary.of(bench.profile(steps), loraR, c.vocabSize());
                }
                return new Measured(shape, counts, bench.trainableParameters(), timing, decoding, summary);
            }
        }
    }

    private void validate() {
        atLeast("--batch", batch, 1);
        atLeast("--seq", seq, 2); // the loss needs a next token
        atLeast("--steps", steps, 1);
        atLeast("--warmup", warmup, 0);
        atLeast("--new-tokens", newTokens, 1);
        atLeast("--lora-r", loraR, 1);
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new IllegalArgumentException("--lora-dropout must be in [0, 1), got " + loraDropout);
        }
        for (int n : matmulSizes) {
            atLeast("--matmul-sizes", n, 1);
        }
    }

    private static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
        }
    }

    /** The DJL device of {@code --device}; a GPU the engine cannot see is the caller's mistake, said plainly. */
    private Device device() {
        if (device == Target.CPU) {
            return Device.cpu();
        }
        Engine engine = Engine.getInstance();
        if (engine.getGpuCount() == 0) {
            throw new IllegalArgumentException("--device gpu: " + engine.getEngineName() + " " + engine.getVersion()
                    + " sees no GPU. The default build bundles libtorch for the CPU only; build with -Pcuda on a"
                    + " machine with an NVIDIA driver for CUDA 12.4 or newer, or use --device cpu");
        }
        return Device.gpu();
    }

    private Provenance provenance() {
        return Provenance.builder("tcm bench-lora").optSeed(seed)
                .addParameter("configs", configs.toString())
                .addParameter("device", device.toString().toLowerCase(java.util.Locale.ROOT))
                .addParameter("batch", batch)
                .addParameter("seq", seq)
                .addParameter("steps", steps)
                .addParameter("warmup", warmup)
                .addParameter("new_tokens", newTokens)
                .addParameter("lora_r", loraR)
                .addParameter("lora_dropout", loraDropout)
                .addParameter("matmul_sizes", matmulSizes.toString())
                .addParameter("profile", profile)
                .build();
    }
}
