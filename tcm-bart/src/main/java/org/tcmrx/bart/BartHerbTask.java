package org.tcmrx.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Ranking;
import org.tcmrx.eval.Metrics;
import org.tcmrx.eval.PrecisionConvention;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.TrainingTask;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Trains a BART to write a prescription's herbs from the findings: cross-entropy of the labels
 * ({@code herbs... </s>}) under teacher forcing, plus the weighted {@link HerbSetLoss} when its weight is above 0,
 * and validation P@5, R@20 and loss on held-out cases ranked the way
 * the finished {@link BartHerbRanker} ranks them.
 */
final class BartHerbTask implements TrainingTask<HerbBatch> {
    private final BartModel model;
    private final HerbTokenizer tokenizer;
    private final List<ClinicalCase> train;
    private final List<int[]> trainInputs;
    private final List<ClinicalCase> valid;
    private final int batchSize;
    private final float labelSmoothing;
    private final float setLossWeight;
    private final HerbScoring scoring;
    private final ParameterStore store;

    BartHerbTask(BartModel model, HerbTokenizer tokenizer, List<ClinicalCase> train, List<ClinicalCase> valid,
            int batchSize, float labelSmoothing, float setLossWeight, HerbScoring scoring, ParameterStore store) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.train = List.copyOf(train);
        this.trainInputs = train.stream().map(c -> tokenizer.encodeQuery(c.query())).toList();
        this.valid = List.copyOf(valid);
        this.batchSize = batchSize;
        this.labelSmoothing = labelSmoothing;
        this.setLossWeight = setLossWeight;
        this.scoring = scoring;
        this.store = store;
    }

    @Override
    public List<HerbBatch> batches(int epoch, Random rng) {
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<HerbBatch> batches = new ArrayList<>((n + batchSize - 1) / batchSize);
        for (int from = 0; from < n; from += batchSize) {
            List<int[]> inputs = new ArrayList<>(batchSize);
            List<int[]> labels = new ArrayList<>(batchSize);
            for (int i = from; i < Math.min(n, from + batchSize); i++) {
                inputs.add(trainInputs.get(order[i]));
                labels.add(tokenizer.encodeHerbs(train.get(order[i]).herbs(), rng));
            }
            batches.add(new HerbBatch(inputs, labels));
        }
        return batches;
    }

    @Override
    public NDArray loss(HerbBatch batch, NDManager scope) {
        int b = batch.size();
        int[] len = new int[1];
        long[] ids = HerbBatch.pad(batch.inputs(), HerbTokenizer.PAD, len);
        NDArray inputIds = NativeArrays.longs(scope, ids, new Shape(b, len[0])); // [B, S]
        NDArray mask = inputIds.neq(HerbTokenizer.PAD).toType(DataType.INT64, false); // [B, S]
        long[] labelData = HerbBatch.pad(batch.labels(), Seq2SeqLoss.IGNORE_INDEX, len);
        NDArray labels = NativeArrays.longs(scope, labelData, new Shape(b, len[0])); // [B, T]
        NDArray decoderInput = BartModel.shiftTokensRight(labels, HerbTokenizer.PAD,
                model.config().decoderStartTokenId()); // [B, T]
        NDArray logits = model.forward(inputIds, mask, decoderInput, true); // [B, T, V]
        NDArray loss = Seq2SeqLoss.loss(logits, labels, labelSmoothing);
        if (setLossWeight == 0) {
            return loss;
        }
        NDArray first = logits.get(":, 0, :"); // [B, V]
        NDArray set = HerbSetLoss.loss(first, HerbSetLoss.target(scope, batch.labels(), tokenizer));
        return loss.add(NativeArrays.mul(set, setLossWeight));
    }

    @Override
    public Map<String, Double> evaluate(NDManager scope) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (valid.isEmpty()) {
            return metrics;
        }
        BartHerbRanker view = BartHerbRanker.view(model, tokenizer, scoring);
        double p5 = 0;
        double r20 = 0;
        try {
            for (ClinicalCase c : valid) {
                Ranking r = view.rank(c.query(), 20);
                List<Herb> herbs = r.herbs();
                var truth = c.prescription().herbSet();
                p5 += Metrics.precision(herbs, truth, 5, PrecisionConvention.DIVIDE_BY_K);
                r20 += Metrics.recall(herbs, truth, 20);
            }
        } finally {
            view.close();
        }
        metrics.put("P@5", p5 / valid.size());
        metrics.put("R@20", r20 / valid.size());
        return metrics;
    }

    @Override
    public ParameterStore parameters() {
        return store;
    }

    @Override
    public long examples(HerbBatch batch) {
        return batch.size();
    }
}
