package org.tcmrx.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDResource;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tcmrx.lora.CausalLmLoss;
import org.tcmrx.lora.LoraAdapter;
import org.tcmrx.lora.LoraConfig;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.nn.AdamW;
import org.tcmrx.nn.AdamWConfig;
import org.tcmrx.nn.Gradients;
import org.tcmrx.nn.LearningRateSchedule;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingConfig;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.TrainingLoop;
import org.tcmrx.nn.TrainingTask;
import org.tcmrx.nn.internal.NativeArrays;
import org.tcmrx.nn.internal.TorchProfiler;

/**
 * LoRA SFT steps on random token ids: the adapter trainable, the base weights frozen, every position learnt
 * ({@link CausalLmLoss} with the ids as labels, no padding).
 *
 * <p>{@link #time} runs the shared {@link TrainingLoop} as {@code SftTrainer} does (forward in training mode, loss,
 * backward, global-norm clipping at 1.0, AdamW at a constant learning rate) and times each optimizer step from one
 * step's end to the next; nothing else (no evaluation, no checkpoint) happens between them. {@link #profile} runs
 * the same work by hand, one phase at a time, each phase waiting for its device before the clock stops.
 */
final class LoraStepBench implements AutoCloseable {
    /** The phases of a step, in order. */
    static final List<String> PHASES = List.of("forward", "loss", "backward", "optimizer");

    private static final double LEARNING_RATE = 1e-4;
    private static final double MAX_GRAD_NORM = 1.0;

    private final Qwen2Model model;
    private final LoraAdapter adapter;
    private final ParameterStore store;
    private final int batch;
    private final int seq;
    private final long seed;

    /**
     * Adds an adapter to the model and puts it, alone, in a parameter store.
     *
     * @param model the model, without an adapter
     * @param lora the adapter's configuration
     * @param batch rows per step
     * @param seq tokens per row
     * @param seed the adapter's and the data's seed
     */
    LoraStepBench(Qwen2Model model, LoraConfig lora, int batch, int seq, long seed) {
        this.model = model;
        this.batch = batch;
        this.seq = seq;
        this.seed = seed;
        this.adapter = model.applyLora(lora, seed);
        this.store = new ParameterStore(model.parameters().values().iterator().next().getManager());
        adapter.parameters().forEach((name, array) -> store.add(name, array, true));
    }

    /** The adapter's trainable weights. */
    long trainableParameters() {
        return store.trainableCount();
    }

    /** Tokens per step. */
    long tokensPerStep() {
        return (long) batch * seq;
    }

    /**
     * The loop's throughput.
     *
     * @param steps the timed steps
     * @param warmup the steps before them, not timed
     * @param meanStepMillis the mean wall time of a timed step
     * @param tokensPerSecond {@code batch · seq / mean step time}
     */
    record Timing(int steps, int warmup, double meanStepMillis, double tokensPerSecond) {}

    /**
     * Times {@code steps} optimizer steps of the training loop after {@code warmup} untimed ones.
     *
     * @param steps the timed steps, at least 1
     * @param warmup the untimed steps first, at least 0
     * @return the throughput
     * @throws IOException as {@link TrainingLoop#train}; no checkpoint or log is written here, so not expected
     */
    Timing time(int steps, int warmup) throws IOException {
        int total = steps + warmup;
        long[] ends = new long[total + 1];
        TrainingListener clock = new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                ends[m.step()] = System.nanoTime();
            }
        };
        TrainingConfig config = TrainingConfig.builder()
                .setEpochs(1)
                .setSchedule(LearningRateSchedule.constant(LEARNING_RATE))
                .setSeed(seed)
                .optMaxSteps(total)
                .optMaxGradNorm(MAX_GRAD_NORM)
                .addListener(clock)
                .build();
        ends[0] = System.nanoTime();
        new TrainingLoop<long[]>(config).train(new RandomTokens(total));
        double millis = (ends[total] - ends[warmup]) / 1e6 / steps;
        return new Timing(steps, warmup, millis, tokensPerStep() * 1000.0 / millis);
    }

    /**
     * Runs steps by hand, phase by phase: {@code plainSteps} plain ones, then one under PyTorch's profiler.
     *
     * @param plainSteps how many plain steps, at least 1
     * @return their phase times and the profiled step's
     * @throws IOException when the profiler's trace cannot be written or read
     */
    StepProfile profile(int plainSteps) throws IOException {
        try (AdamW optimizer = new AdamW(AdamWConfig.builder().build(), store)) {
            Random data = new Random(seed);
            double[] plain = new double[PHASES.size()];
            for (int s = 0; s < plainSteps; s++) {
                double[] one = new Step(optimizer, null).run(randomIds(data));
                for (int p = 0; p < plain.length; p++) {
                    plain[p] += one[p] / plainSteps;
                }
            }
            List<List<TorchProfiler.Event>> events = new ArrayList<>();
            double[] profiled = new Step(optimizer, events).run(randomIds(data));
            return new StepProfile(plain, profiled, events);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Hand-run steps' phase times, in {@link #PHASES} order.
     *
     * @param plainMillis each phase's mean wall time over the plain steps
     * @param profiledMillis each phase's wall time in the profiled step (the profiler's overhead included, not its
     *     start, stop and trace file)
     * @param events each phase's operator calls in the profiled step
     */
    record StepProfile(double[] plainMillis, double[] profiledMillis, List<List<TorchProfiler.Event>> events) {}

    private long[] randomIds(Random random) {
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(model.config().vocabSize());
        }
        return ids;
    }

    /** The loop's task: a new batch of random ids for every step. */
    private final class RandomTokens implements TrainingTask<long[]> {
        private final int steps;

        RandomTokens(int steps) {
            this.steps = steps;
        }

        @Override
        public List<long[]> batches(int epoch, Random rng) {
            List<long[]> batches = new ArrayList<>(steps);
            for (int s = 0; s < steps; s++) {
                batches.add(randomIds(rng));
            }
            return batches;
        }

        @Override
        public NDArray loss(long[] ids, NDManager scope) {
            NDArray input = NativeArrays.longs(scope, ids, new Shape(batch, seq)); // [B, T]
            return CausalLmLoss.loss(model.forward(input, null, true), input); // [B, T, V] -> scalar
        }

        @Override
        public ParameterStore parameters() {
            return store;
        }

        @Override
        public long examples(long[] ids) {
            return batch;
        }

        @Override
        public long tokens(long[] ids) {
            return ids.length;
        }
    }

    /** One hand-run step, phase by phase; with an event list, each phase runs under the profiler. */
    private final class Step {
        private final AdamW optimizer;
        private final List<List<TorchProfiler.Event>> eventsOrNull;
        private final double[] millis = new double[PHASES.size()];

        Step(AdamW optimizer, List<List<TorchProfiler.Event>> eventsOrNull) {
            this.optimizer = optimizer;
            this.eventsOrNull = eventsOrNull;
        }

        double[] run(long[] ids) {
            NDResource[] parameters = store.trainable().toArray(new NDResource[0]);
            Engine engine = store.manager().getEngine();
            NDArray[] out = new NDArray[2]; // logits, loss
            // As the loop's step: activations land in the scope through the inputs and the parameters attached to it.
            try (NDManager scope = store.manager().newSubManager()) {
                scope.tempAttachAll(parameters);
                NDArray input = NativeArrays.longs(scope, ids, new Shape(batch, seq)); // [B, T]
                try (GradientCollector collector = engine.newGradientCollector()) {
                    phase(0, () -> out[0] = MatmulPeak.finished(model.forward(input, null, true))); // [B, T, V]
                    phase(1, () -> out[1] = MatmulPeak.finished(CausalLmLoss.loss(out[0], input)));
                    phase(2, () -> {
                        collector.backward(out[1]);
                        MatmulPeak.finished(out[1]);
                    });
                }
            }
            phase(3, () -> {
                List<NDArray> trainable = store.trainable();
                Gradients.clipByGlobalNorm(trainable, MAX_GRAD_NORM);
                optimizer.step(LEARNING_RATE);
                MatmulPeak.finished(trainable.get(0));
                store.zeroGradients();
            });
            return millis;
        }

        private void phase(int index, Runnable work) {
            Runnable timed = () -> {
                long t0 = System.nanoTime();
                work.run();
                millis[index] = (System.nanoTime() - t0) / 1e6;
            };
            if (eventsOrNull == null) {
                timed.run();
                return;
            }
            try {
                eventsOrNull.add(TorchProfiler.profile(timed));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Frees the adapter's arrays and removes it from the model. */
    @Override
    public void close() {
        store.close();
        adapter.close();
    }
}
