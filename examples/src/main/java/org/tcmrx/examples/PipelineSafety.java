package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.safety.SafeHerbRanker;
import org.tcmrx.core.safety.SafetyChecker;
import org.tcmrx.eval.BootstrapComparison;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.FaithfulnessSummary;
import org.tcmrx.eval.Metric;
import org.tcmrx.eval.PairedBootstrap;
import org.tcmrx.eval.RankerEvaluator;
import org.tcmrx.eval.SafetySummary;

/**
 * The evaluation stage's safety part, {@code eval/safety.json}: how often the true prescriptions and each ranker's
 * top-K lists trigger the clinical safety rules, what keeping 十八反/十九畏 pairs out costs in P@K ({@link SafeHerbRanker}
 * for CoOcc and BART, safe constrained decoding for the final language model), and the explanation faithfulness of
 * the language models' answers.
 */
final class PipelineSafety {
    /** The file written under {@code eval/}. */
    static final String FILE = "safety.json";

    /**
     * What {@link SafeHerbRanker} costs one ranker at one cut-off.
     *
     * @param ranker the ranker's name
     * @param k the cut-off
     * @param plain P@K of the ranker
     * @param safe P@K of the ranker behind the decorator
     * @param difference safe − plain
     * @param lower the 95% bootstrap interval's lower end of the difference
     * @param upper its upper end
     * @param p the two-sided paired bootstrap p-value
     */
    record Cost(String ranker, int k, double plain, double safe, double difference, double lower, double upper,
            double p) {}

    /**
     * The file's content.
     *
     * @param rules the rule table, in words
     * @param summaries the true prescriptions' summary, then each ranker's
     * @param costs the decorator's cost per ranker and cut-off
     * @param faithfulness the explanation faithfulness of each ranker that writes answers, in evaluation order
     */
    record Report(String rules, List<SafetySummary> summaries, List<Cost> costs, List<Faithfulness> faithfulness) {
        Report {
            summaries = List.copyOf(summaries);
            costs = List.copyOf(costs);
            faithfulness = faithfulness == null ? List.of() : List.copyOf(faithfulness);
        }

        /** The faithfulness summaries by ranker, in evaluation order. */
        Map<String, FaithfulnessSummary> faithfulnessByRanker() {
            Map<String, FaithfulnessSummary> m = new LinkedHashMap<>();
            faithfulness.forEach(f -> m.put(f.ranker(), f.summary()));
            return m;
        }
    }

    /**
     * One ranker's explanation faithfulness.
     *
     * @param ranker the ranker's name
     * @param summary its summary
     */
    record Faithfulness(String ranker, FaithfulnessSummary summary) {}

    private PipelineSafety() {}

    /**
     * Evaluates the safe variant of a ranker (behind {@link SafeHerbRanker}, or an LLM decoding with pairs kept out)
     * and returns its cost per cut-off against the plain result.
     */
    static List<Cost> cost(RankerEvaluator evaluator, EvaluationResult plain, HerbRanker safeVariant, CaseSet test) {
        EvaluationResult safe = evaluator.evaluate(safeVariant, test);
        PairedBootstrap bootstrap = PairedBootstrap.builder().build();
        List<Cost> costs = new ArrayList<>();
        for (int k : plain.ks()) {
            BootstrapComparison c = bootstrap.compare(safe, plain, Metric.PRECISION, k);
            costs.add(new Cost(plain.ranker(), k, c.b().estimate(), c.a().estimate(), c.difference().estimate(),
                    c.difference().lower(), c.difference().upper(), c.pValue()));
        }
        return costs;
    }

    /** Writes the file. */
    static void write(Path file, SafetyChecker checker, CaseSet test, List<EvaluationResult> results,
            List<Cost> costs) throws IOException {
        List<SafetySummary> summaries = new ArrayList<>();
        summaries.add(SafetySummary.ofPrescriptions(checker, test));
        for (EvaluationResult r : results) {
            if (r.safety() != null) {
                summaries.add(r.safety());
            }
        }
        List<Faithfulness> faithfulness = new ArrayList<>();
        for (EvaluationResult r : results) {
            if (r.faithfulness() != null) {
                faithfulness.add(new Faithfulness(r.ranker(), r.faithfulness()));
            }
        }
        Report report = new Report(checker.rules().toString(), summaries, costs, faithfulness);
        AtomicFiles.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    }

    /** Reads the file, or returns null when it does not exist. */
    static Report read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Json.MAPPER.readValue(file.toFile(), Report.class) : null;
    }
}
