package org.tcmrx.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.TrainingTask;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Supervised fine-tuning of a {@link Qwen2Model} as a {@link TrainingTask}: length-grouped, right-padded batches of
 * tokenized samples, {@link CausalLmLoss} on the assistant tokens, and {@code eval_loss} on held-out samples. As a
 * listener it also measures the training throughput between evaluations ({@code train_tokens_per_second}).
 */
final class SftTask implements TrainingTask<SftTask.Batch>, TrainingListener {
    /** Samples are sorted by length within pools of this many batches, as {@code group_by_length}'s mega-batches. */
    static final int POOL_BATCHES = 50;
    /** The evaluation metric, as the Trainer names it. */
    static final String EVAL_LOSS = "eval_loss";
    /** The throughput since the previous evaluation, as the Trainer names its run-wide counterpart. */
    static final String TRAIN_TOKENS_PER_SECOND = "train_tokens_per_second";

    private final Qwen2Model model;
    private final List<Example> train;
    private final List<Batch> valid;
    private final int batchSize;
    private final long padId;
    private final ParameterStore store;
    private long windowTokens;
    private long windowMillis;
    private long totalTokens;
    private long totalMillis;

    SftTask(Qwen2Model model, List<Example> train, List<Example> valid, int batchSize, long padId,
            ParameterStore store) {
        this.model = model;
        this.train = List.copyOf(train);
        this.batchSize = batchSize;
        this.padId = padId;
        this.store = store;
        // Validation order never changes: longest first, so its padding stays small too.
        List<Example> sorted = new ArrayList<>(valid);
        sorted.sort(Comparator.comparingInt(Example::length).reversed());
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < sorted.size(); from += batchSize) {
            batches.add(new Batch(sorted.subList(from, Math.min(sorted.size(), from + batchSize))));
        }
        this.valid = List.copyOf(batches);
    }

    @Override
    public List<Batch> batches(int epoch, Random rng) {
        List<Example> order = new ArrayList<>(train);
        Collections.shuffle(order, rng);
        List<Batch> batches = new ArrayList<>((order.size() + batchSize - 1) / batchSize);
        int pool = batchSize * POOL_BATCHES;
        for (int from = 0; from < order.size(); from += pool) {
            // A stable sort of a shuffled pool: similar lengths share a batch, so little of it is padding.
            List<Example> chunk = new ArrayList<>(order.subList(from, Math.min(order.size(), from + pool)));
            chunk.sort(Comparator.comparingInt(Example::length).reversed());
            for (int b = 0; b < chunk.size(); b += batchSize) {
                batches.add(new Batch(chunk.subList(b, Math.min(chunk.size(), b + batchSize))));
            }
        }
        // Batches of one length band would otherwise follow each other through the epoch.
        Collections.shuffle(batches, rng);
        return batches;
    }

    @Override
    public NDArray loss(Batch batch, NDManager scope) {
        Padded p = pad(batch, scope);
        NDArray logits = model.forward(p.ids, p.mask, true); // [B, T, V]
        return CausalLmLoss.loss(logits, p.labels);
    }

    /** The mean loss over every learnt token of the validation samples (not the mean of batch means). */
    @Override
    public Map<String, Double> evaluate(NDManager scope) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (!valid.isEmpty()) {
            double sum = 0;
            long count = 0;
            for (Batch batch : valid) {
                try (NDManager m = scope.newSubManager()) {
                    Padded p = pad(batch, m);
                    long learnt = batch.learntTokens();
                    sum += (double) CausalLmLoss.lossValue(model.forward(p.ids, p.mask), p.labels) * learnt;
                    count += learnt;
                }
            }
            metrics.put(EVAL_LOSS, sum / count);
        }
        // No step since the last evaluation (an evaluation right after a resume) reports nothing rather than 0 / 0.
        if (windowMillis > 0) {
            metrics.put(TRAIN_TOKENS_PER_SECOND, windowTokens * 1000.0 / windowMillis);
        }
        windowTokens = 0;
        windowMillis = 0;
        return metrics;
    }

    private Padded pad(Batch batch, NDManager scope) {
        int b = batch.examples().size();
        int t = batch.maxLength();
        long[] ids = new long[b * t];
        long[] labels = new long[b * t];
        long[] mask = new long[b * t];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, CausalLmLoss.IGNORE_INDEX);
        for (int row = 0; row < b; row++) {
            Example e = batch.examples().get(row);
            System.arraycopy(e.ids(), 0, ids, row * t, e.length());
            System.arraycopy(e.labels(), 0, labels, row * t, e.length());
            Arrays.fill(mask, row * t, row * t + e.length(), 1L);
        }
        Shape shape = new Shape(b, t);
        return new Padded(NativeArrays.longs(scope, ids, shape), NativeArrays.longs(scope, mask, shape),
                NativeArrays.longs(scope, labels, shape));
    }

    @Override
    public ParameterStore parameters() {
        return store;
    }

    @Override
    public long examples(Batch batch) {
        return batch.examples().size();
    }

    /** The real tokens of the batch, padding not counted. */
    @Override
    public long tokens(Batch batch) {
        long n = 0;
        for (Example e : batch.examples()) {
            n += e.length();
        }
        return n;
    }

    @Override
    public void onStep(StepMetrics m) {
        windowTokens += m.tokens();
        windowMillis += m.millis();
        totalTokens += m.tokens();
        totalMillis += m.millis();
    }

    /**
     * Returns the throughput of every step of this run so far (forward, backward and update; evaluation excluded).
     *
     * @return tokens per second, or NaN before the first step
     */
    double tokensPerSecond() {
        return totalMillis == 0 ? Double.NaN : totalTokens * 1000.0 / totalMillis;
    }

    /** A batch's input ids, attention mask and labels, {@code [B, T]} each. */
    private record Padded(NDArray ids, NDArray mask, NDArray labels) {}

    /**
     * One tokenized sample.
     *
     * @param ids the token ids
     * @param labels the ids where learnt, {@link CausalLmLoss#IGNORE_INDEX} elsewhere
     */
    record Example(long[] ids, long[] labels) {
        int length() {
            return ids.length;
        }

        /** The labels the loss counts: the first one is never predicted. */
        long learntTokens() {
            long n = 0;
            for (int i = 1; i < labels.length; i++) {
                n += labels[i] == CausalLmLoss.IGNORE_INDEX ? 0 : 1;
            }
            return n;
        }
    }

    /**
     * Samples trained together, in order.
     *
     * @param examples the samples
     */
    record Batch(List<Example> examples) {
        Batch {
            examples = List.copyOf(examples);
        }

        int maxLength() {
            int max = 0;
            for (Example e : examples) {
                max = Math.max(max, e.length());
            }
            return max;
        }

        long learntTokens() {
            long n = 0;
            for (Example e : examples) {
                n += e.learntTokens();
            }
            return n;
        }
    }
}
