package org.tcmrx.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDResource;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.nn.internal.Checkpoints;
import org.tcmrx.nn.internal.Seeds;
import org.tcmrx.nn.internal.TrainerState;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The one training loop of TCM-Rx, for BART, LoRA SFT and DPO alike: epochs of batches, gradient accumulation,
 * global-norm clipping, a learning-rate schedule, AdamW, periodic evaluation with early stopping, atomic checkpoints
 * and resume. The model lives entirely in the {@link TrainingTask}; the loop reports through {@link
 * TrainingListener}s and {@link org.tcmrx.core.Progress}.
 *
 * <p>One optimizer step: for each of its micro-batches, inside a fresh sub-manager of the parameters' manager (to
 * which every parameter is temporarily attached) and a gradient collector, {@code loss = task.loss(batch, scope)} and
 * a backward pass on {@code loss / micro-batches}; then the global gradient norm (the non-finite guard), clipping,
 * {@code AdamW.step(schedule.at(step))} and {@link ParameterStore#zeroGradients()}. Nothing a step allocates from
 * the parameters or its scope survives it.
 *
 * <p>Determinism: epoch {@code e}'s batches come from {@code task.batches(e, new Random(f(seed, e)))} and the
 * engine's random generator is reseeded from {@code (seed, step)} before every step, so a run resumed from a
 * checkpoint repeats, on CPU, exactly the steps the uninterrupted run takes.
 *
 * <p>Crashes: a checkpoint folder appears whole or not at all (see {@link #lastCheckpointOrNull}), so a process
 * killed at any moment, even by {@code kill -9}, can be resumed from the newest complete one with
 * {@link #resume}; the hidden temporary folders it left are cleaned up when the next run starts.
 *
 * @param <B> the task's batch type
 */
public final class TrainingLoop<B> {
    private static final long DATA_ORDER = 1;
    private static final long ENGINE = 2;

    private final TrainingConfig config;

    /**
     * Creates a loop.
     *
     * @param config how to train
     * @throws IllegalArgumentException when {@code config} is null
     */
    public TrainingLoop(TrainingConfig config) {
        this.config = Checks.notNull(config, "config");
    }

    /**
     * Returns how this loop trains.
     *
     * @return the config
     */
    public TrainingConfig config() {
        return config;
    }

    /**
     * Trains from the task's current parameters and a fresh optimizer.
     *
     * @param task the model, data and metrics
     * @return how the run ended
     * @throws IOException when a checkpoint or a listener fails
     * @throws NonFiniteException when a loss or gradient is not finite and the policy is {@link NonFinitePolicy#FAIL}
     * @throws IllegalArgumentException when the task has no trainable parameter
     */
    public TrainingResult train(TrainingTask<B> task) throws IOException {
        Checks.notNull(task, "task");
        if (config.checkpointDir() != null) {
            Checkpoints.recover(config.checkpointDir());
        }
        return run(task, new RunState(), null);
    }

    /**
     * Finds the checkpoint to resume a run from: the {@code checkpoint-<step>} folder of the highest step that is
     * complete. Checkpoints are written into a hidden temporary folder and renamed into place, so a process killed
     * while writing one leaves only that hidden folder, which is never taken; a step folder missing one of its files
     * or holding an unreadable or mismatched {@code trainer_state.json} is passed over with a warning.
     *
     * @param checkpointDir the run's checkpoint directory ({@link TrainingConfig#checkpointDir()})
     * @return the folder, or null when there is none
     * @throws IOException when the directory cannot be listed
     * @throws IllegalArgumentException when {@code checkpointDir} is null
     */
    public static Path lastCheckpointOrNull(Path checkpointDir) throws IOException {
        return Checkpoints.latest(Checks.notNull(checkpointDir, "checkpointDir"));
    }

    /**
     * Continues a run from a checkpoint folder: loads its trainable parameters into the task's store, its optimizer
     * state and its position (epoch, batch, step, early-stopping counters, history), tells the listeners
     * ({@link TrainingListener#onResume}), then trains on under this loop's config, which should be the checkpointed
     * run's (the seed must be). A checkpoint taken when early stopping ended the run resumes as ended.
     *
     * @param task the model, data and metrics, built as for the original run
     * @param checkpoint a {@code checkpoint-<step>} or {@code best} folder
     * @return how the run ended; its steps and history count those before the checkpoint
     * @throws IOException when the checkpoint cannot be read, or a new checkpoint or a listener fails
     * @throws MalformedDataException when the checkpoint does not fit the task's parameters
     * @throws IllegalArgumentException when the checkpoint's seed differs from this loop's
     */
    public TrainingResult resume(TrainingTask<B> task, Path checkpoint) throws IOException {
        Checks.notNull(task, "task");
        Checks.notNull(checkpoint, "checkpoint");
        if (config.checkpointDir() != null) {
            Checkpoints.recover(config.checkpointDir());
        }
        TrainerState state = Checkpoints.readState(checkpoint);
        if (state.seed() != config.seed()) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " was trained with seed " + state.seed()
                    + " but this loop's seed is " + config.seed() + "; the data order would differ");
        }
        ParameterStore store = task.parameters();
        Path model = checkpoint.resolve(Checkpoints.MODEL);
        checkHoldsTrainable(model, store);
        store.load(model, false);
        RunState run = RunState.of(state);
        // The counter reaches the patience only at the evaluation that stops the run.
        EarlyStopping rule = config.earlyStopping();
        run.stoppedEarly = rule != null && rule.patience() > 0 && run.evaluationsWithoutImprovement >= rule.patience();
        for (TrainingListener l : config.listeners()) {
            l.onResume(state.globalStep(), checkpoint);
        }
        return run(task, run, checkpoint.resolve(Checkpoints.OPTIMIZER));
    }

    /** The checkpoint must hold every trainable parameter and nothing the store lacks. */
    private static void checkHoldsTrainable(Path model, ParameterStore store) throws IOException {
        Set<String> names;
        try (SafetensorsFile st = SafetensorsFile.open(model)) {
            names = new HashSet<>(st.names());
        }
        List<String> missing = new ArrayList<>();
        for (String name : store.trainableNames()) {
            if (!names.contains(name)) {
                missing.add(name);
            }
        }
        List<String> unexpected = names.stream().filter(n -> !store.contains(n)).sorted().toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new MalformedDataException(model.toString(), 0, null, "missing trainable keys " + missing
                    + "; unexpected keys " + unexpected);
        }
    }

    private TrainingResult run(TrainingTask<B> task, RunState run, Path optimizerFile) throws IOException {
        long start = System.nanoTime();
        ParameterStore store = task.parameters();
        if (store.trainableNames().isEmpty()) {
            throw new IllegalArgumentException("the task has no trainable parameters");
        }
        store.zeroGradients();
        try (AdamW optimizer = new AdamW(config.adamW(), store)) {
            if (optimizerFile != null) {
                optimizer.load(optimizerFile);
            }
            Stepper<B> stepper = new Stepper<>(config, task, store, optimizer);
            try {
                epochs(task, store, optimizer, stepper, run);
            } finally {
                if (run.progressStarted) {
                    config.progress().finish();
                }
            }
            if (config.checkpointDir() != null && run.lastCheckpointStep != run.globalStep) {
                stepCheckpoint(store, optimizer, run);
            }
        }
        TrainingResult result = new TrainingResult(run.globalStep, run.epoch, run.lastLoss,
                run.bestMetric == null ? Double.NaN : run.bestMetric, run.bestStep, run.stoppedEarly, run.history,
                Duration.ofNanos(System.nanoTime() - start));
        for (TrainingListener l : config.listeners()) {
            l.onEnd(result);
        }
        return result;
    }

    /**
     * The optimizer steps left if every epoch has as many batches as the current one (an upper bound when early
     * stopping ends the run sooner), capped by {@code maxSteps}.
     */
    private long expectedSteps(int batchesPerEpoch, RunState run) {
        long perEpoch = ceilDiv(batchesPerEpoch, config.gradientAccumulationSteps());
        long left = perEpoch * (config.epochs() - run.epoch) - ceilDiv(run.batchIndex,
                config.gradientAccumulationSteps());
        return config.maxSteps() > 0 ? Math.min(left, config.maxSteps() - run.globalStep) : left;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private void epochs(TrainingTask<B> task, ParameterStore store, AdamW optimizer, Stepper<B> stepper,
            RunState run) throws IOException {
        while (run.epoch < config.epochs() && !limitReached(run) && !run.stoppedEarly) {
            Random rng = new Random(Seeds.derive(config.seed(), DATA_ORDER, run.epoch));
            List<B> batches = List.copyOf(task.batches(run.epoch, rng));
            if (batches.isEmpty()) {
                throw new IllegalStateException("the task returned no batches for epoch " + run.epoch);
            }
            if (run.batchIndex > batches.size()) {
                throw new IllegalStateException("the checkpoint is at batch " + run.batchIndex + " of epoch "
                        + run.epoch + " but the task now gives " + batches.size() + " batches");
            }
            if (!run.progressStarted) {
                config.progress().start("training", expectedSteps(batches.size(), run));
                run.progressStarted = true;
            }
            while (run.batchIndex < batches.size()) {
                if (limitReached(run)) {
                    return;
                }
                int window = Math.min(config.gradientAccumulationSteps(), batches.size() - run.batchIndex);
                Engine engine = store.manager().getEngine();
                engine.setRandomSeed((int) Seeds.derive(config.seed(), ENGINE, run.globalStep));
                StepMetrics m = stepper.step(run.globalStep, run.epoch,
                        batches.subList(run.batchIndex, run.batchIndex + window));
                run.batchIndex += window;
                run.globalStep++;
                run.lastLoss = m.loss();
                for (TrainingListener l : config.listeners()) {
                    l.onStep(m);
                }
                config.progress().advance(1);
                if (config.evalEverySteps() > 0 && run.globalStep % config.evalEverySteps() == 0) {
                    evaluate(task, store, optimizer, run);
                }
                if (config.checkpointDir() != null && config.checkpointEverySteps() > 0
                        && run.globalStep % config.checkpointEverySteps() == 0) {
                    stepCheckpoint(store, optimizer, run);
                }
                if (run.stoppedEarly) {
                    return;
                }
            }
            // Resumed from the best checkpoint of this very evaluation, the run has it in its history already.
            if (config.evalEverySteps() == 0 && !evaluatedAt(run, run.globalStep)) {
                evaluate(task, store, optimizer, run);
            }
            run.epoch++;
            run.batchIndex = 0;
            if (config.checkpointDir() != null && config.checkpointEverySteps() == 0) {
                stepCheckpoint(store, optimizer, run);
            }
            if (run.stoppedEarly) {
                return;
            }
        }
    }

    private static boolean evaluatedAt(RunState run, int step) {
        return !run.history.isEmpty() && run.history.get(run.history.size() - 1).step() == step;
    }

    private boolean limitReached(RunState run) {
        return config.maxSteps() > 0 && run.globalStep >= config.maxSteps();
    }

    private void evaluate(TrainingTask<B> task, ParameterStore store, AdamW optimizer, RunState run)
            throws IOException {
        Map<String, Double> metrics;
        // No gradient collector is open, so nothing is recorded; the scope frees what evaluate() computes.
        try (NDManager scope = store.manager().newSubManager()) {
            scope.tempAttachAll(store.arrays().toArray(new NDResource[0]));
            metrics = task.evaluate(scope);
        }
        Evaluation evaluation = new Evaluation(run.globalStep, run.epoch, metrics);
        run.history.add(evaluation);
        for (TrainingListener l : config.listeners()) {
            l.onEvaluation(evaluation);
        }
        EarlyStopping rule = config.earlyStopping();
        if (rule == null) {
            return;
        }
        Double value = evaluation.metrics().get(rule.metric());
        if (value == null) {
            throw new IllegalStateException("evaluate() returned no metric '" + rule.metric() + "'; it returned "
                    + evaluation.metrics().keySet());
        }
        if (rule.improves(value, run.bestMetric)) {
            run.bestMetric = value;
            run.bestStep = run.globalStep;
            run.evaluationsWithoutImprovement = 0;
            if (config.checkpointDir() != null) {
                checkpoint(config.checkpointDir().resolve(Checkpoints.BEST), store, optimizer, run);
            }
        } else {
            run.evaluationsWithoutImprovement++;
            if (rule.patience() > 0 && run.evaluationsWithoutImprovement >= rule.patience()) {
                run.stoppedEarly = true;
            }
        }
    }

    private void stepCheckpoint(ParameterStore store, AdamW optimizer, RunState run) throws IOException {
        Path dir = config.checkpointDir();
        checkpoint(dir.resolve(Checkpoints.PREFIX + run.globalStep), store, optimizer, run);
        run.lastCheckpointStep = run.globalStep;
        Checkpoints.prune(dir, config.keepCheckpoints());
    }

    private void checkpoint(Path folder, ParameterStore store, AdamW optimizer, RunState run) throws IOException {
        Provenance.Builder provenance = Provenance.builder("TrainingLoop").optSeed(config.seed());
        config.summary().forEach(provenance::addParameter);
        provenance.addParameter("global_step", run.globalStep);
        int step = run.globalStep;
        Checkpoints.write(folder, store, optimizer, run.toState(config), provenance.build(), tmp -> {
            for (TrainingListener l : config.listeners()) {
                l.onCheckpointWriting(step, tmp);
            }
        });
        for (TrainingListener l : config.listeners()) {
            l.onCheckpoint(run.globalStep, folder);
        }
    }

    /** Runs one optimizer step: the micro-batches' forward and backward passes, the guard, clipping and update. */
    private static final class Stepper<B> {
        private final TrainingConfig config;
        private final TrainingTask<B> task;
        private final ParameterStore store;
        private final AdamW optimizer;

        Stepper(TrainingConfig config, TrainingTask<B> task, ParameterStore store, AdamW optimizer) {
            this.config = config;
            this.task = task;
            this.store = store;
            this.optimizer = optimizer;
        }

        StepMetrics step(int done, int epoch, List<B> window) {
            long start = System.nanoTime();
            int step = done + 1;
            boolean fail = config.onNonFinite() == NonFinitePolicy.FAIL;
            NDResource[] parameters = store.arrays().toArray(new NDResource[0]);
            Engine engine = store.manager().getEngine();
            double lossSum = 0;
            long examples = 0;
            long tokens = 0;
            boolean skipped = false;
            try {
                for (B batch : window) {
                    examples += task.examples(batch);
                    tokens += task.tokens(batch);
                    if (skipped) {
                        continue;
                    }
                    // Operations land in their first operand's manager: with the parameters temporarily in the
                    // scope, every activation and the backward pass's seed gradient die with it.
                    try (NDManager scope = store.manager().newSubManager()) {
                        scope.tempAttachAll(parameters);
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            NDArray loss = task.loss(batch, scope);
                            double value = scalar(loss);
                            if (!Double.isFinite(value)) {
                                if (fail) {
                                    throw new NonFiniteException(step, "loss", value);
                                }
                                skipped = true;
                                continue;
                            }
                            lossSum += value;
                            collector.backward(NativeArrays.div(loss, window.size()));
                        }
                    }
                }
                double gradNorm = Double.NaN;
                if (!skipped) {
                    List<NDArray> trainable = store.trainable();
                    float[] norms = Gradients.norms(trainable);
                    gradNorm = Gradients.total(norms);
                    int bad = Gradients.firstNonFinite(norms);
                    if (bad >= 0) {
                        if (fail) {
                            throw new NonFiniteException(step, store.trainableNames().get(bad), norms[bad]);
                        }
                        skipped = true;
                    } else if (config.maxGradNorm() > 0) {
                        Gradients.clip(trainable, gradNorm, config.maxGradNorm());
                    }
                }
                double lr = config.schedule().at(done);
                if (!skipped) {
                    optimizer.step(lr);
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                return new StepMetrics(step, epoch, skipped ? Double.NaN : lossSum / window.size(), lr, gradNorm,
                        millis, examples, tokens, skipped, task.stepMetrics());
            } finally {
                store.zeroGradients();
            }
        }

        private static double scalar(NDArray loss) {
            if (loss.size() != 1) {
                throw new IllegalStateException("loss() must return a scalar, got shape " + loss.getShape());
            }
            if (loss.getDataType() == DataType.FLOAT32) {
                return loss.toFloatArray()[0];
            }
            if (loss.getDataType() == DataType.FLOAT64) {
                return loss.toDoubleArray()[0];
            }
            throw new IllegalStateException("loss() must return float32 or float64, got " + loss.getDataType());
        }
    }
}
