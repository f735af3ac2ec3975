package org.tcmrx.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.safety.SafeHerbRanker;
import org.tcmrx.core.safety.SafetyChecker;
import org.tcmrx.core.safety.SafetyRules;
import org.tcmrx.eval.BootstrapComparison;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;
import org.tcmrx.eval.PairedBootstrap;
import org.tcmrx.eval.PrecisionConvention;
import org.tcmrx.eval.RankerEvaluator;
import org.tcmrx.eval.SafetySummary;
import org.tcmrx.eval.SafetyTables;
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

    @Option(names = "--safety", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Check each ranker's top-K lists and the true prescriptions against the clinical safety"
                    + " rules (十八反, 十九畏, pregnancy, dose limits) and print how often each rule fires."
                    + " Default: on; --no-safety skips it.")
    boolean safety;

    @Option(names = "--safety-k", paramLabel = "K", defaultValue = "10",
            description = "Cut-off of the lists the safety check reads. Default: ${DEFAULT-VALUE}.")
    int safetyK;

    @Option(names = "--safety-rules", paramLabel = "TSV", arity = "2",
            description = "A rule table and an alias table (RULES ALIASES) to check with instead of the embedded ones.")
    List<Path> safetyRules;

    @Option(names = "--safe",
            description = "Also evaluate each ranker behind SafeHerbRanker (no 十八反/十九畏 pair in its lists) and"
                    + " print what that costs in P@K, with paired bootstrap intervals.")
    boolean safe;

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
        SafetyChecker checker = null;
        if (safety || safe) {
            SafetyChecker.Builder cb = SafetyChecker.builder();
            if (safetyRules != null) {
                cb.optRules(SafetyRules.load(safetyRules.get(0), safetyRules.get(1)));
            }
            checker = cb.build();
        }
        if (safety) {
            builder.optSafetyChecker(checker).optSafetyK(safetyK);
        }
        RankerEvaluator evaluator = builder.build();

        List<EvaluationResult> results = new ArrayList<>();
        List<EvaluationResult> safeResults = new ArrayList<>();
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
            if (safe) {
                safeResults.add(evaluator.evaluate(SafeHerbRanker.of(ranker,
                        checker.withKinds(SafeHerbRanker.PAIR_KINDS)), dataset, evalSplit));
            }
        }
        if (bart != null) {
            try (org.tcmrx.bart.BartHerbRanker ranker = org.tcmrx.bart.BartHerbRanker.load(bart, bartScoring,
                    ai.djl.Device.cpu())) {
                EvaluationResult result = evaluator.evaluate(ranker, dataset, evalSplit);
                results.add(result);
                timings.add(String.format("%-16s loaded from %s, %s; ranked %,d queries in %.3f s", ranker.name(),
                        bart, bartScoring, test.size(), result.wallTimeMillis() / 1e3));
                if (safe) {
                    safeResults.add(evaluator.evaluate(SafeHerbRanker.of(ranker,
                            checker.withKinds(SafeHerbRanker.PAIR_KINDS)), dataset, evalSplit));
                }
            }
        }
        List<EvaluationResult> all = new ArrayList<>(results);
        all.addAll(safeResults);
        stdout.println(EvaluationReport.toTextTable(all));
        stdout.println("Precision: " + convention + "; F1 = harmonic mean of mean P and mean R; NDCG standard.");
        stdout.println();
        timings.forEach(stdout::println);

        EvaluationReport.Builder report = EvaluationReport.builder().addResults(all);
        if (safety) {
            report.optTruthSafety(SafetySummary.ofPrescriptions(checker, test));
            stdout.printf("%nSafety (%s): lists that trigger each kind of rule, then each rule%n",
                    checker.rules());
            stdout.print(SafetyTables.text(report.build().safetySummaries()));
        }
        if (safe) {
            printSafeCost(stdout, report, results, safeResults);
        }
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

    private void printSafeCost(PrintWriter stdout, EvaluationReport.Builder report, List<EvaluationResult> plain,
            List<EvaluationResult> safeOnes) {
        PairedBootstrap bootstrap = PairedBootstrap.builder().optResamples(Math.max(resamples, 1000)).optSeed(seed)
                .build();
        stdout.printf("%nCost of SafeHerbRanker (no 十八反/十九畏 pair in the list), P@K, ranker+Safe − ranker:%n");
        for (int i = 0; i < plain.size(); i++) {
            for (int k : ks) {
                BootstrapComparison c = bootstrap.compare(safeOnes.get(i), plain.get(i), Metric.PRECISION, k);
                report.addComparison(c);
                stdout.printf("  %-16s P@%-3d %.4f → %.4f  %+.5f  95%% CI [%+.5f, %+.5f]  p = %.4f%n",
                        plain.get(i).ranker(), k, c.b().estimate(), c.a().estimate(), c.difference().estimate(),
                        c.difference().lower(), c.difference().upper(), c.pValue());
            }
        }
    }

    /** Converts ranker names with a clear message. */
    static final class BaselineConverter implements picocli.CommandLine.ITypeConverter<Baseline> {
        @Override
        public Baseline convert(String value) {
            return Baseline.parse(value);
        }
    }
}
