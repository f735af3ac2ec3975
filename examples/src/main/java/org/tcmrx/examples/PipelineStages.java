package org.tcmrx.examples;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tcmrx.bart.BartConfig;
import org.tcmrx.bart.BartHerbRanker;
import org.tcmrx.bart.BartHerbTrainer;
import org.tcmrx.bart.BartHerbTrainingConfig;
import org.tcmrx.bart.HerbScoring;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbVocabulary;
import org.tcmrx.core.safety.SafetyChecker;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.Progress;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.distill.DistillRun;
import org.tcmrx.distill.DistillSummary;
import org.tcmrx.distill.Distiller;
import org.tcmrx.distill.KnowledgeTeacher;
import org.tcmrx.distill.OpenAiChatClient;
import org.tcmrx.distill.OpenAiConfig;
import org.tcmrx.distill.TeacherDistiller;
import org.tcmrx.dpo.LoraDpoTrainer;
import org.tcmrx.lora.CharacterTokenizer;
import org.tcmrx.lora.ChatMessage;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.GenerationConfig;
import org.tcmrx.lora.LlmHerbRanker;
import org.tcmrx.lora.LoraConfig;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTokenizer;
import org.tcmrx.lora.SftConfig;
import org.tcmrx.lora.SftResult;
import org.tcmrx.lora.SftSample;
import org.tcmrx.lora.SftTrainer;
import org.tcmrx.lora.WeightStorage;
import org.tcmrx.nn.JsonlMetricsListener;

/**
 * The stages of {@code tcm pipeline}, each reading what the stages before it wrote into the run folder: distill
 * (teacher answers for the training records), sft (a Qwen2 base, trained from scratch on the corpus text or loaded,
 * then a LoRA adapter) and bart (the herb ranker), with what the later stages share: the splits, the prompts, and
 * opening the SFT model. {@link PipelinePreferences} holds the pairs and dpo stages, {@link PipelineEvaluation} the
 * last.
 */
final class PipelineStages {
    /** The stages in order. */
    static final List<String> STAGES = List.of("distill", "sft", "bart", "pairs", "dpo", "eval");
    /** No system message for a model trained from scratch: its prompts stay short. */
    static final ChatTemplate SCRATCH_TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();
    /** The description of the SFT model that {@code tcm recommend} reads. */
    static final String LLM_FILE = "llm.json";
    /** The findings and a short request, for a model trained from scratch. */
    static final String SCRATCH_PROMPT = LlmHerbRanker.FINDINGS + "\n请辨证论治。";

    private final PipelineSettings settings;
    private final RunFolder run;
    private final Dataset data;
    private final Progress progress;
    private final PrintWriter log;

    PipelineStages(PipelineSettings settings, RunFolder run, Dataset data, Progress progress, PrintWriter log) {
        this.settings = settings;
        this.run = run;
        this.data = data;
        this.progress = progress;
        this.log = log;
    }

    List<ClinicalCase> train() {
        return limit(data.split(Dataset.TRAIN), settings.trainLimit());
    }

    CaseSet test() {
        CaseSet test = data.split(Dataset.TEST);
        List<ClinicalCase> cases = limit(test, settings.testLimit());
        return cases == test ? test : CaseSet.of(test.name(), cases);
    }

    private static List<ClinicalCase> limit(List<ClinicalCase> cases, int limit) {
        return limit > 0 && limit < cases.size() ? List.copyOf(cases.subList(0, limit)) : cases;
    }

    ChatTemplate template() {
        return settings.fromScratch() ? SCRATCH_TEMPLATE : ChatTemplate.qwen25();
    }

    String promptTemplate() {
        return settings.fromScratch() ? SCRATCH_PROMPT : LlmHerbRanker.DEFAULT_PROMPT_TEMPLATE;
    }

    String prompt(ClinicalCase c) {
        return promptTemplate().replace(LlmHerbRanker.FINDINGS, LlmHerbRanker.findings(c.query()));
    }

    // ---- distill ------------------------------------------------------------------------------------------------

    /** The OpenAI-compatible teacher, its key from the key file or the environment variable. */
    private OpenAiChatClient teacherClient() throws IOException {
        OpenAiConfig config = OpenAiConfig.builder().setBaseUrl(settings.teacherUrl())
                .setModel(settings.teacherModel())
                .optApiKeyEnv("none".equalsIgnoreCase(settings.apiKeyEnv()) ? null : settings.apiKeyEnv())
                .optTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(120)).build();
        return settings.apiKeyFile() != null ? OpenAiChatClient.create(config, settings.apiKeyFile())
                : OpenAiChatClient.create(config);
    }

    /** Teacher answers for the training records, into {@code distill/} (resumable {@link DistillRun} output). */
    List<String> distill() throws IOException {
        Distiller distiller = settings.teacher().equals("openai")
                ? TeacherDistiller.builder().setClient(teacherClient()).optSeed(settings.seed()).build()
                : KnowledgeTeacher.builder().build();
        DistillSummary summary = DistillRun.builder().setDistiller(distiller).setOutput(run.stage("distill"))
                .optConcurrency(settings.teacher().equals("openai") ? 8 : 1).optProgress(progress)
                .optDataSources(data.sources()).build().run(train());
        log.println("  " + summary.describe());
        if (summary.accepted() == 0) {
            throw new IllegalStateException("the teacher's answers were all rejected or failed; see "
                    + run.stage("distill").resolve("rejected.jsonl"));
        }
        return List.of("distill/samples.jsonl", "distill/records.jsonl", "distill/summary.json");
    }

    /** The accepted answers by record id. */
    Map<String, ThreeSectionAnswer> distilledAnswers() throws IOException {
        Map<String, ThreeSectionAnswer> answers = new LinkedHashMap<>();
        for (JsonNode line : Jsonl.read(run.stage("distill").resolve("records.jsonl"), JsonNode.class)) {
            if ("accepted".equals(line.path("status").asText()) && line.path("answer").isTextual()) {
                ThreeSectionAnswer a = ThreeSectionAnswer.parse(line.get("answer").asText()).answerOrNull();
                if (a != null) {
                    answers.put(line.path("id").asText(), a);
                }
            }
        }
        return answers;
    }

    // ---- sft ----------------------------------------------------------------------------------------------------

    /**
     * SFT samples: the ranker's prompt for each record and the teacher's answer, {@code copies} times with the
     * prescription's herbs in another order (the explanation keeps the teacher's order).
     */
    List<SftSample> sftSamples() throws IOException {
        Map<String, ThreeSectionAnswer> answers = distilledAnswers();
        Random rng = new Random(settings.seed());
        List<SftSample> samples = new ArrayList<>();
        for (ClinicalCase c : train()) {
            ThreeSectionAnswer a = answers.get(c.id());
            if (a == null) {
                continue;
            }
            for (int i = 0; i < settings.copies(); i++) {
                List<String> herbs = new ArrayList<>(a.herbs());
                if (i > 0) {
                    Collections.shuffle(herbs, rng);
                }
                samples.add(SftSample.promptCompletion(List.of(ChatMessage.user(prompt(c))),
                        new ThreeSectionAnswer(a.analysis(), herbs, a.explanation()).render()));
            }
        }
        return samples;
    }

    /** A base (trained from scratch, or the given one) and a LoRA adapter, into {@code sft/}. */
    List<String> sft() throws IOException {
        Path dir = run.stage("sft");
        List<SftSample> samples = sftSamples();
        writeSamples(dir.resolve("train.jsonl"), samples);
        Path baseDir = settings.fromScratch() ? dir.resolve("base") : settings.base();
        if (settings.fromScratch()) {
            StringBuilder text = new StringBuilder();
            samples.forEach(s -> text.append(s.render(template()).text()));
            data.splits().values().forEach(split -> split.forEach(c -> text.append(prompt(c))));
            CharacterTokenizer.write(baseDir.resolve(QwenTokenizer.TOKENIZER_FILE), text);
        }
        try (QwenTokenizer tokenizer = QwenTokenizer.load(baseDir.resolve(QwenTokenizer.TOKENIZER_FILE));
                Qwen2Model model = settings.fromScratch()
                        ? Qwen2Model.init(scratchConfig(tokenizer), settings.seed(), device())
                        : Qwen2Model.load(baseDir, device(), storage())) {
            if (settings.fromScratch()) {
                SftResult full = new SftTrainer(sftConfig(null, settings.scratchEpochs(), 5e-3, dir.resolve("full")))
                        .withProgress(progress).train(model, tokenizer, samples, List.of());
                model.save(baseDir);
                log.printf("  base trained from scratch: %d steps, last loss %.4f%n", full.training().steps(),
                        full.training().finalTrainLoss());
            }
            SftResult lora = new SftTrainer(sftConfig(lora(), settings.loraEpochs(),
                    settings.fromScratch() ? 1e-3 : 2e-4, dir.resolve("lora"))).withProgress(progress)
                    .train(model, tokenizer, samples, List.of());
            lora.save(dir.resolve("adapter"));
            log.printf("  LoRA SFT: %d samples, %d steps, last loss %.4f, %.0f tokens/s%n", lora.trainSamples(),
                    lora.training().steps(), lora.training().finalTrainLoss(), lora.tokensPerSecond());
        }
        writeLlmFile();
        return settings.fromScratch() ? List.of("sft/base", "sft/adapter", "sft/train.jsonl", "sft/" + LLM_FILE)
                : List.of("sft/adapter", "sft/train.jsonl", "sft/" + LLM_FILE);
    }

    /** What {@code tcm recommend} needs to rebuild the LLM ranker: {@value #LLM_FILE} in {@code sft/}. */
    private void writeLlmFile() throws IOException {
        Map<String, Object> llm = new LinkedHashMap<>();
        llm.put("base", baseDir().toAbsolutePath().toString());
        llm.put("base_fp16", settings.baseFp16());
        llm.put("system_message", settings.fromScratch() ? null : template().defaultSystemMessage());
        llm.put("prompt_template", promptTemplate());
        llm.put("max_new_tokens", settings.maxNewTokens());
        llm.put("herbs", HerbVocabulary.fromCases(train()).herbs().stream().map(Herb::name).toList());
        AtomicFiles.writeString(run.stage("sft").resolve(LLM_FILE),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(llm) + "\n");
    }

    private static void writeSamples(Path file, List<SftSample> samples) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (SftSample s : samples) {
            lines.add(Map.of("messages", s.messages()));
        }
        Jsonl.write(file, lines);
    }

    private SftConfig sftConfig(LoraConfig loraOrNull, int epochs, double learningRate, Path out) {
        return (loraOrNull == null ? SftConfig.builder().optFullParameters() : SftConfig.builder().optLora(loraOrNull))
                .optChatTemplate(template()).optEpochs(epochs).optBatchSize(8).optLearningRate(learningRate)
                .optWarmupRatio(0.05).optMaxLength(settings.maxLength()).optSeed(settings.seed())
                .optOutputDir(out).build();
    }

    private Qwen2Config scratchConfig(QwenTokenizer tokenizer) {
        int heads = Math.max(2, settings.hiddenSize() / 16);
        return Qwen2Config.builder().optVocabSize(tokenizer.vocabSize()).optHiddenSize(settings.hiddenSize())
                .optIntermediateSize(2 * settings.hiddenSize()).optNumHiddenLayers(settings.layers())
                .optNumAttentionHeads(heads).optNumKeyValueHeads(heads / 2).optTieWordEmbeddings(true)
                .optMaxPositionEmbeddings(4096).optInitializerRange(0.2).build();
    }

    static LoraConfig lora() {
        return LoraConfig.builder().optR(8).optLoraAlpha(16).optTargetModules(List.of(LoraConfig.ALL_LINEAR)).build();
    }

    Device device() {
        return settings.gpu() ? Device.gpu() : Device.cpu();
    }

    private WeightStorage storage() {
        return settings.baseFp16() ? WeightStorage.FLOAT16 : WeightStorage.FLOAT32;
    }

    /** The base model's folder: trained here, or given. */
    Path baseDir() {
        return settings.fromScratch() ? run.stage("sft").resolve("base") : settings.base();
    }

    /**
     * Opens the SFT model: the base with the SFT adapter merged in, and, when {@code dpoAdapter} is set, the DPO
     * adapter on top.
     */
    Llm openLlm(boolean dpoAdapter) throws IOException {
        QwenTokenizer tokenizer = QwenTokenizer.load(baseDir().resolve(QwenTokenizer.TOKENIZER_FILE));
        Qwen2Model model = null;
        try {
            model = Qwen2Model.load(baseDir(), device(), storage());
            model.loadAdapter(run.stage("sft").resolve("adapter")).mergeAndUnload();
            if (dpoAdapter) {
                model.loadAdapter(run.stage("dpo").resolve(LoraDpoTrainer.ADAPTER_DIR));
            }
            return new Llm(model, tokenizer);
        } catch (IOException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** A loaded model and its tokenizer, closed together. */
    record Llm(Qwen2Model model, QwenTokenizer tokenizer) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
            tokenizer.close();
        }
    }

    LlmHerbRanker ranker(Llm llm, String name) {
        return ranker(llm, name, null);
    }

    /** The LLM as a ranker whose constrained prescription keeps out what {@code safety} flags (null: nothing). */
    LlmHerbRanker ranker(Llm llm, String name, SafetyChecker safety) {
        return LlmHerbRanker.builder().setModel(llm.model()).setTokenizer(llm.tokenizer())
                .setVocabulary(HerbVocabulary.fromCases(train())).optChatTemplate(template())
                .optPromptTemplate(promptTemplate()).optConstrained(true).optSafety(safety).optName(name)
                .optGenerationConfig(GenerationConfig.builder().optMaxNewTokens(settings.maxNewTokens())
                        .optEosTokenIds(llm.tokenizer().eosTokenIds()).build())
                .build();
    }

    // ---- bart ---------------------------------------------------------------------------------------------------

    /** The BART herb ranker, into {@code bart/model}. */
    List<String> bart() throws IOException {
        Path dir = run.stage("bart");
        boolean small = data.split(Dataset.TRAIN).size() < 5_000;
        BartHerbTrainingConfig.Builder builder = (small
                ? BartHerbTrainingConfig.builder().optSize(64, 1, 4, 128).optEpochs(25).optBatchSize(16)
                        .optOptimizer(1e-3, 0.05, 0.01).optDropout(0.0)
                : BartHerbTrainingConfig.defaults().toBuilder()).optSeed(settings.seed());
        if (settings.bart() != null) {
            // A pretrained model keeps its own position table; short herb sequences fit a short one.
            int positions = BartConfig.read(settings.bart().resolve("config.json")).maxPositionEmbeddings();
            builder.optInitCheckpoint(settings.bart()).optMaxPositions(Math.min(positions,
                    BartHerbTrainingConfig.defaults().maxPositions()));
        }
        BartHerbTrainingConfig config = builder.build();
        List<ClinicalCase> valid = data.hasSplit(Dataset.VALID) ? data.split(Dataset.VALID) : List.of();
        BartHerbTrainer.Trained trained = BartHerbTrainer.train(train(), valid, config, dir.resolve("checkpoints"),
                progress, List.of(new JsonlMetricsListener(dir.resolve("metrics.jsonl"))));
        try (BartHerbRanker ranker = trained.ranker()) {
            ranker.save(dir.resolve("model"), trained.provenance());
        }
        log.printf("  BART: %d steps, best step %d (valid P@5 %.4f)%n", trained.result().steps(),
                trained.result().bestStep(), trained.result().bestMetric());
        return List.of("bart/model", "bart/metrics.jsonl");
    }

    BartHerbRanker openBart() throws IOException {
        return BartHerbRanker.load(run.stage("bart").resolve("model"), HerbScoring.FIRST_STEP, Device.cpu());
    }

    /** Whether the DPO stage trained an adapter. */
    boolean hasDpoAdapter() {
        return Files.isRegularFile(run.stage("dpo").resolve(LoraDpoTrainer.ADAPTER_DIR).resolve("adapter_config.json"));
    }
}
