package org.tcmrx.lora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Provenance;
import org.tcmrx.nn.JsonlMetricsListener;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.TrainingConfig;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.TrainingLoop;
import org.tcmrx.nn.TrainingResult;

/**
 * Supervised fine-tuning of a {@link Qwen2Model} on chat samples, as TRL's {@code SFTTrainer} with
 * {@code assistant_only_loss}: each sample is rendered with the chat template, tokenized, and only its assistant
 * tokens (each turn's content and {@code <|im_end|>}) are learnt; batches group samples of similar length and are
 * right-padded with {@code <|endoftext|>}; training runs through the shared {@link TrainingLoop} (accumulation,
 * clipping, warmup and decay, AdamW, checkpoints, early stopping on {@code eval_loss}).
 *
 * <p>LoRA mode adds an adapter ({@link Qwen2Model#applyLora}) and trains it alone, the base weights frozen (they may
 * be stored as float16, {@link WeightStorage#FLOAT16}); full mode trains every weight, which must then be float32.
 * The model is trained in place: while a call runs the training loop's parameter store holds its arrays, and they
 * are handed back to the model and its adapter before it returns, so the caller keeps closing the model as before.
 *
 * <p>The output folder receives the loop's {@code checkpoint-<step>} and {@code best} folders, the JSON Lines log
 * {@value #METRICS_FILE} ({@code JsonlMetricsListener}'s events; its evaluations carry {@code eval_loss} and
 * {@code train_tokens_per_second}) and the chart {@value #LOSS_CHART}.
 */
public final class SftTrainer {
    /** The JSON Lines log in the output folder. */
    public static final String METRICS_FILE = "metrics.jsonl";
    /** The loss chart in the output folder. */
    public static final String LOSS_CHART = "loss.png";

    private static final Logger LOG = LoggerFactory.getLogger(SftTrainer.class);

    private final SftConfig config;
    private final Progress progress;
    private final List<DataSource> sources;

    /**
     * Creates a trainer without a progress display and without named data sources.
     *
     * @param config how to train
     * @throws IllegalArgumentException when {@code config} is null
     */
    public SftTrainer(SftConfig config) {
        this(config, Progress.NONE, List.of());
    }

    private SftTrainer(SftConfig config, Progress progress, List<DataSource> sources) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.progress = progress;
        this.sources = List.copyOf(sources);
    }

    /**
     * Returns a trainer that reports each optimizer step to a progress display (such as a console bar).
     *
     * @param value the display
     * @return a new trainer with this trainer's configuration and data sources
     * @throws IllegalArgumentException when {@code value} is null
     */
    public SftTrainer withProgress(Progress value) {
        if (value == null) {
            throw new IllegalArgumentException("progress must not be null");
        }
        return new SftTrainer(config, value, sources);
    }

    /**
     * Returns a trainer that names the files its samples came from in the run's provenance (file, SHA-256, count),
     * e.g. {@link SftJsonl#source(Path)}.
     *
     * @param value the sources
     * @return a new trainer with this trainer's configuration and progress display
     * @throws IllegalArgumentException when {@code value} is null or holds null
     */
    public SftTrainer withDataSources(List<DataSource> value) {
        if (value == null || value.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("data sources must not be null or hold null");
        }
        return new SftTrainer(config, progress, value);
    }

    /**
     * Returns the data sources named in the provenance.
     *
     * @return the sources, possibly empty
     */
    public List<DataSource> dataSources() {
        return sources;
    }

    /**
     * Returns how this trainer trains.
     *
     * @return the configuration
     */
    public SftConfig config() {
        return config;
    }

    /**
     * Fine-tunes a model.
     *
     * @param model the model, without an adapter; trained in place
     * @param tokenizer its tokenizer
     * @param train the training samples, at least one
     * @param valid the validation samples for {@code eval_loss}, early stopping and the best model; may be empty
     * @return the run
     * @throws IOException when a checkpoint, the log or the chart cannot be written
     * @throws IllegalArgumentException when an argument is null, no training sample is left after truncation, the
     *     tokenizer has more ids than the model's vocabulary, or full-parameter mode meets a model whose weight
     *     matrices are stored as float16 ({@link WeightStorage#FLOAT16}), which are frozen
     * @throws IllegalStateException when the model already has an adapter
     */
    public SftResult train(Qwen2Model model, QwenTokenizer tokenizer, List<SftSample> train, List<SftSample> valid)
            throws IOException {
        return run(model, tokenizer, train, valid, List.of(), null);
    }

    /**
     * Fine-tunes a model, reporting to more listeners.
     *
     * @param model the model, without an adapter; trained in place
     * @param tokenizer its tokenizer
     * @param train the training samples, at least one
     * @param valid the validation samples; may be empty
     * @param listeners more listeners, told after the log
     * @return the run
     * @throws IOException when a checkpoint, the log or the chart cannot be written
     * @throws IllegalArgumentException as {@link #train(Qwen2Model, QwenTokenizer, List, List)}
     * @throws IllegalStateException when the model already has an adapter
     */
    public SftResult train(Qwen2Model model, QwenTokenizer tokenizer, List<SftSample> train, List<SftSample> valid,
            List<TrainingListener> listeners) throws IOException {
        return run(model, tokenizer, train, valid, listeners, null);
    }

    /**
     * Continues a run from one of its checkpoints, e.g. {@code TrainingLoop.lastCheckpointOrNull(outputDir)} after
     * the process was killed: the same model (its base weights as they were when that run started), samples and
     * configuration (the seed above all) give, on CPU, the steps the uninterrupted run takes. The log
     * ({@value #METRICS_FILE}) loses what the killed run wrote after the checkpoint, so it holds one line per step.
     *
     * @param model the model, without an adapter; trained in place
     * @param tokenizer its tokenizer
     * @param train the training samples of the original run
     * @param valid the validation samples of the original run
     * @param checkpoint a {@code checkpoint-<step>} or {@code best} folder of the original run
     * @param listeners more listeners
     * @return the run; its steps and history count those before the checkpoint
     * @throws IOException when the checkpoint cannot be read or a file cannot be written
     * @throws org.tcmrx.core.MalformedDataException when the checkpoint does not fit the trained parameters
     * @throws IllegalArgumentException as {@link #train(Qwen2Model, QwenTokenizer, List, List)}, or when the
     *     checkpoint's seed differs
     * @throws IllegalStateException when the model already has an adapter
     */
    public SftResult resume(Qwen2Model model, QwenTokenizer tokenizer, List<SftSample> train, List<SftSample> valid,
            Path checkpoint, List<TrainingListener> listeners) throws IOException {
        if (checkpoint == null) {
            throw new IllegalArgumentException("checkpoint must not be null");
        }
        return run(model, tokenizer, train, valid, listeners, checkpoint);
    }

    private SftResult run(Qwen2Model model, QwenTokenizer tokenizer, List<SftSample> train, List<SftSample> valid,
            List<TrainingListener> listeners, Path checkpoint) throws IOException {
        if (model == null || tokenizer == null || train == null || valid == null || listeners == null) {
            throw new IllegalArgumentException("model, tokenizer, train, valid and listeners must not be null");
        }
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids but the model's "
                    + "vocab_size is " + model.config().vocabSize());
        }
        if (model.adapterOrNull() != null) {
            throw new IllegalStateException("the model already has an adapter; SFT adds its own in LoRA mode and "
                    + "trains the bare model in full-parameter mode");
        }
        if (!config.isLora() && model.weightStorage() != WeightStorage.FLOAT32) {
            throw new IllegalArgumentException("full-parameter training needs a model loaded with "
                    + "WeightStorage.FLOAT32; this one stores its weight matrices as " + model.weightStorage()
                    + ", which stay frozen (train a LoRA adapter instead)");
        }
        SftEncoding trainSet = SftEncoding.of(train, config.chatTemplate(), tokenizer, config.maxLength());
        SftEncoding validSet = SftEncoding.of(valid, config.chatTemplate(), tokenizer, config.maxLength());
        if (trainSet.examples().isEmpty()) {
            throw new IllegalArgumentException("no training sample is left: " + train.size() + " given, "
                    + trainSet.skipped() + " skipped because no assistant token fits in maxLength "
                    + config.maxLength());
        }
        Path out = config.outputDir() != null ? config.outputDir() : Files.createTempDirectory("tcmrx-sft-");
        LoraAdapter adapter = config.isLora() ? model.applyLora(config.lora(), config.seed()) : null;
        ParameterStore store = new ParameterStore();
        try {
            store.borrow(model.parameters(), !config.isLora());
            if (adapter != null) {
                store.borrow(adapter.parameters(), true);
            }
            long padId = tokenizer.tokenId(QwenTokenizer.ENDOFTEXT);
            SftTask task = new SftTask(model, trainSet.examples(), validSet.examples(), config.batchSize(), padId,
                    store);
            TrainingLoop<SftTask.Batch> loop = new TrainingLoop<>(loopConfig(trainSet.examples().size(),
                    !validSet.examples().isEmpty(), out, task, listeners));
            TrainingResult result = checkpoint == null ? loop.train(task) : loop.resume(task, checkpoint);
            Path best = out.resolve("best").resolve("model.safetensors");
            if (!validSet.examples().isEmpty() && Files.exists(best)) {
                store.load(best, false);
                LOG.info("restored the best weights (step {}, eval_loss {})", result.bestStep(), result.bestMetric());
            }
            SftLossChart.fromMetrics(out.resolve(METRICS_FILE)).write(out.resolve(LOSS_CHART));
            Provenance provenance = provenance(model, tokenizer, trainSet, validSet, result, checkpoint);
            return new SftResult(model, adapter, result, trainSet.examples().size(), validSet.examples().size(),
                    trainSet.truncated() + validSet.truncated(), trainSet.skipped() + validSet.skipped(),
                    task.tokensPerSecond(), out, provenance);
        } catch (IOException | RuntimeException e) {
            store.giveBack();
            if (adapter != null) {
                adapter.close();
            }
            throw e;
        } finally {
            store.giveBack();
            store.close();
        }
    }

    private TrainingConfig loopConfig(int trainSamples, boolean validation, Path out, SftTask task,
            List<TrainingListener> listeners) {
        TrainingConfig.Builder loop = config.arguments()
                .loopConfigBuilder(trainSamples, out, validation ? SftTask.EVAL_LOSS : null)
                .optProgress(progress)
                .addListener(new JsonlMetricsListener(out.resolve(METRICS_FILE)))
                .addListener(task);
        listeners.forEach(loop::addListener);
        return loop.build();
    }

    private Provenance provenance(Qwen2Model model, QwenTokenizer tokenizer, SftEncoding trainSet,
            SftEncoding validSet, TrainingResult result, Path checkpoint) {
        Provenance.Builder p = Provenance.builder("SftTrainer").optSeed(config.seed());
        config.summary().forEach(p::addParameter);
        p.addParameter("model_type", model.config().modelType())
                .addParameter("vocab_size", model.config().vocabSize())
                .addParameter("hidden_size", model.config().hiddenSize())
                .addParameter("num_hidden_layers", model.config().numHiddenLayers())
                .addParameter("tokenizer", tokenizer.file())
                .addParameter("train_samples", trainSet.examples().size())
                .addParameter("valid_samples", validSet.examples().size())
                .addParameter("truncated_samples", trainSet.truncated() + validSet.truncated())
                .addParameter("skipped_samples", trainSet.skipped() + validSet.skipped())
                .addParameter("steps", result.steps())
                .addParameter("best_step", result.bestStep())
                .addParameter("best_eval_loss", result.bestMetric())
                .addParameter("resumed_from", checkpoint == null ? "-" : checkpoint.toString())
                .addData(sources);
        return p.build();
    }

    /**
     * The tokenized samples of one list and what truncation did to them.
     *
     * @param examples the samples kept, in order
     * @param truncated how many were cut to the maximum length and kept
     * @param skipped how many were left out: no learnt token survived the cut
     */
    record SftEncoding(List<SftTask.Example> examples, int truncated, int skipped) {
        static SftEncoding of(List<SftSample> samples, ChatTemplate template, QwenTokenizer tokenizer,
                int maxLength) {
            List<SftTask.Example> examples = new ArrayList<>(samples.size());
            int truncated = 0;
            int skipped = 0;
            for (int i = 0; i < samples.size(); i++) {
                SftSample s = samples.get(i);
                if (s == null) {
                    throw new IllegalArgumentException("samples[" + i + "] must not be null");
                }
                QwenTokenizer.MaskedIds masked = tokenizer.encode(s.render(template));
                long[] ids = masked.ids();
                long[] labels = masked.labels();
                if (ids.length > maxLength) {
                    // TRL's truncation_mode="keep_start": the end goes, the prompt stays.
                    ids = Arrays.copyOf(ids, maxLength);
                    labels = Arrays.copyOf(labels, maxLength);
                    SftTask.Example cut = new SftTask.Example(ids, labels);
                    if (cut.learntTokens() == 0) {
                        skipped++;
                        continue;
                    }
                    truncated++;
                }
                examples.add(new SftTask.Example(ids, labels));
            }
            return new SftEncoding(examples, truncated, skipped);
        }
    }
}
