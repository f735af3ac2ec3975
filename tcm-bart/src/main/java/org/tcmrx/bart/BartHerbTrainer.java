package org.tcmrx.bart;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.nn.AdamWConfig;
import org.tcmrx.nn.EarlyStopping;
import org.tcmrx.nn.LearningRateSchedule;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.TrainingConfig;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.TrainingLoop;
import org.tcmrx.nn.TrainingResult;

/**
 * Trains a symptom → herb BART from scratch on a training split, selecting the model on a validation split by P@5
 * (early stopping), and returns it as a {@link BartHerbRanker}.
 */
public final class BartHerbTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(BartHerbTrainer.class);

    private BartHerbTrainer() {}

    /**
     * A trained ranker and how its training went.
     *
     * @param ranker the ranker; close it
     * @param result the training run
     * @param provenance what produced the model
     */
    public record Trained(BartHerbRanker ranker, TrainingResult result, Provenance provenance) {
        /**
         * Validates the record.
         *
         * @param ranker the ranker; close it
         * @param result the training run
         * @param provenance what produced the model
         */
        public Trained {
            Checks.notNull(ranker, "ranker");
            Checks.notNull(result, "result");
            Checks.notNull(provenance, "provenance");
        }
    }

    /**
     * Trains a ranker.
     *
     * @param train the training cases
     * @param valid the validation cases for early stopping (may be empty: then the last epoch is kept)
     * @param config the settings
     * @param workDir where checkpoints go (the best is restored at the end), or null for a temporary folder
     * @param progress progress of the steps
     * @param listeners more listeners, e.g. a {@code JsonlMetricsListener}
     * @return the trained ranker
     * @throws IOException when a checkpoint cannot be written or read
     */
    public static Trained train(List<ClinicalCase> train, List<ClinicalCase> valid, BartHerbTrainingConfig config,
            Path workDir, Progress progress, List<TrainingListener> listeners) throws IOException {
        return train(train, valid, null, List.of(), config, workDir, progress, listeners);
    }

    /**
     * Trains a ranker on a data set's {@value Dataset#TRAIN} split, selecting the model on its
     * {@value Dataset#VALID} split when it has one; the provenance names the data set and its files.
     *
     * @param data the data set
     * @param config the settings
     * @param workDir where checkpoints go (the best is restored at the end), or null for a temporary folder
     * @param progress progress of the steps
     * @param listeners more listeners, e.g. a {@code JsonlMetricsListener}
     * @return the trained ranker
     * @throws IOException when a checkpoint cannot be written or read
     * @throws IllegalArgumentException when the data set has no {@value Dataset#TRAIN} split
     */
    public static Trained train(Dataset data, BartHerbTrainingConfig config, Path workDir, Progress progress,
            List<TrainingListener> listeners) throws IOException {
        Checks.notNull(data, "data");
        List<ClinicalCase> valid = data.hasSplit(Dataset.VALID) ? data.split(Dataset.VALID) : List.of();
        return train(data.split(Dataset.TRAIN), valid, data.name(), data.sources(), config, workDir, progress,
                listeners);
    }

    private static Trained train(List<ClinicalCase> train, List<ClinicalCase> valid, String dataName,
            List<DataSource> sources, BartHerbTrainingConfig config, Path workDir, Progress progress,
            List<TrainingListener> listeners) throws IOException {
        Checks.notNull(config, "config");
        Checks.notNull(valid, "valid");
        HerbTokenizer tokenizer = HerbTokenizer.fit(train, config.herbOrder(), config.tongueAndPulse());
        BartConfig bart = config.modelConfig(tokenizer.size());
        BartModel model = BartModel.init(bart, config.seed(), Device.cpu());
        ParameterStore store = new ParameterStore();
        try {
            // final_logits_bias is a buffer in Hugging Face's model, not a parameter: it stays at its value (zero).
            model.parameters().forEach((name, array) -> store.add(name, array,
                    !name.equals(BartModel.FINAL_LOGITS_BIAS)));
            BartHerbTask task = new BartHerbTask(model, tokenizer, train, valid, config.batchSize(),
                    (float) config.labelSmoothing(), (float) config.setLossWeight(), config.scoring(), store);
            int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
            int total = stepsPerEpoch * config.epochs();
            Path dir = workDir != null ? workDir : Files.createTempDirectory("tcmrx-bart-");
            TrainingConfig.Builder loop = TrainingConfig.builder()
                    .setEpochs(config.epochs())
                    .setSchedule(LearningRateSchedule.linearWithWarmup(config.learningRate(),
                            (int) Math.round(total * config.warmupRatio()), total))
                    .setSeed(config.seed())
                    .optMaxGradNorm(config.maxGradNorm())
                    .optAdamW(AdamWConfig.builder().optWeightDecay(config.weightDecay()).build())
                    .optCheckpointDir(dir)
                    .optKeepCheckpoints(1)
                    .optProgress(progress);
            if (!valid.isEmpty()) {
                loop.optEarlyStopping(new EarlyStopping("P@5", EarlyStopping.Mode.MAX, config.patience(), 0.0));
            }
            listeners.forEach(loop::addListener);
            TrainingResult result = new TrainingLoop<HerbBatch>(loop.build()).train(task);
            Path best = dir.resolve("best").resolve("model.safetensors");
            if (Files.exists(best)) {
                store.load(best, false);
                LOG.info("restored the best model (step {}, P@5 {})", result.bestStep(), result.bestMetric());
            }
            store.setTrainable(name -> false);
            Provenance provenance = Provenance.builder("BartHerbTrainer")
                    .optSeed(config.seed())
                    .addParameter("config", config)
                    .addParameter("data", dataName == null ? "(cases given directly)" : dataName)
                    .addParameter("train_cases", train.size())
                    .addParameter("valid_cases", valid.size())
                    .addParameter("steps", result.steps())
                    .addParameter("best_step", result.bestStep())
                    .addParameter("best_valid_P@5", result.bestMetric())
                    .addData(sources)
                    .build();
            return new Trained(BartHerbRanker.owning(model, tokenizer, config.scoring(), store), result, provenance);
        } catch (IOException | RuntimeException e) {
            store.close();
            model.close();
            throw e;
        }
    }

    /**
     * Summarizes a model's size for reports.
     *
     * @param ranker a ranker
     * @return the number of parameters by kind
     */
    public static Map<String, Long> parameterCounts(BartHerbRanker ranker) {
        long total = ranker.model().parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
        return Map.of("parameters", total);
    }
}
