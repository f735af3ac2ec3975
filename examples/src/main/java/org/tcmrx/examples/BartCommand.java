package org.tcmrx.examples;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.tcmrx.bart.BartHerbRanker;
import org.tcmrx.bart.BartHerbTrainer;
import org.tcmrx.bart.BartHerbTrainingConfig;
import org.tcmrx.bart.HerbOrder;
import org.tcmrx.bart.HerbScoring;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.eval.BlendedRanker;
import org.tcmrx.eval.BootstrapComparison;
import org.tcmrx.eval.CoOccurrenceRanker;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;
import org.tcmrx.eval.PairedBootstrap;
import org.tcmrx.eval.RankerEvaluator;
import org.tcmrx.eval.SetLookupRanker;
import org.tcmrx.eval.TopPopRanker;
import org.tcmrx.nn.JsonlMetricsListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tcm bart}: the BART benchmark. Trains a symptom → herb BART per seed (model selection on the validation
 * split), evaluates it on the test split beside the baselines, and prints mean ± sd, paired bootstrap p-values against
 * CoOcc, training time, parameter count and top-20 latency. BART blended with CoOcc ({@link BlendedRanker}, the
 * weight chosen on the validation split) is reported beside BART alone. {@code --models} evaluates saved seeds
 * instead of training.
 */
@Command(name = "bart", mixinStandardHelpOptions = true,
        description = {"Trains and benchmarks the symptom → herb BART ranker.",
            "Without --data it runs on the embedded corpus; with SMGCN use --format smgcn-sdpr (train, valid, test)."})
final class BartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--seeds", split = ",", defaultValue = "42,43,44", description = "Seeds. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(names = "--epochs", description = "Maximum epochs. Default: 30 (25 on the embedded corpus).")
    Integer epochs;

    @Option(names = "--d-model", description = "Model width. Default: 128 (64 on the embedded corpus).")
    Integer dModel;

    @Option(names = "--layers", description = "Layers per side. Default: 2 (1 on the embedded corpus).")
    Integer layers;

    @Option(names = "--ffn", description = "Feed-forward width. Default: 512 (128 on the embedded corpus).")
    Integer ffn;

    @Option(names = "--batch", description = "Batch size. Default: 64 (16 on the embedded corpus).")
    Integer batch;

    @Option(names = "--lr", description = "Peak learning rate. Default: 5e-4 (1e-3 on the embedded corpus).")
    Double lr;

    @Option(names = "--dropout", description = "BART dropout while training. Default: 0.1 (0 on the embedded corpus).")
    Double dropout;

    @Option(names = "--set-loss", description = "Weight of the first-step herb-set loss added to the sequence loss."
            + " Default: 0.")
    double setLoss;

    @Option(names = "--label-smoothing", description = "Label smoothing of the sequence loss. Default: 0.")
    double labelSmoothing;

    @Option(names = "--patience", description = "Validations without a better P@5 before stopping. Default: 3.")
    int patience = 3;

    @Option(names = "--order", defaultValue = "RANDOM",
            description = "Herb order in targets: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    HerbOrder order;

    @Option(names = "--scoring", defaultValue = "FIRST_STEP",
            description = "Herb scoring: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    HerbScoring scoring;

    @Option(names = "--blend-weights", split = ",", defaultValue = "0.1,0.2,0.3,0.4,0.5",
            description = "Weights of BART in the BART+CoOcc blend to try on the validation split (the best mean "
                    + "P@5 over the seeds is used on test); 'none' skips the blend. Default: ${DEFAULT-VALUE}.")
    List<String> blendWeights;

    @Option(names = "--models", paramLabel = "DIR", description = "Evaluate the models a previous run saved in DIR "
            + "(DIR/seed-N/model for each --seeds) instead of training.")
    Path models;

    @Option(names = "--out", defaultValue = "runs/bart", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Dataset data = dataOptions.load();
        CaseSet train = data.split(Dataset.TRAIN);
        CaseSet test = data.split(Dataset.TEST);
        stdout.println("Data: " + DataOptions.describe(data, dataOptions.data));
        // The defaults suit SMGCN-sized data (20,000 records); the embedded corpus (164) needs a smaller, faster model.
        boolean small = dataOptions.data == null;
        BartHerbTrainingConfig base = BartHerbTrainingConfig.builder()
                .optSize(or(dModel, small ? 64 : 128), or(layers, small ? 1 : 2), 4, or(ffn, small ? 128 : 512))
                .optEpochs(or(epochs, small ? 25 : 30))
                .optBatchSize(or(batch, small ? 16 : 64))
                .optOptimizer(or(lr, small ? 1e-3 : 5e-4), 0.05, 0.01)
                .optDropout(or(dropout, small ? 0.0 : 0.1))
                .optSetLossWeight(setLoss)
                .optLabelSmoothing(labelSmoothing)
                .optPatience(patience)
                .optHerbOrder(order)
                .optScoring(scoring)
                .build();
        stdout.println("Settings: " + base);

        RankerEvaluator evaluator = RankerEvaluator.builder().optKs(5, 10, 20).optThreads(1).build();
        List<EvaluationResult> baselines = new ArrayList<>();
        for (HerbRanker r : List.<HerbRanker>of(TopPopRanker.fit(train), CoOccurrenceRanker.fit(train),
                SetLookupRanker.fit(train))) {
            baselines.add(evaluator.evaluate(r, test));
        }
        EvaluationResult coOcc = baselines.get(1);
        List<EvaluationResult> barts = new ArrayList<>();
        PairedBootstrap bootstrap = PairedBootstrap.builder().build();
        List<String> notes = new ArrayList<>();
        List<BartHerbRanker> rankers = new ArrayList<>();
        try {
            for (long seed : seeds) {
                BartHerbRanker ranker = models != null ? load(seed) : train(data, base, seed, notes);
                rankers.add(ranker);
                EvaluationResult result = evaluator.evaluate(ranker, test);
                barts.add(result);
                double[] latency = latencies(ranker, test);
                BootstrapComparison c = bootstrap.compare(result, coOcc, Metric.PRECISION, 5);
                notes.add(String.format("seed %d: %,d parameters, top-20 latency p50 %.2f ms p95 %.2f ms; P@5 vs CoOcc"
                        + " %+.4f, p = %.4f", seed, BartHerbTrainer.parameterCounts(ranker).get("parameters"),
                        latency[0], latency[1], c.difference().estimate(), c.pValue()));
            }
            List<EvaluationResult> blends = blend(data, rankers, evaluator, test, notes);
            print(stdout, baselines, barts, blends, coOcc, bootstrap);
            List<EvaluationResult> all = new ArrayList<>(baselines);
            all.addAll(barts);
            all.addAll(blends);
            stdout.println();
            notes.forEach(stdout::println);
            EvaluationReport.builder().addResults(all).build().writeJson(out.resolve("report.json"));
        } finally {
            rankers.forEach(BartHerbRanker::close);
        }
        stdout.println("Wrote " + out.toAbsolutePath());
        stdout.flush();
        return 0;
    }

    /** Trains one seed's ranker, saves it under {@code out/seed-N}, and notes its training. */
    private BartHerbRanker train(Dataset data, BartHerbTrainingConfig base, long seed, List<String> notes)
            throws IOException {
        Path dir = out.resolve("seed-" + seed);
        long t0 = System.nanoTime();
        BartHerbTrainer.Trained trained = BartHerbTrainer.train(data, base.withSeed(seed), dir.resolve("checkpoints"),
                ConsoleProgressBar.stderr(), List.of(new JsonlMetricsListener(dir.resolve("metrics.jsonl"))));
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        trained.ranker().save(dir.resolve("model"), trained.provenance());
        notes.add(String.format("seed %d: %,d steps in %.0f s (best step %d, valid P@5 %.4f)", seed,
                trained.result().steps(), trainSeconds, trained.result().bestStep(), trained.result().bestMetric()));
        return trained.ranker();
    }

    private BartHerbRanker load(long seed) throws IOException {
        return BartHerbRanker.load(models.resolve("seed-" + seed).resolve("model"), scoring, Device.cpu());
    }

    /**
     * BART blended with CoOcc ({@link BlendedRanker}): the weight with the best mean validation P@5 over the seeds,
     * then each seed's blend on test. Empty when the data set has no validation split or blending is off.
     */
    private List<EvaluationResult> blend(Dataset data, List<BartHerbRanker> rankers, RankerEvaluator evaluator,
            CaseSet test, List<String> notes) {
        if (blendWeights.equals(List.of("none")) || !data.hasSplit(Dataset.VALID)) {
            return List.of();
        }
        HerbRanker coOcc = CoOccurrenceRanker.fit(data.split(Dataset.TRAIN));
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        StringBuilder tried = new StringBuilder("BART+CoOcc weight on valid (mean P@5 over seeds):");
        for (String text : blendWeights) {
            double w = Double.parseDouble(text);
            double sum = 0;
            for (BartHerbRanker r : rankers) {
                sum += evaluator.evaluate(BlendedRanker.of(r, coOcc, w, BlendedRanker.DEFAULT_DEPTH),
                        data.split(Dataset.VALID)).value(Metric.PRECISION, 5);
            }
            double mean = sum / rankers.size();
            tried.append(String.format(" %.2f → %.4f", w, mean));
            if (mean > bestScore) {
                bestScore = mean;
                best = w;
            }
        }
        notes.add(tried + String.format("; chosen %.2f", best));
        List<EvaluationResult> out = new ArrayList<>();
        for (BartHerbRanker r : rankers) {
            out.add(evaluator.evaluate(BlendedRanker.of(r, coOcc, best, BlendedRanker.DEFAULT_DEPTH), test));
        }
        return out;
    }

    private static void print(PrintWriter stdout, List<EvaluationResult> baselines, List<EvaluationResult> barts,
            List<EvaluationResult> blends, EvaluationResult coOcc, PairedBootstrap bootstrap) {
        stdout.println();
        stdout.println(EvaluationReport.toTextTable(baselines));
        stdout.println(SeedTable.render("BART", barts, List.of(5, 10, 20)));
        if (!blends.isEmpty()) {
            stdout.println(SeedTable.render("BART+CoOcc", blends, List.of(5, 10, 20)));
        }
        stdout.println("Published (SMGCN official test): TCMRGCL P@5 .2884  P@10 .2310  P@20 .1689  R@20 .4707");
        for (List<EvaluationResult> runs : blends.isEmpty() ? List.of(barts) : List.of(barts, blends)) {
            String name = runs == barts ? "BART" : "BART+CoOcc";
            for (Metric metric : List.of(Metric.PRECISION, Metric.RECALL)) {
                int k = metric == Metric.PRECISION ? 5 : 20;
                BootstrapComparison c = bootstrap.compareMean(runs, coOcc, metric, k);
                stdout.printf("%s (mean of %d seeds) vs CoOcc, %s@%d: %.4f vs %.4f, difference %+.4f [%+.4f, %+.4f],"
                        + " p = %.4f%n", name, runs.size(), metric.label(), k, c.a().estimate(), c.b().estimate(),
                        c.difference().estimate(), c.difference().lower(), c.difference().upper(), c.pValue());
            }
        }
    }

    private static <T> T or(T given, T otherwise) {
        return given != null ? given : otherwise;
    }

    /** Ranks every test query alone (batch 1) for the top 20 and returns the p50 and p95 latency in ms. */
    private static double[] latencies(HerbRanker ranker, CaseSet test) {
        int n = Math.min(test.size(), 1000);
        for (int i = 0; i < Math.min(50, n); i++) {
            ranker.rank(test.get(i).query(), 20);
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            ClinicalCase c = test.get(i);
            long t0 = System.nanoTime();
            ranker.rank(c.query(), 20);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[n / 2], ms[Math.min(n - 1, (int) Math.ceil(n * 0.95) - 1)]};
    }
}
