package org.tcmrx.examples;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tcmrx.bart.BartHerbRanker;
import org.tcmrx.bart.BartHerbTrainer;
import org.tcmrx.bart.BartHerbTrainingConfig;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.HerbVocabulary;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Progress;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.distill.KnowledgeTeacher;
import org.tcmrx.dpo.ChosenWriter;
import org.tcmrx.dpo.DpoConfig;
import org.tcmrx.dpo.DpoLoss;
import org.tcmrx.dpo.DpoResult;
import org.tcmrx.dpo.ForcedPrescriptionWriter;
import org.tcmrx.dpo.ImplicitPreferenceBuilder;
import org.tcmrx.dpo.KnowledgeChosenWriter;
import org.tcmrx.dpo.LoraDpoTrainer;
import org.tcmrx.dpo.PairDecision;
import org.tcmrx.dpo.PairStatistics;
import org.tcmrx.dpo.PreferenceCandidate;
import org.tcmrx.dpo.PreferencePair;
import org.tcmrx.dpo.PreferencePairJsonl;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.RankerEvaluator;
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

/**
 * The DPO experiment at small scale: a Qwen2 trained from scratch on knowledge-teacher answers (full-parameter SFT,
 * then LoRA SFT, merged), evaluated as an LLM ranker; a BART herb ranker; implicit preference pairs from the two on
 * the training records; DPO of a new LoRA adapter against the SFT model; and the LLM ranker evaluated again.
 */
final class DpoExperiment {
    /** No system message: the prompts stay short for a model trained from scratch. */
    static final ChatTemplate TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();
    /** The findings and a short request, without the format instructions a pretrained model needs. */
    static final String PROMPT_TEMPLATE = LlmHerbRanker.FINDINGS + "\n请辨证论治。";

    /**
     * The experiment's knobs.
     *
     * @param seed seeds the model, the data order and the adapters
     * @param copies SFT samples per training record, each with its herbs in another order
     * @param sftEpochs full-parameter epochs from scratch
     * @param hiddenSize the Qwen2 width
     * @param layers the Qwen2 layers
     * @param maxLength the longest SFT sample and DPO sequence in tokens (longer ones are cut at the end)
     * @param maxNewTokens the generation limit of an answer
     * @param margin the pair builder's δ
     * @param reversePairs whether the LLM's better answers make reverse pairs
     * @param chosen {@code knowledge} or {@code forced}: who writes the chosen answer around BART's herbs
     * @param loss the DPO loss
     * @param beta the DPO temperature
     * @param dpoLearningRate the DPO learning rate
     * @param dpoEpochs the DPO epochs
     * @param trainLimit at most this many training records (0: all)
     * @param testLimit at most this many test records (0: all)
     */
    record Settings(long seed, int copies, int sftEpochs, int hiddenSize, int layers, int maxLength, int maxNewTokens, double margin,
            boolean reversePairs, String chosen, DpoLoss.Type loss, double beta, double dpoLearningRate,
            int dpoEpochs, int trainLimit, int testLimit) {}

    /** What the experiment measured. */
    record Outcome(List<EvaluationResult> baselines, EvaluationResult bart, EvaluationResult sft,
            EvaluationResult dpo, PairStatistics pairs, DpoResult dpoRun, double sftSeconds, double dpoSeconds) {}

    private final Settings settings;
    private final Path out;
    private final PrintWriter log;
    private final Progress progress;

    DpoExperiment(Settings settings, Path out, PrintWriter log, Progress progress) {
        this.settings = settings;
        this.out = out;
        this.log = log;
        this.progress = progress;
    }

    Outcome run(Dataset data, RankerEvaluator evaluator, List<EvaluationResult> baselines) throws IOException {
        List<ClinicalCase> train = limit(data.split(Dataset.TRAIN), settings.trainLimit());
        CaseSet test = CaseSet.of(data.split(Dataset.TEST).name(), limit(data.split(Dataset.TEST),
                settings.testLimit()));
        HerbVocabulary vocabulary = HerbVocabulary.fromCases(train);
        KnowledgeTeacher teacher = KnowledgeTeacher.builder().build();
        List<SftSample> samples = sftSamples(train, teacher);
        StringBuilder text = new StringBuilder();
        samples.forEach(s -> text.append(s.render(TEMPLATE).text()));
        data.split(Dataset.TEST).forEach(c -> text.append(prompt(c)));
        try (QwenTokenizer tokenizer = QwenTokenizer.load(CharacterTokenizer.write(out.resolve("tokenizer.json"),
                text));
                Qwen2Model model = Qwen2Model.init(modelConfig(tokenizer), settings.seed(), Device.cpu())) {
            long t0 = System.nanoTime();
            sft(model, tokenizer, samples);
            double sftSeconds = (System.nanoTime() - t0) / 1e9;
            LlmHerbRanker sftRanker = ranker(model, tokenizer, vocabulary, "LLM-SFT");
            EvaluationResult sft = evaluator.evaluate(sftRanker, test);
            log.printf("LLM-SFT on %s: %s%n", test.name(), sftRanker.statistics());
            log.flush();

            BartHerbTrainer.Trained bart = BartHerbTrainer.train(train, data.split(Dataset.VALID), bartConfig(),
                    out.resolve("bart"), progress, List.of());
            try (BartHerbRanker bartRanker = bart.ranker()) {
                EvaluationResult bartResult = evaluator.evaluate(bartRanker, test);
                ChosenWriter writer = "forced".equals(settings.chosen())
                        ? ForcedPrescriptionWriter.builder().setModel(model).setTokenizer(tokenizer)
                                .optChatTemplate(TEMPLATE).optMaxNewTokens(settings.maxNewTokens())
                                .optFallback(new KnowledgeChosenWriter(teacher)).build()
                        : new KnowledgeChosenWriter(teacher);
                ImplicitPreferenceBuilder builder = ImplicitPreferenceBuilder.builder().optMargin(settings.margin())
                        .optReversePairs(settings.reversePairs()).optChosenWriter(writer).build();
                int meanSize = (int) Math.round(train.stream().mapToInt(c -> c.herbs().size()).average().orElse(1));
                List<PreferencePair> pairs = new ArrayList<>();
                PairStatistics statistics = new PairStatistics();
                progress.start("preference pairs", train.size());
                for (ClinicalCase c : train) {
                    LlmHerbRanker.Answer answer = sftRanker.answer(c.query());
                    List<Herb> bartHerbs = bartHerbs(bartRanker, c, answer, meanSize);
                    PairDecision d = builder.decide(PreferenceCandidate.of(c, answer, bartHerbs,
                            HerbNormalizer.standard()));
                    statistics.add(d);
                    if (d.pairOrNull() != null) {
                        pairs.add(d.pairOrNull());
                    }
                    progress.advance(1);
                }
                progress.finish();
                PreferencePairJsonl.write(out.resolve("pairs.jsonl"), pairs);
                Map<String, Object> summary = new LinkedHashMap<>(statistics.toMap());
                summary.put("builder", builder.describe());
                AtomicFiles.writeString(out.resolve("pair_statistics.json"),
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
                log.println("Pairs: " + statistics);
                log.flush();
                if (pairs.isEmpty()) {
                    return new Outcome(baselines, bartResult, sft, null, statistics, null, sftSeconds, 0);
                }
                long t1 = System.nanoTime();
                DpoResult run = new LoraDpoTrainer(model, tokenizer, DpoConfig.builder()
                        .optLora(lora()).optChatTemplate(TEMPLATE).optLossType(settings.loss())
                        .optBeta(settings.beta()).optLearningRate(settings.dpoLearningRate())
                        .optEpochs(settings.dpoEpochs()).optBatchSize(4).optWarmupRatio(0.1)
                        .optMaxPromptLength(settings.maxLength() / 2).optMaxLength(settings.maxLength())
                        .optSeed(settings.seed()).optOutputDir(out.resolve("dpo")).build())
                        .withProgress(progress).train(pairs, List.of());
                double dpoSeconds = (System.nanoTime() - t1) / 1e9;
                EvaluationResult dpo = evaluator.evaluate(ranker(model, tokenizer, vocabulary, "LLM-DPO"), test);
                return new Outcome(baselines, bartResult, sft, dpo, statistics, run, sftSeconds, dpoSeconds);
            }
        }
    }

    /**
     * BART's prescription for a record: its top herbs, as many as the LLM's answer holds (the training records' mean
     * prescription size when the answer has none), so that the two prescriptions compete on which herbs, not on how
     * many. A BART this small, greedy to its end token, stops after one or two herbs: the end token outweighs any one
     * herb once the probability is spread over many ({@code BartHerbRanker.prescribe} is that decoding).
     */
    private static List<Herb> bartHerbs(BartHerbRanker bart, ClinicalCase c, LlmHerbRanker.Answer answer,
            int meanSize) {
        int k = answer.herbs().isEmpty() ? meanSize : answer.herbs().size();
        return bart.rank(c.query(), k).herbs();
    }

    /** The user prompt of a record, as the LLM ranker writes it with {@link #PROMPT_TEMPLATE}. */
    static String prompt(ClinicalCase c) {
        return PROMPT_TEMPLATE.replace(LlmHerbRanker.FINDINGS, LlmHerbRanker.findings(c.query()));
    }

    /** Teacher answers for every training record, {@code copies} times with the herbs in another order. */
    private List<SftSample> sftSamples(List<ClinicalCase> train, KnowledgeTeacher teacher) {
        Random rng = new Random(settings.seed());
        List<SftSample> samples = new ArrayList<>();
        for (ClinicalCase c : train) {
            for (int i = 0; i < settings.copies(); i++) {
                List<Herb> herbs = new ArrayList<>(c.herbs());
                Collections.shuffle(herbs, rng);
                ClinicalCase shuffled = new ClinicalCase(c.id(), c.symptoms(), c.text(), c.tongue(), c.pulse(),
                        c.syndromes(), Prescription.of(herbs), c.formula(), c.source());
                samples.add(SftSample.promptCompletion(List.of(ChatMessage.user(prompt(c))),
                        teacher.write(shuffled).render()));
            }
        }
        return samples;
    }

    private Qwen2Config modelConfig(QwenTokenizer tokenizer) {
        int heads = Math.max(2, settings.hiddenSize() / 16);
        return Qwen2Config.builder().optVocabSize(tokenizer.vocabSize()).optHiddenSize(settings.hiddenSize())
                .optIntermediateSize(2 * settings.hiddenSize()).optNumHiddenLayers(settings.layers())
                .optNumAttentionHeads(heads).optNumKeyValueHeads(heads / 2).optTieWordEmbeddings(true)
                .optMaxPositionEmbeddings(4096).optInitializerRange(0.2).build();
    }

    /** Full-parameter SFT from scratch, then one LoRA epoch, merged: the SFT model. */
    private void sft(Qwen2Model model, QwenTokenizer tokenizer, List<SftSample> samples) throws IOException {
        SftResult full = new SftTrainer(SftConfig.builder().optFullParameters().optChatTemplate(TEMPLATE)
                .optEpochs(settings.sftEpochs()).optBatchSize(8).optLearningRate(5e-3).optWarmupRatio(0.05)
                .optMaxLength(settings.maxLength())
                .optSeed(settings.seed()).optOutputDir(out.resolve("sft-full")).build())
                .withProgress(progress).train(model, tokenizer, samples, List.of());
        SftResult lora = new SftTrainer(SftConfig.builder().optLora(lora()).optChatTemplate(TEMPLATE).optEpochs(1)
                .optBatchSize(8).optMaxLength(settings.maxLength()).optLearningRate(1e-3).optSeed(settings.seed() + 1)
                .optOutputDir(out.resolve("sft-lora")).build())
                .withProgress(progress).train(model, tokenizer, samples, List.of());
        log.printf("SFT: full %d steps (last loss %.4f), LoRA %d steps (last loss %.4f), %.0f tokens/s%n",
                full.training().steps(), full.training().finalTrainLoss(), lora.training().steps(),
                lora.training().finalTrainLoss(), lora.tokensPerSecond());
        lora.adapter().save(out.resolve("sft-adapter"));
        lora.adapter().mergeAndUnload();
    }

    private static LoraConfig lora() {
        return LoraConfig.builder().optR(8).optLoraAlpha(16).optTargetModules(List.of(LoraConfig.ALL_LINEAR)).build();
    }

    private LlmHerbRanker ranker(Qwen2Model model, QwenTokenizer tokenizer, HerbVocabulary vocabulary, String name) {
        return LlmHerbRanker.builder().setModel(model).setTokenizer(tokenizer).setVocabulary(vocabulary)
                .optChatTemplate(TEMPLATE).optPromptTemplate(PROMPT_TEMPLATE).optConstrained(true).optName(name)
                .optGenerationConfig(GenerationConfig.builder().optMaxNewTokens(settings.maxNewTokens())
                        .optEosTokenIds(tokenizer.eosTokenIds()).build())
                .build();
    }

    private BartHerbTrainingConfig bartConfig() {
        return BartHerbTrainingConfig.builder().optSize(64, 1, 4, 128).optEpochs(25).optBatchSize(16)
                .optOptimizer(1e-3, 0.05, 0.01).optDropout(0.0).build().withSeed(settings.seed());
    }

    private static List<ClinicalCase> limit(List<ClinicalCase> cases, int limit) {
        return limit > 0 && limit < cases.size() ? List.copyOf(cases.subList(0, limit)) : cases;
    }
}
