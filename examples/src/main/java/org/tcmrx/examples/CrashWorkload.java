package org.tcmrx.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.tcmrx.bart.BartHerbTrainer;
import org.tcmrx.bart.BartHerbTrainingConfig;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Symptom;
import org.tcmrx.dpo.DpoConfig;
import org.tcmrx.dpo.DpoResult;
import org.tcmrx.dpo.LoraDpoTrainer;
import org.tcmrx.dpo.PreferencePair;
import org.tcmrx.lora.CharacterTokenizer;
import org.tcmrx.lora.ChatMessage;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.LoraConfig;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTokenizer;
import org.tcmrx.lora.SftConfig;
import org.tcmrx.lora.SftResult;
import org.tcmrx.lora.SftSample;
import org.tcmrx.lora.SftTrainer;
import org.tcmrx.nn.JsonlMetricsListener;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The three trainings the crash experiment kills and resumes ({@link CrashResumeBench}): small enough that a run
 * takes seconds on a CPU, each with a checkpoint every step or two, validation data (so the best model is tracked
 * and restored) and a random element besides the data order (LoRA or BART dropout). Each writes its
 * {@value #METRICS} log in its folder. Run as a program ({@code <SFT|BART|DPO> <folder> <millis per step>}) it trains
 * from the start, slowed down ({@link #sleeping}) so that another process can kill it at a chosen point.
 */
enum CrashWorkload {
    /** LoRA SFT of a tiny random Qwen2 on 12 embedded-corpus cases: 3 epochs of 3 steps, a checkpoint every step. */
    SFT {
        @Override
        Outcome train(Path out, Path checkpoint, List<TrainingListener> listeners) throws IOException {
            List<ClinicalCase> cases = EmbeddedCorpus.load().allCases();
            List<SftSample> train = cases.subList(0, 12).stream().map(CrashWorkload::sample).toList();
            List<SftSample> valid = cases.subList(12, 16).stream().map(CrashWorkload::sample).toList();
            SftConfig config = SftConfig.builder().optLora(lora(0.05)).optChatTemplate(TEMPLATE).optEpochs(3)
                    .optBatchSize(4).optLearningRate(2e-2).optWarmupRatio(0.1).optSeed(7).optOutputDir(out)
                    .optSaveSteps(1).optSaveTotalLimit(2).build();
            try (QwenTokenizer tokenizer = tokenizer(out, train, valid);
                    Qwen2Model model = Qwen2Model.init(qwen2(tokenizer), 11, Device.cpu())) {
                SftTrainer trainer = new SftTrainer(config);
                SftResult r = checkpoint == null ? trainer.train(model, tokenizer, train, valid, listeners)
                        : trainer.resume(model, tokenizer, train, valid, checkpoint, listeners);
                return Outcome.of(r.training().steps(), r.training().finalTrainLoss(), r.training().bestStep(),
                        r.adapter().parameters(), r.metricsFile());
            }
        }
    },
    /** BART from scratch on 24 training cases: 3 epochs of 3 steps, dropout 0.1, a checkpoint every step. */
    BART {
        @Override
        Outcome train(Path out, Path checkpoint, List<TrainingListener> listeners) throws IOException {
            Dataset corpus = EmbeddedCorpus.load();
            List<ClinicalCase> train = corpus.split(Dataset.TRAIN).subList(0, 24);
            List<ClinicalCase> valid = corpus.split(Dataset.VALID).subList(0, 8);
            BartHerbTrainingConfig config = BartHerbTrainingConfig.builder().optSize(32, 1, 4, 64).optEpochs(3)
                    .optBatchSize(8).optOptimizer(1e-3, 0.05, 0.01).optDropout(0.1).optCheckpointEverySteps(1)
                    .optSeed(3).build();
            List<TrainingListener> all = new ArrayList<>();
            all.add(new JsonlMetricsListener(out.resolve(METRICS)));
            all.addAll(listeners);
            BartHerbTrainer.Trained t = checkpoint == null
                    ? BartHerbTrainer.train(train, valid, config, out, Progress.NONE, all)
                    : BartHerbTrainer.resume(train, valid, config, checkpoint, Progress.NONE, all);
            try (var ranker = t.ranker()) {
                return Outcome.of(t.result().steps(), t.result().finalTrainLoss(), t.result().bestStep(),
                        ranker.model().parameters(), out.resolve(METRICS));
            }
        }
    },
    /** LoRA DPO of a tiny random Qwen2 on 8 pairs: 2 epochs of 4 steps, a checkpoint every second step. */
    DPO {
        @Override
        Outcome train(Path out, Path checkpoint, List<TrainingListener> listeners) throws IOException {
            List<ClinicalCase> cases = EmbeddedCorpus.load().allCases();
            List<PreferencePair> train = pairs(cases, 0, 8);
            List<PreferencePair> valid = pairs(cases, 8, 12);
            List<SftSample> texts = new ArrayList<>();
            for (PreferencePair p : pairs(cases, 0, 12)) {
                texts.add(SftSample.promptCompletion(p.prompt(), p.chosen()));
                texts.add(SftSample.promptCompletion(p.prompt(), p.rejected()));
            }
            DpoConfig config = DpoConfig.builder().optLora(lora(0)).optChatTemplate(TEMPLATE).optEpochs(2)
                    .optBatchSize(2).optLearningRate(2e-2).optSeed(5).optOutputDir(out).optSaveSteps(2)
                    .optSaveTotalLimit(2).build();
            try (QwenTokenizer tokenizer = tokenizer(out, texts, List.of());
                    Qwen2Model model = Qwen2Model.init(qwen2(tokenizer), 13, Device.cpu())) {
                LoraDpoTrainer trainer = new LoraDpoTrainer(model, tokenizer, config);
                DpoResult r = checkpoint == null ? trainer.train(train, valid, listeners)
                        : trainer.resume(train, valid, checkpoint, listeners);
                return Outcome.of(r.training().steps(), r.training().finalTrainLoss(), r.training().bestStep(),
                        model.adapterOrNull().parameters(), r.metricsFile());
            }
        }
    };

    /** The JSON Lines log every workload writes in its folder. */
    static final String METRICS = "metrics.jsonl";
    private static final ChatTemplate TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();

    /**
     * Trains from the start, or resumes from a checkpoint of an earlier run in the same folder.
     *
     * @param out the run's folder: checkpoints, log and whatever the trainer writes
     * @param checkpoint the checkpoint to resume from, or null to train from the start
     * @param listeners more listeners
     * @return how the run ended
     * @throws IOException when a file cannot be read or written
     */
    abstract Outcome train(Path out, Path checkpoint, List<TrainingListener> listeners) throws IOException;

    /**
     * How a run ended.
     *
     * @param steps the optimizer steps, those before a resume included
     * @param finalLoss the last step's training loss
     * @param bestStep the step of the best validation metric
     * @param weights the trained weights by name (the adapter's for LoRA), after the best were restored
     * @param stepLosses the loss of every step line of the log, in log order: a step logged twice appears twice
     * @param stepNumbers the step of every step line of the log, in the same order
     */
    record Outcome(int steps, double finalLoss, int bestStep, Map<String, float[]> weights, List<Double> stepLosses,
            List<Integer> stepNumbers) {
        static Outcome of(int steps, double finalLoss, int bestStep, Map<String, NDArray> weights, Path log)
                throws IOException {
            Map<String, float[]> copy = new LinkedHashMap<>();
            weights.forEach((name, array) -> copy.put(name, NativeArrays.toFloats(array)));
            List<Double> losses = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            for (JsonNode line : Jsonl.readAppended(log, JsonNode.class)) {
                if ("step".equals(line.path("event").asText())) {
                    losses.add(line.path("loss").asDouble());
                    numbers.add(line.path("step").asInt());
                }
            }
            return new Outcome(steps, finalLoss, bestStep, copy, losses, numbers);
        }
    }

    /**
     * A listener that makes a run slow enough to be killed where chosen: it sleeps a fifth of {@code millis} after
     * every step and four fifths while every checkpoint is being written (its files in the hidden temporary folder,
     * not yet renamed), so that many kills land in a half-written checkpoint.
     */
    static TrainingListener sleeping(long millis) {
        return new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis) / 5);
            }

            @Override
            public void onCheckpointWriting(int step, Path folder) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis) * 4 / 5);
            }
        };
    }

    private static LoraConfig lora(double dropout) {
        return LoraConfig.builder().optR(4).optLoraAlpha(8).optLoraDropout(dropout)
                .optTargetModules(List.of(LoraConfig.ALL_LINEAR)).build();
    }

    /** The first findings, few enough to keep sequences short. */
    private static String prompt(ClinicalCase c) {
        return "症状：" + String.join("、", c.symptoms().stream().limit(5).map(Symptom::name).toList());
    }

    private static String prescription(ClinicalCase c) {
        return "处方：" + String.join("、", c.herbs().stream().limit(6).map(Herb::name).toList());
    }

    private static SftSample sample(ClinicalCase c) {
        return SftSample.promptCompletion(List.of(ChatMessage.user(prompt(c))), prescription(c));
    }

    /** Pairs whose chosen answer is the case's prescription and rejected one another case's. */
    private static List<PreferencePair> pairs(List<ClinicalCase> cases, int from, int to) {
        List<PreferencePair> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ClinicalCase c = cases.get(i);
            out.add(new PreferencePair(c.id(), List.of(ChatMessage.user(prompt(c))), prescription(c),
                    prescription(cases.get(cases.size() - 1 - i)), 1.0, 0.0, PreferencePair.BART, Map.of()));
        }
        return out;
    }

    /** A character tokenizer of every rendered sample, written in the run's folder. */
    private static QwenTokenizer tokenizer(Path out, List<SftSample> train, List<SftSample> valid)
            throws IOException {
        StringBuilder text = new StringBuilder();
        train.forEach(s -> text.append(s.render(TEMPLATE).text()));
        valid.forEach(s -> text.append(s.render(TEMPLATE).text()));
        Files.createDirectories(out);
        return QwenTokenizer.load(CharacterTokenizer.write(out.resolve(QwenTokenizer.TOKENIZER_FILE), text));
    }

    private static Qwen2Config qwen2(QwenTokenizer tokenizer) {
        return Qwen2Config.builder().optVocabSize(tokenizer.vocabSize()).optHiddenSize(32).optIntermediateSize(64)
                .optNumHiddenLayers(2).optNumAttentionHeads(4).optNumKeyValueHeads(2).optTieWordEmbeddings(true)
                .optInitializerRange(0.2).build();
    }

    /**
     * Trains one workload from the start, sleeping after every step: the process the experiment kills.
     *
     * @param args the workload ({@code SFT}, {@code BART} or {@code DPO}), the folder, milliseconds per step
     * @throws IOException when the run fails
     */
    public static void main(String[] args) throws IOException {
        valueOf(args[0]).train(Path.of(args[1]), null, List.of(sleeping(Long.parseLong(args[2]))));
    }
}
