package org.tcmrx.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.bart.BartHerbRanker;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.Jsonl;
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
import org.tcmrx.lora.LlmHerbRanker;

/**
 * The pipeline's preference stages: pairs (BART against the SFT model on the training records) and dpo (a new
 * adapter on the merged SFT model), reading what {@link PipelineStages} wrote.
 */
final class PipelinePreferences {
    private final PipelineStages stages;
    private final PipelineSettings settings;
    private final RunFolder run;
    private final Progress progress;
    private final PrintWriter log;

    PipelinePreferences(PipelineStages stages, PipelineSettings settings, RunFolder run, Progress progress,
            PrintWriter log) {
        this.stages = stages;
        this.settings = settings;
        this.run = run;
        this.progress = progress;
        this.log = log;
    }

    // ---- pairs --------------------------------------------------------------------------------------------------

    /** Preference pairs from BART against the SFT model on the training records, into {@code pairs/}. */
    List<String> pairs() throws IOException {
        Path dir = run.stage("pairs");
        try (PipelineStages.Llm llm = stages.openLlm(false); BartHerbRanker bart = stages.openBart()) {
            LlmHerbRanker ranker = stages.ranker(llm, "LLM-SFT");
            KnowledgeTeacher teacher = KnowledgeTeacher.builder().build();
            ChosenWriter writer = "forced".equals(settings.chosen())
                    ? ForcedPrescriptionWriter.builder().setModel(llm.model()).setTokenizer(llm.tokenizer())
                            .optChatTemplate(stages.template()).optMaxNewTokens(settings.maxNewTokens())
                            .optFallback(new KnowledgeChosenWriter(teacher)).build()
                    : new KnowledgeChosenWriter(teacher);
            ImplicitPreferenceBuilder builder = ImplicitPreferenceBuilder.builder().optMargin(settings.margin())
                    .optReversePairs(settings.reversePairs()).optChosenWriter(writer).build();
            List<ClinicalCase> train = stages.train();
            int meanSize = (int) Math.round(train.stream().mapToInt(c -> c.herbs().size()).average().orElse(1));
            List<PreferencePair> pairs = new ArrayList<>();
            List<Map<String, Object>> answers = new ArrayList<>();
            PairStatistics statistics = new PairStatistics();
            progress.start("preference pairs", train.size());
            for (ClinicalCase c : train) {
                LlmHerbRanker.Answer answer = ranker.answer(c.query());
                // BART's top herbs, as many as the LLM wrote: the two compete on which herbs, not how many.
                int k = answer.herbs().isEmpty() ? meanSize : answer.herbs().size();
                List<Herb> bartHerbs = bart.rank(c.query(), k).herbs();
                PairDecision d = builder.decide(PreferenceCandidate.of(c, answer, bartHerbs,
                        HerbNormalizer.standard()));
                statistics.add(d);
                if (d.pairOrNull() != null) {
                    pairs.add(d.pairOrNull());
                }
                answers.add(Map.of("id", c.id(), "answer", answer.text(), "outcome", d.outcome().name()));
                progress.advance(1);
            }
            progress.finish();
            PreferencePairJsonl.write(dir.resolve("pairs.jsonl"), pairs);
            Jsonl.write(dir.resolve("answers.jsonl"), answers);
            Map<String, Object> summary = new LinkedHashMap<>(statistics.toMap());
            summary.put("builder", builder.describe());
            AtomicFiles.writeString(dir.resolve("pair_statistics.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
            log.println("  " + statistics);
        }
        return List.of("pairs/pairs.jsonl", "pairs/pair_statistics.json", "pairs/answers.jsonl");
    }

    /** DPO of a new adapter on the merged SFT model, into {@code dpo/}; nothing when there are no pairs. */
    List<String> dpo() throws IOException {
        List<PreferencePair> pairs = PreferencePairJsonl.read(run.stage("pairs").resolve("pairs.jsonl"));
        if (pairs.isEmpty()) {
            log.println("  no preference pair was made: DPO did not run, and LLM-DPO is left out of the evaluation");
            return List.of();
        }
        try (PipelineStages.Llm llm = stages.openLlm(false)) {
            DpoResult result = new LoraDpoTrainer(llm.model(), llm.tokenizer(), DpoConfig.builder()
                    .optLora(PipelineStages.lora())
                    .optChatTemplate(stages.template()).optLossType(DpoLoss.Type.of(settings.loss()))
                    .optBeta(settings.beta()).optLearningRate(settings.dpoLearningRate())
                    .optEpochs(settings.dpoEpochs()).optBatchSize(4).optWarmupRatio(0.1)
                    .optMaxPromptLength(settings.maxLength() / 2).optMaxLength(settings.maxLength())
                    .optSeed(settings.seed()).optOutputDir(run.stage("dpo")).build())
                    .withProgress(progress).train(pairs, List.of());
            log.printf("  DPO: %d pairs, %d steps; first step %s; last step %s%n", result.trainPairs(),
                    result.training().steps(), result.firstStep(), result.lastStep());
        }
        return List.of("dpo/adapter", "dpo/metrics.jsonl", "dpo/rewards.png");
    }
}
