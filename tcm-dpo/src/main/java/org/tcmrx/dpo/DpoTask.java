package org.tcmrx.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tcmrx.lora.CausalLmLoss;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.TrainingTask;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * DPO as a {@link TrainingTask}: each batch of {@code P} pairs runs as one forward pass over {@code 2P} sequences,
 * {@code [chosen_0 .. chosen_{P-1}; rejected_0 .. rejected_{P-1}]}, right-padded; the policy's completion
 * log-probabilities meet the cached reference ones in {@link DpoLoss}. The rewards and log-probabilities of every
 * step are reported under TRL's names through {@link #stepMetrics()}, and with an {@code eval_} prefix by
 * {@link #evaluate(NDManager)}.
 */
final class DpoTask implements TrainingTask<List<PairEncoder.EncodedPair>> {
    /** The per-step metrics, in the order TRL logs them. */
    static final List<String> METRICS = List.of("rewards/chosen", "rewards/rejected", "rewards/accuracies",
            "rewards/margins", "logps/chosen", "logps/rejected");
    /** The evaluation's loss, as the Trainer names it. */
    static final String EVAL_LOSS = "eval_loss";

    private final Qwen2Model model;
    private final DpoConfig config;
    private final List<PairEncoder.EncodedPair> train;
    private final List<PairEncoder.EncodedPair> valid;
    private final ReferenceLogProbs reference;
    private final long padId;
    private final ParameterStore store;
    private final Sums window = new Sums();

    DpoTask(Qwen2Model model, DpoConfig config, List<PairEncoder.EncodedPair> train,
            List<PairEncoder.EncodedPair> valid, ReferenceLogProbs reference, long padId, ParameterStore store) {
        this.model = model;
        this.config = config;
        this.train = List.copyOf(train);
        this.valid = List.copyOf(valid);
        this.reference = reference;
        this.padId = padId;
        this.store = store;
    }

    @Override
    public List<List<PairEncoder.EncodedPair>> batches(int epoch, Random rng) {
        List<PairEncoder.EncodedPair> order = new ArrayList<>(train);
        Collections.shuffle(order, rng);
        List<List<PairEncoder.EncodedPair>> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += config.batchSize()) {
            batches.add(List.copyOf(order.subList(from, Math.min(order.size(), from + config.batchSize()))));
        }
        return batches;
    }

    @Override
    public NDArray loss(List<PairEncoder.EncodedPair> batch, NDManager scope) {
        Step step = forward(batch, scope, !config.disableDropout());
        window.add(step);
        return step.out().loss();
    }

    /** Runs the policy on a batch and applies the loss. */
    private Step forward(List<PairEncoder.EncodedPair> batch, NDManager scope, boolean training) {
        Padded p = pad(batch, padId, scope);
        NDArray logits = model.forward(p.ids, p.mask, training); // [2P, T, V]
        NDArray logps = SequenceLogProbs.compute(logits, p.labels).logps(); // [2P]
        int pairs = batch.size();
        double[] refChosen = new double[pairs];
        double[] refRejected = new double[pairs];
        long[] chosenCounts = new long[pairs];
        long[] rejectedCounts = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            double[] r = reference.get(batch.get(i));
            refChosen[i] = r[0];
            refRejected[i] = r[1];
            chosenCounts[i] = batch.get(i).chosenCount();
            rejectedCounts[i] = batch.get(i).rejectedCount();
        }
        Shape shape = new Shape(pairs);
        NDArray chosen = logps.get("0:" + pairs); // [P]
        NDArray rejected = logps.get(pairs + ":"); // [P]
        DpoLoss.Output out = DpoLoss.compute(config.lossType(), config.beta(), config.labelSmoothing(), chosen,
                rejected, floats(scope, refChosen, shape), floats(scope, refRejected, shape),
                NativeArrays.longs(scope, chosenCounts, shape), NativeArrays.longs(scope, rejectedCounts, shape));
        return new Step(out, chosen, rejected);
    }

    /** A batch's loss output and the policy's log-probabilities it came from. */
    private record Step(DpoLoss.Output out, NDArray chosenLogps, NDArray rejectedLogps) {}

    @Override
    public Map<String, Double> stepMetrics() {
        return window.drain("");
    }

    /** The loss and the metrics over every validation pair (means over pairs, not of batch means). */
    @Override
    public Map<String, Double> evaluate(NDManager scope) {
        if (valid.isEmpty()) {
            return Map.of();
        }
        Sums sums = new Sums();
        for (int from = 0; from < valid.size(); from += config.batchSize()) {
            try (NDManager m = scope.newSubManager()) {
                sums.add(forward(valid.subList(from, Math.min(valid.size(), from + config.batchSize())), m, false));
            }
        }
        return sums.drain("eval_");
    }

    @Override
    public ParameterStore parameters() {
        return store;
    }

    @Override
    public long examples(List<PairEncoder.EncodedPair> batch) {
        return batch.size();
    }

    /** The real tokens of both sequences of every pair, padding not counted. */
    @Override
    public long tokens(List<PairEncoder.EncodedPair> batch) {
        return batch.stream().mapToLong(PairEncoder.EncodedPair::tokens).sum();
    }

    private static NDArray floats(NDManager scope, double[] values, Shape shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return NativeArrays.floats(scope, f, shape);
    }

    /**
     * Pads a batch's {@code 2P} sequences, the chosen ones first, to one length.
     *
     * @param batch the pairs
     * @param padId the padding token
     * @param scope where the arrays go
     * @return ids, attention mask and labels, {@code [2P, T]} each
     */
    static Padded pad(List<PairEncoder.EncodedPair> batch, long padId, NDManager scope) {
        int pairs = batch.size();
        int t = batch.stream().mapToInt(PairEncoder.EncodedPair::maxLength).max().orElse(0);
        long[] ids = new long[2 * pairs * t];
        long[] labels = new long[ids.length];
        long[] mask = new long[ids.length];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, CausalLmLoss.IGNORE_INDEX);
        for (int i = 0; i < pairs; i++) {
            PairEncoder.EncodedPair p = batch.get(i);
            put(i * t, p.chosenIds(), p.chosenLabels(), ids, labels, mask);
            put((pairs + i) * t, p.rejectedIds(), p.rejectedLabels(), ids, labels, mask);
        }
        Shape shape = new Shape(2L * pairs, t);
        return new Padded(NativeArrays.longs(scope, ids, shape), NativeArrays.longs(scope, mask, shape),
                NativeArrays.longs(scope, labels, shape));
    }

    private static void put(int offset, long[] rowIds, long[] rowLabels, long[] ids, long[] labels, long[] mask) {
        System.arraycopy(rowIds, 0, ids, offset, rowIds.length);
        System.arraycopy(rowLabels, 0, labels, offset, rowLabels.length);
        Arrays.fill(mask, offset, offset + rowIds.length, 1L);
    }

    /** A batch's input ids, attention mask and labels, {@code [2P, T]} each. */
    record Padded(NDArray ids, NDArray mask, NDArray labels) {}

    /** Sums of the per-pair numbers since the last drain. */
    private static final class Sums {
        private double loss;
        private final double[] values = new double[METRICS.size()];
        private long pairs;

        void add(Step step) {
            DpoLoss.Output out = step.out();
            float[] chosenLogps = NativeArrays.toFloats(step.chosenLogps());
            float[] rejectedLogps = NativeArrays.toFloats(step.rejectedLogps());
            float[] losses = NativeArrays.toFloats(out.losses());
            float[] chosen = NativeArrays.toFloats(out.chosenRewards());
            float[] rejected = NativeArrays.toFloats(out.rejectedRewards());
            for (int i = 0; i < losses.length; i++) {
                loss += losses[i];
                values[0] += chosen[i];
                values[1] += rejected[i];
                values[2] += chosen[i] > rejected[i] ? 1 : 0;
                values[3] += chosen[i] - rejected[i];
                values[4] += chosenLogps[i];
                values[5] += rejectedLogps[i];
            }
            pairs += losses.length;
        }

        Map<String, Double> drain(String prefix) {
            Map<String, Double> m = new LinkedHashMap<>();
            if (pairs > 0) {
                if (!prefix.isEmpty()) {
                    m.put(prefix + "loss", loss / pairs);
                }
                for (int i = 0; i < values.length; i++) {
                    m.put(prefix + METRICS.get(i), values[i] / pairs);
                }
            }
            loss = 0;
            Arrays.fill(values, 0);
            pairs = 0;
            return m;
        }
    }
}
