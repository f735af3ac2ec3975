package org.tcmrx.examples;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.distill.DistillRun;
import org.tcmrx.distill.DistillSummary;
import org.tcmrx.distill.Distiller;
import org.tcmrx.distill.HerbKnowledge;
import org.tcmrx.distill.HerbMatch;
import org.tcmrx.distill.KnowledgeTeacher;
import org.tcmrx.distill.OpenAiChatClient;
import org.tcmrx.distill.OpenAiConfig;
import org.tcmrx.distill.ResponseFormat;
import org.tcmrx.distill.TeacherClient;
import org.tcmrx.distill.TeacherDistiller;
import org.tcmrx.distill.ValidationConfig;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.GenerationConfig;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTeacherClient;
import org.tcmrx.lora.QwenTokenizer;
import org.tcmrx.lora.WeightStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tcm distill}: turns a data set's records into three-section training samples with a teacher, into a
 * folder that a re-run resumes.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Distills records into explainable three-section samples (症状分析, 处方推荐, 处方解释).",
            "Writes samples.jsonl (chat), samples.alpaca.jsonl, rejected.jsonl, records.jsonl (provenance) and "
                    + "summary.json into --out; a re-run skips the records already there.",
            "Without --data it runs on the embedded corpus of classical formulas."})
final class DistillCommand implements Callable<Integer> {
    /** The teachers. */
    enum Teacher { KNOWLEDGE, OPENAI, QWEN }

    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--split", paramLabel = "SPLIT", split = ",",
            description = "Splits to distill, comma separated. Default: every split.")
    List<String> splits;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (resumed if it exists).")
    Path out;

    @Option(names = "--teacher", paramLabel = "TEACHER", defaultValue = "knowledge",
            description = "knowledge (offline, from a herb table), openai (any OpenAI-compatible server) or qwen (a "
                    + "local Hugging Face Qwen2 folder, --qwen). Default: ${DEFAULT-VALUE}.")
    Teacher teacher;

    @Option(names = "--qwen", paramLabel = "DIR",
            description = "For --teacher qwen: a Hugging Face Qwen2/Qwen2.5 folder with config.json, weights and "
                    + "tokenizer.json.")
    Path qwen;

    @Option(names = "--qwen-fp16", description = "For --teacher qwen: store the weight matrices as float16.")
    boolean qwenFp16;

    @Option(names = "--knowledge", paramLabel = "TSV",
            description = "Herb table (name, nature, flavour, meridian, efficacy). Default: the embedded table.")
    Path knowledge;

    @Option(names = "--base-url", paramLabel = "URL", defaultValue = "https://api.openai.com/v1",
            description = "OpenAI-compatible base URL. Default: ${DEFAULT-VALUE}.")
    String baseUrl;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "gpt-4o",
            description = "Teacher model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--api-key-env", paramLabel = "VAR", defaultValue = "OPENAI_API_KEY",
            description = "Environment variable holding the API key, or 'none'. Default: ${DEFAULT-VALUE}.")
    String apiKeyEnv;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "A file only you can read (chmod 600) holding the API key; used instead of --api-key-env.")
    Path apiKeyFile;

    @Option(names = "--temperature", defaultValue = "0.7", description = "Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--max-tokens", defaultValue = "2048", description = "Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--seed", defaultValue = "42", description = "Seed sent to the server. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--response-format", paramLabel = "FORMAT", defaultValue = "TEXT",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    ResponseFormat responseFormat;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Request timeout. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Option(names = "--retries", defaultValue = "5", description = "Retries per request. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--concurrency", defaultValue = "8",
            description = "Records and requests in flight at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--rpm", defaultValue = "0",
            description = "Most requests per minute (0: no limit). Default: ${DEFAULT-VALUE}.")
    int requestsPerMinute;

    @Option(names = "--re-asks", defaultValue = "2",
            description = "Times a rejected answer is sent back with its reasons. Default: ${DEFAULT-VALUE}.")
    int reAsks;

    @Option(names = "--herb-match", paramLabel = "RULE", defaultValue = "EXACT",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    HerbMatch herbMatch;

    @Option(names = "--min-coverage", defaultValue = "0.8",
            description = "Least coverage for --herb-match COVERAGE. Default: ${DEFAULT-VALUE}.")
    double minCoverage;

    @Option(names = "--sync", description = "Force each finished record to the disk (survives power loss).")
    boolean sync;

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        Dataset data = dataOptions.load();
        List<ClinicalCase> records = new ArrayList<>();
        for (String split : splits == null ? List.copyOf(data.splitNames()) : splits) {
            if (!data.hasSplit(split)) {
                throw new IllegalArgumentException("--split: no split '" + split + "'; the data has "
                        + String.join(", ", data.splitNames()));
            }
            records.addAll(data.split(split));
        }
        ValidationConfig validation = ValidationConfig.builder().optHerbMatch(herbMatch).optMinCoverage(minCoverage)
                .build();
        if (teacher != Teacher.QWEN) {
            return run(console, data, records, distiller(validation, teacher == Teacher.KNOWLEDGE ? null
                    : apiKeyFile != null ? OpenAiChatClient.create(openAiConfig(), apiKeyFile)
                            : OpenAiChatClient.create(openAiConfig())));
        }
        if (qwen == null) {
            throw new IllegalArgumentException("--teacher qwen needs --qwen DIR");
        }
        try (Qwen2Model model = Qwen2Model.load(qwen, Device.cpu(),
                qwenFp16 ? WeightStorage.FLOAT16 : WeightStorage.FLOAT32);
                QwenTokenizer tokenizer = QwenTokenizer.load(qwen)) {
            GenerationConfig generation = GenerationConfig.builder().optMaxNewTokens(maxTokens)
                    .optEosTokenIds(tokenizer.eosTokenIds()).build();
            return run(console, data, records, distiller(validation, new QwenTeacherClient(model, tokenizer,
                    ChatTemplate.qwen25(), generation, String.valueOf(qwen.getFileName()))));
        }
    }

    /** The knowledge teacher when {@code clientOrNull} is null, else a distiller asking that client. */
    private Distiller distiller(ValidationConfig validation, TeacherClient clientOrNull) throws IOException {
        return clientOrNull == null
                ? KnowledgeTeacher.builder().optValidation(validation)
                        .optKnowledge(knowledge == null ? HerbKnowledge.embedded() : HerbKnowledge.load(knowledge))
                        .build()
                : TeacherDistiller.builder().setClient(clientOrNull)
                        .optValidation(validation).optMaxReAsks(reAsks).optSeed(seed)
                        .optJson(teacher == Teacher.OPENAI && responseFormat != ResponseFormat.TEXT).build();
    }

    private int run(PrintWriter console, Dataset data, List<ClinicalCase> records, Distiller distiller)
            throws IOException {
        console.println("Data: " + DataOptions.describe(data, dataOptions.data));
        console.println("Teacher: " + distiller.describe());
        ConsoleProgressBar bar = ConsoleProgressBar.stderr();
        DistillSummary summary = DistillRun.builder().setDistiller(distiller).setOutput(out)
                .optConcurrency(concurrency).optProgress(bar).optSync(sync).optDataSources(data.sources())
                .optListener((result, s) -> bar.setTask(String.format(Locale.ROOT,
                        "distilling: %d accepted, %d rejected, %d failed, %d retried, %d tokens", s.accepted(),
                        s.rejected(), s.failed(), s.retried(), s.usage().total())))
                .build().run(records);
        console.println(summary.describe());
        console.printf(Locale.ROOT, "Acceptance rate: %.1f%%; output in %s%n", 100 * summary.acceptanceRate(), this.out);
        if (summary.failed() > 0) {
            console.println(summary.failed() + " records failed to reach the teacher; run the same command again to "
                    + "retry them.");
        }
        return summary.failed() > 0 ? 1 : 0;
    }

    private OpenAiConfig openAiConfig() {
        return OpenAiConfig.builder().setBaseUrl(baseUrl).setModel(model)
                .optApiKeyEnv("none".equalsIgnoreCase(apiKeyEnv) ? null : apiKeyEnv).optTemperature(temperature)
                .optMaxTokens(maxTokens).optSeed(seed).optResponseFormat(responseFormat)
                .optTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(timeoutSeconds))
                .optRetries(retries, Duration.ofSeconds(1), Duration.ofSeconds(60)).optMaxConcurrency(concurrency)
                .optRequestsPerMinute(requestsPerMinute).build();
    }
}
