package org.tcmrx.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.eval.BootstrapComparison;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;
import org.tcmrx.eval.PairedBootstrap;
import org.tcmrx.eval.PrecisionConvention;
import org.tcmrx.eval.RankerEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tcm eval}: fits the baselines on one split and prints P@K, R@K, F1@K and NDCG@K on another, with timings
 * and paired bootstrap p-values against the first ranker.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluates herb rankers on a data set split and prints P@K, R@K, F1@K and NDCG@K.",
            "Without --data it runs on the embedded corpus of classical formulas."})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--train", paramLabel = "SPLIT", defaultValue = Dataset.TRAIN,
            description = "Split the rankers are fitted on. Default: ${DEFAULT-VALUE}.")
    String trainSplit;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = Dataset.TEST,
            description = "Split evaluated. Default: ${DEFAULT-VALUE}.")
    String evalSplit;

    @Option(names = "--ranker", paramLabel = "NAME", split = ",", converter = BaselineConverter.class,
            description = "Rankers, comma separated: toppop, cooc, setlookup. Default: all three.")
    List<Baseline> rankers = List.of(Baseline.values());

    @Option(names = {"-k", "--k"}, paramLabel = "K", split = ",", defaultValue = "5,10,20,30",
            description = "Cut-offs. Default: ${DEFAULT-VALUE}.")
    List<Integer> ks;

    @Option(names = "--precision", paramLabel = "CONVENTION", defaultValue = "DIVIDE_BY_K",
            description = "How P@K treats rankings shorter than K: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    PrecisionConvention convention;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "10000",
            description = "Paired bootstrap resamples for the p-values (0 to skip). Default: ${DEFAULT-VALUE}.")
    int resamples;

    @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "F1_OF_MEANS",
            description = "Metric compared by the bootstrap: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Metric metric;

    @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Ranking threads. Default: all cores.")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write report.json and report.md here.")
    Path out;

    @Option(names = "--bart", paramLabel = "DIR",
            description = "Also evaluate a BART herb ranker saved by `tcm bart` (its model folder).")
    Path bart;

    @Option(names = "--bart-scoring", paramLabel = "SCORING", defaultValue = "FIRST_STEP",
            description = "How the BART ranker scores herbs: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    org.tcmrx.bart.HerbScoring bartScoring;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Dataset dataset = dataOptions.load();
        CaseSet train = dataset.split(trainSplit);
        CaseSet test = dataset.split(evalSplit);
        stdout.println("Data: " + DataOptions.describe(dataset, dataOptions.data));
        stdout.printf("Rankers fitted on '%s', evaluated on '%s' (%,d queries)%n%n", trainSplit, evalSplit,
                test.size());

        RankerEvaluator.Builder builder = RankerEvaluator.builder()
                .optKs(ks.stream().mapToInt(Integer::intValue).toArray())
                .optConvention(convention)
                .optProgress(ConsoleProgressBar.stderr());
        if (threads != null) {
            builder.optThreads(threads);
        }
        RankerEvaluator evaluator = builder.build();

        List<EvaluationResult> results = new ArrayList<>();
        List<String> timings = new ArrayList<>();
        for (Baseline b : rankers) {
            long t0 = System.nanoTime();
            HerbRanker ranker = b.fit(train);
            long fitNanos = System.nanoTime() - t0;
            EvaluationResult result = evaluator.evaluate(ranker, dataset, evalSplit);
            results.add(result);
            timings.add(String.format("%-16s fit %7.3f s   ranked %,d queries in %.3f s (%,.0f queries/s)",
                    ranker.name(), fitNanos / 1e9, test.size(), result.wallTimeMillis() / 1e3,
                    test.size() / Math.max(result.wallTimeMillis() / 1e3, 1e-9)));
        }
        if (bart != null) {
            try (org.tcmrx.bart.BartHerbRanker ranker = org.tcmrx.bart.BartHerbRanker.load(bart, bartScoring,
                    ai.djl.Device.cpu())) {
                EvaluationResult result = evaluator.evaluate(ranker, dataset, evalSplit);
                results.add(result);
                timings.add(String.format("%-16s loaded from %s, %s; ranked %,d queries in %.3f s", ranker.name(),
                        bart, bartScoring, test.size(), result.wallTimeMillis() / 1e3));
            }
        }
        stdout.println(EvaluationReport.toTextTable(results));
        stdout.println("Precision: " + convention + "; F1 = harmonic mean of mean P and mean R; NDCG standard.");
        stdout.println();
        timings.forEach(stdout::println);

        EvaluationReport.Builder report = EvaluationReport.builder().addResults(results);
        if (resamples > 0 && results.size() > 1) {
            PairedBootstrap bootstrap = PairedBootstrap.builder().optResamples(resamples).optSeed(seed).build();
            int k = ks.get(0);
            stdout.printf("%nPaired bootstrap, %s@%d, %,d resamples, seed %d (vs %s):%n", metric.label(), k,
                    resamples, seed, results.get(0).ranker());
            for (int i = 1; i < results.size(); i++) {
                BootstrapComparison c = bootstrap.compare(results.get(i), results.get(0), metric, k);
                report.addComparison(c);
                stdout.printf("  %-16s %+.4f  95%% CI [%+.4f, %+.4f]  p = %.4f%n", c.rankerA(),
                        c.difference().estimate(), c.difference().lower(), c.difference().upper(), c.pValue());
            }
        }
        if (out != null) {
            EvaluationReport built = report.build();
            built.writeJson(out.resolve("report.json"));
            built.writeMarkdown(out.resolve("report.md"));
            stdout.println();
            stdout.println("Wrote " + out.resolve("report.json") + " and " + out.resolve("report.md"));
        }
        stdout.flush();
        return 0;
    }

    /** Converts ranker names with a clear message. */
    static final class BaselineConverter implements picocli.CommandLine.ITypeConverter<Baseline> {
        @Override
        public Baseline convert(String value) {
            return Baseline.parse(value);
        }
    }
}
