package org.tcmrx.bart;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.core.safetensors.SafetensorsCheckpoint;
import org.tcmrx.nn.AdamWConfig;
import org.tcmrx.nn.EarlyStopping;
import org.tcmrx.nn.LearningRateSchedule;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.TrainingConfig;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.TrainingLoop;
import org.tcmrx.nn.TrainingResult;

/**
 * Trains a symptom → herb BART on a training split, from scratch or from a pretrained Hugging Face BART
 * ({@link BartHerbTrainingConfig#initCheckpoint()}), selecting the model on a validation split by P@5 (early
 * stopping), and returns it as a {@link BartHerbRanker}.
 *
 * <p>From a checkpoint, the model keeps the checkpoint's architecture and every weight that does not depend on the
 * vocabulary, and gets the herb tokenizer's vocabulary (see {@link BartModel#loadWithNewVocabulary}); the provenance
 * records the folder and the SHA-256 of its weights files.
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
     * @throws IOException when a checkpoint cannot be written or read, or the initial checkpoint cannot be read
     * @throws MalformedDataException when the initial checkpoint is not a BART, has fewer
     *     {@code max_position_embeddings} than {@link BartHerbTrainingConfig#maxPositions()}, or is malformed; the
     *     message names the file and the key
     */
    public static Trained train(List<ClinicalCase> train, List<ClinicalCase> valid, BartHerbTrainingConfig config,
            Path workDir, Progress progress, List<TrainingListener> listeners) throws IOException {
        return train(train, valid, null, List.of(), config, workDir, progress, listeners, null);
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
     * @throws IOException when a checkpoint cannot be written or read, or the initial checkpoint cannot be read
     * @throws MalformedDataException when the initial checkpoint is not a BART, has fewer
     *     {@code max_position_embeddings} than {@link BartHerbTrainingConfig#maxPositions()}, or is malformed; the
     *     message names the file and the key
     * @throws IllegalArgumentException when the data set has no {@value Dataset#TRAIN} split
     */
    public static Trained train(Dataset data, BartHerbTrainingConfig config, Path workDir, Progress progress,
            List<TrainingListener> listeners) throws IOException {
        Checks.notNull(data, "data");
        List<ClinicalCase> valid = data.hasSplit(Dataset.VALID) ? data.split(Dataset.VALID) : List.of();
        return train(data.split(Dataset.TRAIN), valid, data.name(), data.sources(), config, workDir, progress,
                listeners, null);
    }

    /**
     * Continues a training run from one of its checkpoints, e.g. {@code TrainingLoop.lastCheckpointOrNull(workDir)}
     * after the process was killed: with the cases and settings of that run (the seed above all), the model is built
     * as that run built it, then takes the checkpoint's weights, AdamW state, position in the data, early-stopping
     * counters and best P@5, and trains on in the checkpoint's folder (where that run's {@code best} is). On CPU the
     * result is the uninterrupted run's.
     *
     * @param train the training cases of the original run
     * @param valid the validation cases of the original run
     * @param config the settings of the original run
     * @param checkpoint a {@code checkpoint-<step>} folder of the original run
     * @param progress progress of the steps
     * @param listeners more listeners, e.g. a {@code JsonlMetricsListener} on the original run's log
     * @return the trained ranker; its result counts the steps before the checkpoint
     * @throws IOException when the checkpoint cannot be read or a new one cannot be written
     * @throws MalformedDataException when the checkpoint does not fit the model
     * @throws IllegalArgumentException when {@code checkpoint} is null or was trained with another seed
     */
    public static Trained resume(List<ClinicalCase> train, List<ClinicalCase> valid, BartHerbTrainingConfig config,
            Path checkpoint, Progress progress, List<TrainingListener> listeners) throws IOException {
        Checks.notNull(checkpoint, "checkpoint");
        return train(train, valid, null, List.of(), config, checkpoint.toAbsolutePath().getParent(), progress,
                listeners, checkpoint);
    }

    /**
     * Continues a training run on a data set from one of its checkpoints, as
     * {@link #resume(List, List, BartHerbTrainingConfig, Path, Progress, List)}.
     *
     * @param data the data set of the original run
     * @param config the settings of the original run
     * @param checkpoint a {@code checkpoint-<step>} folder of the original run
     * @param progress progress of the steps
     * @param listeners more listeners
     * @return the trained ranker
     * @throws IOException when the checkpoint cannot be read or a new one cannot be written
     * @throws MalformedDataException when the checkpoint does not fit the model
     * @throws IllegalArgumentException when the data set has no {@value Dataset#TRAIN} split, or {@code checkpoint}
     *     is null or was trained with another seed
     */
    public static Trained resume(Dataset data, BartHerbTrainingConfig config, Path checkpoint, Progress progress,
            List<TrainingListener> listeners) throws IOException {
        Checks.notNull(data, "data");
        Checks.notNull(checkpoint, "checkpoint");
        List<ClinicalCase> valid = data.hasSplit(Dataset.VALID) ? data.split(Dataset.VALID) : List.of();
        return train(data.split(Dataset.TRAIN), valid, data.name(), data.sources(), config,
                checkpoint.toAbsolutePath().getParent(), progress, listeners, checkpoint);
    }

    private static Trained train(List<ClinicalCase> train, List<ClinicalCase> valid, String dataName,
            List<DataSource> sources, BartHerbTrainingConfig config, Path workDir, Progress progress,
            List<TrainingListener> listeners, Path checkpoint) throws IOException {
        Checks.notNull(config, "config");
        Checks.notNull(valid, "valid");
        HerbTokenizer tokenizer = HerbTokenizer.fit(train, config.herbOrder(), config.tongueAndPulse());
        BartModel model = initModel(config, tokenizer);
        ParameterStore store = new ParameterStore();
        try {
            Path init = config.initCheckpoint();
            // Hashed after loading, so that a folder that is not a BART checkpoint is reported by its config.json.
            String initSha256 = init == null ? "-" : weightsSha256(init);
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
                    .optCheckpointEverySteps(config.checkpointEverySteps())
                    .optKeepCheckpoints(1)
                    .optProgress(progress);
            if (!valid.isEmpty()) {
                loop.optEarlyStopping(new EarlyStopping("P@5", EarlyStopping.Mode.MAX, config.patience(), 0.0));
            }
            listeners.forEach(loop::addListener);
            TrainingLoop<HerbBatch> trainer = new TrainingLoop<>(loop.build());
            TrainingResult result = checkpoint == null ? trainer.train(task) : trainer.resume(task, checkpoint);
            Path best = dir.resolve("best").resolve("model.safetensors");
            if (Files.exists(best)) {
                store.load(best, false);
                LOG.info("restored the best model (step {}, P@5 {})", result.bestStep(), result.bestMetric());
            }
            store.setTrainable(name -> false);
            BartConfig bart = model.config();
            Provenance provenance = Provenance.builder("BartHerbTrainer")
                    .optSeed(config.seed())
                    .addParameter("config", config)
                    .addParameter("init_checkpoint", init == null ? "-" : init.toString())
                    .addParameter("init_checkpoint_sha256", initSha256)
                    .addParameter("vocab_size", bart.vocabSize())
                    .addParameter("d_model", bart.dModel())
                    .addParameter("encoder_layers", bart.encoderLayers())
                    .addParameter("decoder_layers", bart.decoderLayers())
                    .addParameter("data", dataName == null ? "(cases given directly)" : dataName)
                    .addParameter("train_cases", train.size())
                    .addParameter("valid_cases", valid.size())
                    .addParameter("steps", result.steps())
                    .addParameter("best_step", result.bestStep())
                    .addParameter("best_valid_P@5", result.bestMetric())
                    .addParameter("resumed_from", checkpoint == null ? "-" : checkpoint.toString())
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
     * Creates the model to train: random weights, or the initial checkpoint's with the tokenizer's vocabulary.
     *
     * @param config the settings
     * @param tokenizer the vocabulary
     * @return the model; close it
     * @throws IOException when the checkpoint cannot be read
     * @throws MalformedDataException when the checkpoint is not a BART, has too few positions or is malformed
     */
    static BartModel initModel(BartHerbTrainingConfig config, HerbTokenizer tokenizer) throws IOException {
        Path dir = config.initCheckpoint();
        if (dir == null) {
            return BartModel.init(config.modelConfig(tokenizer.size()), config.seed(), Device.cpu());
        }
        Path file = dir.resolve(BartModel.CONFIG_FILE);
        BartConfig pretrained = BartConfig.read(file);
        if (pretrained.maxPositionEmbeddings() < config.maxPositions()) {
            throw new MalformedDataException(file.toString(), 0, "max_position_embeddings",
                    pretrained.maxPositionEmbeddings() + " is less than the " + config.maxPositions()
                            + " positions the herb sequences need (maxPositions)");
        }
        BartConfig bart = config.modelConfig(tokenizer.size(), pretrained);
        LOG.info("starting from {}: d_model {}, {} + {} layers, ffn {}, {} positions; vocabulary {} -> {}", dir,
                bart.dModel(), bart.encoderLayers(), bart.decoderLayers(), bart.encoderFfnDim(),
                bart.maxPositionEmbeddings(), pretrained.vocabSize(), bart.vocabSize());
        return BartModel.loadWithNewVocabulary(dir, bart, config.seed(), Device.cpu());
    }

    /**
     * Hashes a checkpoint's weights files: {@code name=sha256} for each, by name, comma-separated. The digest of
     * {@code model.safetensors} is the one the Hugging Face Hub shows for the file.
     */
    private static String weightsSha256(Path dir) throws IOException {
        TreeSet<Path> files = new TreeSet<>();
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
            checkpoint.names().forEach(name -> files.add(checkpoint.fileOf(name)));
        }
        StringBuilder digests = new StringBuilder();
        for (Path f : files) {
            digests.append(digests.length() == 0 ? "" : ", ").append(f.getFileName()).append('=')
                    .append(Sha256.of(f));
        }
        return digests.toString();
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
