package org.tcmrx.dpo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;
import org.tcmrx.lora.LoraAdapter;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTokenizer;
import org.tcmrx.nn.JsonlMetricsListener;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingConfig;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.TrainingLoop;
import org.tcmrx.nn.TrainingResult;

/**
 * DPO of a {@link Qwen2Model}'s LoRA adapter, as TRL's {@code DPOTrainer} with a PEFT model: only the adapter trains,
 * the base weights stay frozen (they may be float16), and the reference log-probabilities are computed once before
 * the first step, from the same model with the adapter switched off ({@link ReferenceMode#ADAPTER_DISABLED}) or as it
 * stands ({@link ReferenceMode#INITIAL_POLICY}), and cached on disk ({@code reference_logps.jsonl}): no second model
 * is held in memory. Training runs through the shared {@link TrainingLoop} (accumulation, clipping, warmup and decay,
 * AdamW, checkpoints, early stopping on {@code eval_loss}).
 *
 * <p>A model without an adapter gets a new one ({@link DpoConfig#lora()}); a model with one (an SFT adapter loaded for
 * further training) trains that one. The usual recipe merges the SFT adapter into the base
 * ({@link LoraAdapter#mergeAndUnload()}) and trains a new adapter against the adapter-disabled reference, which is
 * then the SFT model: at the first step policy and reference are the same model, every reward is 0 and the sigmoid
 * loss is {@code ln 2}.
 *
 * <p>The output folder receives {@value #METRICS_FILE} (every step line carries {@code rewards/chosen},
 * {@code rewards/rejected}, {@code rewards/accuracies}, {@code rewards/margins}, {@code logps/chosen} and
 * {@code logps/rejected}, as TRL logs them; evaluations the same with an {@code eval_} prefix), the chart
 * {@value #CHART_FILE}, the loop's {@code checkpoint-<step>} and {@code best} folders (each also a PEFT adapter
 * folder), and the final adapter in {@value #ADAPTER_DIR}.
 */
public final class LoraDpoTrainer implements DpoTrainer {
    /** The JSON Lines log in the output folder. */
    public static final String METRICS_FILE = "metrics.jsonl";
    /** The chart of the loss and the rewards in the output folder. */
    public static final String CHART_FILE = "rewards.png";
    /** The folder of the trained adapter in the output folder. */
    public static final String ADAPTER_DIR = "adapter";
    /** The provenance file in the adapter folder. */
    public static final String PROVENANCE_FILE = "dpo_provenance.json";

    private static final Logger LOG = LoggerFactory.getLogger(LoraDpoTrainer.class);

    private final Qwen2Model model;
    private final QwenTokenizer tokenizer;
    private final DpoConfig config;
    private final Progress progress;

    /**
     * Creates a trainer without a progress display.
     *
     * @param model the policy, trained in place
     * @param tokenizer its tokenizer
     * @param config how to train
     * @throws IllegalArgumentException when an argument is null or the tokenizer has more ids than the model's
     *     vocabulary
     */
    public LoraDpoTrainer(Qwen2Model model, QwenTokenizer tokenizer, DpoConfig config) {
        this(model, tokenizer, config, Progress.NONE);
    }

    private LoraDpoTrainer(Qwen2Model model, QwenTokenizer tokenizer, DpoConfig config, Progress progress) {
        this.model = Checks.notNull(model, "model");
        this.tokenizer = Checks.notNull(tokenizer, "tokenizer");
        this.config = Checks.notNull(config, "config");
        this.progress = Checks.notNull(progress, "progress");
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids but the model's "
                    + "vocab_size is " + model.config().vocabSize());
        }
    }

    /**
     * Returns a trainer that reports the reference pass and each optimizer step to a progress display.
     *
     * @param value the display
     * @return a new trainer for the same model and configuration
     * @throws IllegalArgumentException when {@code value} is null
     */
    public LoraDpoTrainer withProgress(Progress value) {
        return new LoraDpoTrainer(model, tokenizer, config, value);
    }

    /**
     * Returns how this trainer trains.
     *
     * @return the configuration
     */
    public DpoConfig config() {
        return config;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when the model's adapter is disabled or merged
     */
    @Override
    public DpoResult train(List<PreferencePair> train, List<PreferencePair> valid) throws IOException {
        return train(train, valid, List.of());
    }

    /**
     * Trains on the pairs, reporting to more listeners.
     *
     * @param train the training pairs, at least one
     * @param valid held-out pairs; may be empty
     * @param listeners more listeners, told after the log
     * @return the run
     * @throws IOException when a file cannot be written
     * @throws IllegalArgumentException as {@link #train(List, List)}
     * @throws IllegalStateException when the model's adapter is disabled or merged
     */
    public DpoResult train(List<PreferencePair> train, List<PreferencePair> valid, List<TrainingListener> listeners)
            throws IOException {
        return run(train, valid, listeners, null);
    }

    /**
     * Continues a run from one of its checkpoints, e.g. {@code TrainingLoop.lastCheckpointOrNull(outputDir)} after
     * the process was killed: the same model as when that run started (its base weights, and its adapter when it had
     * one), pairs and configuration (the seed above all) give, on CPU, the steps the uninterrupted run takes. The
     * reference log-probabilities come from the run's cache ({@code reference_logps.jsonl}, reused since the
     * reference model is the same), then the checkpoint's adapter weights, AdamW state and position replace the
     * starting ones; the log keeps one line per step and {@link DpoResult#firstStep()} is the run's first step.
     *
     * @param train the training pairs of the original run
     * @param valid the held-out pairs of the original run
     * @param checkpoint a {@code checkpoint-<step>} or {@code best} folder of the original run
     * @param listeners more listeners, told after the log
     * @return the run; its steps and history count those before the checkpoint
     * @throws IOException when the checkpoint cannot be read or a file cannot be written
     * @throws org.tcmrx.core.MalformedDataException when the checkpoint does not fit the adapter
     * @throws IllegalArgumentException as {@link #train(List, List)}, or when {@code checkpoint} is null or was
     *     trained with another seed
     * @throws IllegalStateException when the model's adapter is disabled or merged
     */
    public DpoResult resume(List<PreferencePair> train, List<PreferencePair> valid, Path checkpoint,
            List<TrainingListener> listeners) throws IOException {
        Checks.notNull(checkpoint, "checkpoint");
        return run(train, valid, listeners, checkpoint);
    }

    private DpoResult run(List<PreferencePair> train, List<PreferencePair> valid, List<TrainingListener> listeners,
            Path checkpoint) throws IOException {
        if (train == null || valid == null || listeners == null) {
            throw new IllegalArgumentException("train, valid and listeners must not be null");
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("train must hold at least one pair");
        }
        PairEncoder encoder = new PairEncoder(config.chatTemplate(), tokenizer, config.maxPromptLength(),
                config.maxLength());
        PairEncoder.Encoding trainSet = encoder.encode(train);
        PairEncoder.Encoding validSet = encoder.encode(valid);
        LoraAdapter existing = model.adapterOrNull();
        if (existing != null && (!existing.isEnabled() || existing.isMerged())) {
            throw new IllegalStateException("the model's adapter is " + (existing.isMerged() ? "merged" : "disabled")
                    + "; DPO trains an enabled, unmerged adapter (or a new one on a model without any)");
        }
        Path out = config.outputDir() != null ? config.outputDir() : Files.createTempDirectory("tcmrx-dpo-");
        Files.createDirectories(out);
        LoraAdapter adapter = existing != null ? existing : model.applyLora(config.lora(), config.seed());
        ParameterStore store = new ParameterStore();
        try {
            long padId = tokenizer.tokenId(QwenTokenizer.ENDOFTEXT);
            List<PairEncoder.EncodedPair> all = new ArrayList<>(trainSet.pairs());
            all.addAll(validSet.pairs());
            ReferenceLogProbs reference = ReferenceLogProbs.compute(model, adapter, config.referenceMode(), all,
                    config.batchSize(), padId, out.resolve(ReferenceLogProbs.FILE), progress);
            store.borrow(model.parameters(), false);
            store.borrow(adapter.parameters(), true);
            DpoTask task = new DpoTask(model, config, trainSet.pairs(), validSet.pairs(), reference, padId, store);
            StepRecorder steps = new StepRecorder(out.resolve(METRICS_FILE));
            TrainingLoop<List<PairEncoder.EncodedPair>> loop = new TrainingLoop<>(loopConfig(
                    trainSet.pairs().size(), !validSet.pairs().isEmpty(), out, adapter, steps, listeners));
            TrainingResult result = checkpoint == null ? loop.train(task) : loop.resume(task, checkpoint);
            Path best = out.resolve("best").resolve("model.safetensors");
            if (!validSet.pairs().isEmpty() && Files.exists(best)) {
                store.load(best, false);
                LOG.info("restored the best adapter (step {}, eval_loss {})", result.bestStep(), result.bestMetric());
            }
            store.giveBack();
            Path adapterDir = out.resolve(ADAPTER_DIR);
            adapter.save(adapterDir);
            DpoChart.fromMetrics(out.resolve(METRICS_FILE)).write(out.resolve(CHART_FILE));
            Provenance provenance = provenance(trainSet, validSet, reference, result, checkpoint);
            AtomicFiles.writeString(adapterDir.resolve(PROVENANCE_FILE),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(provenance) + "\n");
            return new DpoResult(result, trainSet.pairs().size(), validSet.pairs().size(),
                    trainSet.truncated() + validSet.truncated(), reference.computed(), reference.reused(),
                    steps.first, steps.last, out, adapterDir, provenance);
        } catch (IOException | RuntimeException e) {
            store.giveBack();
            if (existing == null) {
                adapter.close();
            }
            throw e;
        } finally {
            store.giveBack();
            store.close();
        }
    }

    private TrainingConfig loopConfig(int trainPairs, boolean validation, Path out, LoraAdapter adapter,
            StepRecorder steps, List<TrainingListener> listeners) {
        TrainingConfig.Builder loop = config.arguments()
                .loopConfigBuilder(trainPairs, out, validation ? DpoTask.EVAL_LOSS : null)
                .optProgress(progress)
                .addListener(new JsonlMetricsListener(out.resolve(METRICS_FILE)))
                .addListener(steps)
                .addListener(new TrainingListener() {
                    @Override
                    public void onCheckpointWriting(int step, Path folder) throws IOException {
                        adapter.save(folder); // every checkpoint is also a PEFT adapter folder, written with it
                    }
                });
        listeners.forEach(loop::addListener);
        return loop.build();
    }

    private Provenance provenance(PairEncoder.Encoding trainSet, PairEncoder.Encoding validSet,
            ReferenceLogProbs reference, TrainingResult result, Path checkpoint) {
        Provenance.Builder p = Provenance.builder("LoraDpoTrainer").optSeed(config.seed());
        config.summary().forEach(p::addParameter);
        p.addParameter("model_type", model.config().modelType())
                .addParameter("vocab_size", model.config().vocabSize())
                .addParameter("hidden_size", model.config().hiddenSize())
                .addParameter("num_hidden_layers", model.config().numHiddenLayers())
                .addParameter("tokenizer", tokenizer.file())
                .addParameter("train_pairs", trainSet.pairs().size())
                .addParameter("valid_pairs", validSet.pairs().size())
                .addParameter("truncated_pairs", trainSet.truncated() + validSet.truncated())
                .addParameter("reference_computed", reference.computed())
                .addParameter("reference_reused", reference.reused())
                .addParameter("steps", result.steps())
                .addParameter("epochs_run", result.epochs())
                .addParameter("final_loss", result.finalTrainLoss())
                .addParameter("best_step", result.bestStep())
                .addParameter("best_eval_loss", result.bestMetric())
                .addParameter("resumed_from", checkpoint == null ? "-" : checkpoint.toString());
        return p.build();
    }

    /**
     * Keeps the first and the last step's metrics, with the loss; a resumed run takes those of the steps before its
     * checkpoint from the log, which the log listener has already cut there.
     */
    private static final class StepRecorder implements TrainingListener {
        private final Path log;
        private Map<String, Double> first = Map.of();
        private Map<String, Double> last = Map.of();

        StepRecorder(Path log) {
            this.log = log;
        }

        @Override
        public void onStep(StepMetrics m) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", m.loss());
            values.putAll(m.metrics());
            record(values);
        }

        @Override
        public void onResume(int step, Path checkpoint) throws IOException {
            if (!Files.isRegularFile(log)) {
                return;
            }
            for (JsonNode line : Jsonl.readAppended(log, JsonNode.class)) {
                if ("step".equals(line.path("event").asText())) {
                    Map<String, Double> values = new LinkedHashMap<>();
                    values.put("loss", number(line.path("loss")));
                    DpoTask.METRICS.forEach(name -> values.put(name, number(line.path(name))));
                    record(values);
                }
            }
        }

        /** A logged number; NaN is logged as the string {@code "NaN"}. */
        private static double number(JsonNode value) {
            return value.isNumber() ? value.asDouble() : Double.NaN;
        }

        private void record(Map<String, Double> values) {
            if (first.isEmpty()) {
                first = values;
            }
            last = values;
        }
    }
}
