package org.tcmrx.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.dpo.DpoLoss;
import org.tcmrx.eval.BootstrapComparison;
import org.tcmrx.eval.CoOccurrenceRanker;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;
import org.tcmrx.eval.PairedBootstrap;
import org.tcmrx.eval.RankerEvaluator;
import org.tcmrx.eval.TopPopRanker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tcm dpo}: the DPO experiment. SFT model → LLM ranker on the test split → implicit preference pairs from BART
 * against the LLM on the training records → DPO → LLM ranker again; prints both rows beside the baselines and BART,
 * with the paired bootstrap of F1@K after DPO against before.
 */
@Command(name = "dpo", mixinStandardHelpOptions = true,
        description = {"Runs SFT → pairs (BART vs the LLM) → DPO and compares the LLM ranker before and after DPO.",
            "Without --data it runs on the embedded corpus, small enough for a CPU."})
final class DpoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--copies", defaultValue = "2",
            description = "SFT samples per training record, herbs reordered. Default: ${DEFAULT-VALUE}.")
    int copies;

    @Option(names = "--sft-epochs", defaultValue = "8",
            description = "Full-parameter SFT epochs from scratch. Default: ${DEFAULT-VALUE}.")
    int sftEpochs;

    @Option(names = "--hidden-size", defaultValue = "64", description = "Qwen2 width. Default: ${DEFAULT-VALUE}.")
    int hiddenSize;

    @Option(names = "--layers", defaultValue = "3", description = "Qwen2 layers. Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--max-length", defaultValue = "320", description = "Longest SFT sample and DPO sequence in tokens;"
            + " longer ones lose their end (the tail of the explanation). Default: ${DEFAULT-VALUE}.")
    int maxLength;

    @Option(names = "--max-new-tokens", defaultValue = "200",
            description = "Generation limit of an answer. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--margin", defaultValue = "0.1",
            description = "Score margin δ for a pair (F1 against the true herbs). Default: ${DEFAULT-VALUE}.")
    double margin;

    @Option(names = "--reverse-pairs", description = "Also pair the LLM's clearly better answers as chosen.")
    boolean reversePairs;

    @Option(names = "--chosen", defaultValue = "knowledge",
            description = "Who writes the chosen answer around BART's herbs: knowledge (the knowledge teacher) or "
                    + "forced (the LLM, its prescription force-decoded). Default: ${DEFAULT-VALUE}.")
    String chosen;

    @Option(names = "--loss", defaultValue = "sigmoid", description = "DPO loss: sigmoid, hinge or ipo. "
            + "Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--beta", defaultValue = "0.1", description = "DPO beta. Default: ${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--dpo-lr", defaultValue = "5e-4", description = "DPO learning rate. Default: ${DEFAULT-VALUE}.")
    double dpoLearningRate;

    @Option(names = "--dpo-epochs", defaultValue = "3", description = "DPO epochs. Default: ${DEFAULT-VALUE}.")
    int dpoEpochs;

    @Option(names = "--smoke", description = "A reduced run for checks: 40 training and 10 test records, 1 copy, "
            + "2 SFT epochs, 1 DPO epoch, sequences of 192 tokens.")
    boolean smoke;

    @Option(names = "--out", defaultValue = "runs/dpo", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        if (!"knowledge".equals(chosen) && !"forced".equals(chosen)) {
            throw new IllegalArgumentException("--chosen must be knowledge or forced, got '" + chosen + "'");
        }
        Dataset data = dataOptions.load();
        stdout.println("Data: " + DataOptions.describe(data, dataOptions.data));
        DpoExperiment.Settings settings = smoke
                ? new DpoExperiment.Settings(seed, 1, 2, hiddenSize, layers, 192, 96, margin, reversePairs, chosen,
                        DpoLoss.Type.of(loss), beta, dpoLearningRate, 1, 40, 10)
                : new DpoExperiment.Settings(seed, copies, sftEpochs, hiddenSize, layers, maxLength, maxNewTokens,
                        margin, reversePairs, chosen, DpoLoss.Type.of(loss), beta, dpoLearningRate, dpoEpochs, 0, 0);
        stdout.println("Settings: " + settings);
        stdout.flush();
        RankerEvaluator evaluator = RankerEvaluator.builder().optKs(5, 10, 20, 30).optThreads(1).build();
        CaseSet train = data.split(Dataset.TRAIN);
        List<EvaluationResult> baselines = new ArrayList<>();
        CaseSet test = data.split(Dataset.TEST);
        if (settings.testLimit() > 0 && settings.testLimit() < test.size()) {
            test = CaseSet.of(test.name(), test.subList(0, settings.testLimit()));
        }
        for (HerbRanker r : List.<HerbRanker>of(TopPopRanker.fit(train), CoOccurrenceRanker.fit(train))) {
            baselines.add(evaluator.evaluate(r, test));
        }
        DpoExperiment.Outcome o = new DpoExperiment(settings, out, stdout, ConsoleProgressBar.stderr())
                .run(data, evaluator, baselines);
        List<EvaluationResult> rows = new ArrayList<>(baselines);
        rows.add(o.bart());
        rows.add(o.sft());
        if (o.dpo() != null) {
            rows.add(o.dpo());
        }
        stdout.println();
        stdout.println(EvaluationReport.toTextTable(rows));
        stdout.printf("SFT %.0f s; pairs %s%n", o.sftSeconds(), o.pairs());
        if (o.dpo() == null) {
            stdout.println("No preference pair was made, so DPO did not run.");
        } else {
            stdout.printf("DPO: %d pairs, %d steps in %.0f s; first step %s; last step %s%n", o.dpoRun().trainPairs(),
                    o.dpoRun().training().steps(), o.dpoSeconds(), o.dpoRun().firstStep(), o.dpoRun().lastStep());
            PairedBootstrap bootstrap = PairedBootstrap.builder().build();
            for (int k : evaluator.ks()) {
                BootstrapComparison c = bootstrap.compare(o.dpo(), o.sft(), Metric.F1_OF_MEANS, k);
                stdout.printf("LLM-DPO vs LLM-SFT, F1@%d: %.4f vs %.4f, difference %+.4f [%+.4f, %+.4f], p = %.4f%n",
                        k, c.a().estimate(), c.b().estimate(), c.difference().estimate(), c.difference().lower(),
                        c.difference().upper(), c.pValue());
            }
        }
        EvaluationReport.builder().addResults(rows).build().writeJson(out.resolve("report.json"));
        stdout.println("Wrote " + out.toAbsolutePath());
        stdout.flush();
        return 0;
    }
}
