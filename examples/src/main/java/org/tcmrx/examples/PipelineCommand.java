package org.tcmrx.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.Progress;
import org.tcmrx.core.internal.Json;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tcm pipeline}: the whole method in one command, distill → SFT → BART → preference pairs → DPO → evaluation
 * → report, into a run folder whose finished stages a re-run skips. Without arguments it runs on the embedded corpus
 * with a small Qwen2 trained from scratch, on a CPU, in a few minutes.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Runs the whole method: distill → SFT → BART → pairs → DPO → evaluation → report.",
            "Without arguments: the embedded corpus, the offline knowledge teacher and a small Qwen2 trained from "
                    + "scratch, on the CPU. A re-run skips the stages that finished with the same settings."})
final class PipelineCommand implements Callable<Integer> {
    /** The stages after which each stage runs (whose outputs it reads). */
    static final Map<String, List<String>> UPSTREAM = Map.of("distill", List.of(), "sft", List.of("distill"),
            "bart", List.of(), "pairs", List.of("sft", "bart"), "dpo", List.of("pairs"),
            "eval", List.of("sft", "bart", "dpo"));

    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--out", defaultValue = "runs/pipeline", description = "Run folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--stages", split = ",", paramLabel = "STAGE",
            description = "Run only these stages (distill, sft, bart, pairs, dpo, eval, report), reading the "
                    + "earlier stages' outputs from the run folder. Default: all.")
    List<String> stages;

    @Option(names = "--smoke", description = "A reduced run for checks: 40 training and 10 test records, short "
            + "sequences, one epoch per stage.")
    boolean smoke;

    @Option(names = "--quiet", description = "No progress bars; only the stage lines and the result.")
    boolean quiet;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every stage. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--base", paramLabel = "DIR", description = "A Hugging Face Qwen2 folder (config.json, weights, "
            + "tokenizer.json) to fine-tune. Default: a small Qwen2 trained from scratch on the corpus text.")
    Path base;

    @Option(names = "--base-fp16", description = "Store the base's weight matrices as float16 (half the memory).")
    boolean baseFp16;

    @Option(names = "--bart", paramLabel = "DIR", description = "A Hugging Face BART folder to start the herb BART "
            + "from. Default: random initialization.")
    Path bart;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu, for the Qwen2 stages (the gpu needs "
            + "the cuda build). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--teacher", defaultValue = "knowledge", description = "knowledge (offline) or openai (any "
            + "OpenAI-compatible server). Default: ${DEFAULT-VALUE}.")
    String teacher;

    @Option(names = "--teacher-url", defaultValue = "https://api.openai.com/v1",
            description = "The server's base URL. Default: ${DEFAULT-VALUE}.")
    String teacherUrl;

    @Option(names = "--teacher-model", defaultValue = "gpt-4o", description = "Default: ${DEFAULT-VALUE}.")
    String teacherModel;

    @Option(names = "--api-key-env", defaultValue = "OPENAI_API_KEY",
            description = "Environment variable with the API key, or 'none'. Default: ${DEFAULT-VALUE}.")
    String apiKeyEnv;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "A file only you can read (chmod 600) holding the API key; used instead of --api-key-env.")
    Path apiKeyFile;

    @Option(names = "--copies", defaultValue = "2", description = "SFT samples per record. Default: ${DEFAULT-VALUE}.")
    int copies;

    @Option(names = "--scratch-epochs", defaultValue = "8",
            description = "Epochs of the model trained from scratch. Default: ${DEFAULT-VALUE}.")
    int scratchEpochs;

    @Option(names = "--hidden-size", defaultValue = "64", description = "Its width. Default: ${DEFAULT-VALUE}.")
    int hiddenSize;

    @Option(names = "--layers", defaultValue = "3", description = "Its layers. Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--lora-epochs", defaultValue = "1", description = "LoRA SFT epochs. Default: ${DEFAULT-VALUE}.")
    int loraEpochs;

    @Option(names = "--max-length", defaultValue = "320",
            description = "Longest SFT sample and DPO sequence in tokens. Default: ${DEFAULT-VALUE}.")
    int maxLength;

    @Option(names = "--max-new-tokens", defaultValue = "200",
            description = "Generation limit of an answer. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--margin", defaultValue = "0.1", description = "Pair margin δ. Default: ${DEFAULT-VALUE}.")
    double margin;

    @Option(names = "--reverse-pairs", description = "Also pair the LLM's clearly better answers as chosen.")
    boolean reversePairs;

    @Option(names = "--chosen", defaultValue = "knowledge",
            description = "Who writes the chosen answer: knowledge or forced. Default: ${DEFAULT-VALUE}.")
    String chosen;

    @Option(names = "--loss", defaultValue = "sigmoid", description = "sigmoid, hinge or ipo. Default: "
            + "${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--beta", defaultValue = "0.1", description = "DPO beta. Default: ${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--dpo-lr", defaultValue = "1e-4", description = "DPO learning rate. Default: ${DEFAULT-VALUE}.")
    double dpoLearningRate;

    @Option(names = "--dpo-epochs", defaultValue = "3", description = "DPO epochs. Default: ${DEFAULT-VALUE}.")
    int dpoEpochs;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        check();
        Dataset data = dataOptions.load();
        PipelineSettings settings = settings();
        RunFolder run = new RunFolder(out);
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("dataset", DataOptions.describe(data, dataOptions.data));
        described.putAll(settings.toMap());
        run.writeRun(described);
        Progress progress = quiet ? Progress.NONE : ConsoleProgressBar.stderr();
        stdout.println("Data: " + DataOptions.describe(data, dataOptions.data));
        stdout.println("Run folder: " + out.toAbsolutePath());
        stdout.flush();
        PipelineStages s = new PipelineStages(settings, run, data, progress, stdout);
        PipelinePreferences preferences = new PipelinePreferences(s, settings, run, progress, stdout);
        Map<String, String> keys = new LinkedHashMap<>();
        List<EvaluationResult> results = null;
        long start = System.nanoTime();
        for (String stage : PipelineStages.STAGES) {
            List<String> upstream = new ArrayList<>();
            for (String u : UPSTREAM.get(stage)) {
                upstream.add(keys.get(u));
            }
            String key = RunFolder.key(stage, settings.forStage(stage), upstream);
            String finished = run.finishedKey(stage);
            if (!selected(stage)) {
                keys.put(stage, finished);
                continue;
            }
            if (upstream.contains(null)) {
                throw new IllegalArgumentException("stage " + stage + " needs " + UPSTREAM.get(stage) + ", which "
                        + "have not all run in " + out + "; run them first");
            }
            keys.put(stage, key);
            if (key.equals(finished)) {
                stdout.printf("%-8s up to date (%s)%n", stage, run.stage(stage));
                stdout.flush();
                continue;
            }
            run.reset(stage);
            long t0 = System.nanoTime();
            List<String> outputs = switch (stage) {
                case "distill" -> s.distill();
                case "sft" -> s.sft();
                case "bart" -> s.bart();
                case "pairs" -> preferences.pairs();
                case "dpo" -> preferences.dpo();
                default -> {
                    results = new PipelineEvaluation(s, run.stage("eval"), progress).run();
                    yield List.of("eval/report.json", "eval/summary.json", "eval/examples.jsonl");
                }
            };
            double seconds = (System.nanoTime() - t0) / 1e9;
            run.finish(stage, key, seconds, outputs);
            stdout.printf("%-8s done in %.0f s (%s)%n", stage, seconds, run.stage(stage));
            stdout.flush();
        }
        if (selected("report")) {
            PipelineReport.Result report = PipelineReport.write(out);
            stdout.printf("%-8s %s%n", "report", report.html().toAbsolutePath());
        }
        if (results == null && Files.isRegularFile(run.stage("eval").resolve("report.json"))) {
            results = EvaluationReport.readJson(run.stage("eval").resolve("report.json")).results();
        }
        if (results != null) {
            stdout.println();
            stdout.println(EvaluationReport.toTextTable(results));
            printComparisons(stdout, run);
        }
        stdout.printf("Finished in %.0f s; everything is in %s%n", (System.nanoTime() - start) / 1e9,
                out.toAbsolutePath());
        stdout.flush();
        return 0;
    }

    /** The LLM-DPO against LLM-SFT lines of {@code eval/summary.json}, when DPO ran. */
    private static void printComparisons(PrintWriter stdout, RunFolder run) throws IOException {
        Path summary = run.stage("eval").resolve("summary.json");
        if (!Files.isRegularFile(summary)) {
            return;
        }
        for (JsonNode c : Json.MAPPER.readTree(summary.toFile()).path("comparisons")) {
            stdout.printf("%s vs %s, %s@%d: difference %+.4f [%+.4f, %+.4f], p = %.4f%n", c.path("a").asText(),
                    c.path("b").asText(), c.path("metric").asText(), c.path("k").asInt(),
                    c.path("difference").asDouble(), c.path("lower").asDouble(), c.path("upper").asDouble(),
                    c.path("p").asDouble());
        }
    }

    private boolean selected(String stage) {
        return stages == null || stages.contains(stage);
    }

    private void check() {
        if (stages != null) {
            for (String stage : stages) {
                if (!PipelineStages.STAGES.contains(stage) && !stage.equals("report")) {
                    throw new IllegalArgumentException("--stages: unknown stage '" + stage + "'; the stages are "
                            + String.join(", ", PipelineStages.STAGES) + ", report");
                }
            }
        }
        if (!teacher.equals("knowledge") && !teacher.equals("openai")) {
            throw new IllegalArgumentException("--teacher must be knowledge or openai, got '" + teacher + "'");
        }
        if (!chosen.equals("knowledge") && !chosen.equals("forced")) {
            throw new IllegalArgumentException("--chosen must be knowledge or forced, got '" + chosen + "'");
        }
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new IllegalArgumentException("--device must be cpu or gpu, got '" + device + "'");
        }
    }

    private PipelineSettings settings() {
        String format = dataOptions.format == null ? null : dataOptions.format.label();
        if (smoke) {
            return new PipelineSettings(dataOptions.data, format, seed, teacher, teacherUrl, teacherModel, apiKeyEnv,
                    apiKeyFile, base, baseFp16, bart, device.equals("gpu"), 1, 2, hiddenSize, layers, 1, 192, 96,
                    margin, reversePairs, chosen, loss, beta, dpoLearningRate, 1, 40, 10);
        }
        return new PipelineSettings(dataOptions.data, format, seed, teacher, teacherUrl, teacherModel, apiKeyEnv,
                apiKeyFile, base, baseFp16, bart, device.equals("gpu"), copies, scratchEpochs, hiddenSize, layers,
                loraEpochs, maxLength, maxNewTokens, margin, reversePairs, chosen, loss, beta, dpoLearningRate,
                dpoEpochs, 0, 0);
    }
}
