package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.bart.BartHerbRanker;
import org.tcmrx.distill.HerbKnowledge;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbVocabulary;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.Progress;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.safety.SafeHerbRanker;
import org.tcmrx.core.safety.SafetyChecker;
import org.tcmrx.core.safety.SafetyFinding;
import org.tcmrx.eval.AnswerFaithfulness;
import org.tcmrx.eval.BootstrapComparison;
import org.tcmrx.eval.CoOccurrenceRanker;
import org.tcmrx.eval.ConfidenceInterval;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;
import org.tcmrx.eval.PairedBootstrap;
import org.tcmrx.eval.RankerEvaluator;
import org.tcmrx.eval.TopPopRanker;
import org.tcmrx.lora.LlmHerbRanker;

/**
 * The pipeline's evaluation stage: TopPop, CoOcc, BART, LLM-SFT and (when DPO ran) LLM-DPO on the test split at
 * K = 5, 10, 20, 30, written as {@code eval/report.json} (every per-case value), {@code eval/summary.json} (each
 * metric with its 95% bootstrap interval, and LLM-DPO against LLM-SFT), {@code eval/examples.jsonl} (five cases
 * with both LLMs' answers and BART's top herbs, for the report) and {@code eval/safety.json}
 * ({@link PipelineSafety}).
 */
final class PipelineEvaluation {
    /** The cut-offs. */
    static final int[] KS = {5, 10, 20, 30};
    /** The example cases shown in the report. */
    static final int EXAMPLES = 5;

    private final PipelineStages stages;
    private final Path dir;
    private final Progress progress;

    PipelineEvaluation(PipelineStages stages, Path dir, Progress progress) {
        this.stages = stages;
        this.dir = dir;
        this.progress = progress;
    }

    /** Runs the evaluation and returns the results in table order. */
    List<EvaluationResult> run() throws IOException {
        CaseSet test = stages.test();
        SafetyChecker checker = SafetyChecker.standard();
        SafetyChecker pairs = checker.withKinds(SafeHerbRanker.PAIR_KINDS);
        AnswerFaithfulness faithfulness = AnswerFaithfulness.builder()
                .setVocabulary(HerbVocabulary.fromCases(stages.train()).herbs())
                .optKnowledge(HerbKnowledge.embedded().properties()).build();
        RankerEvaluator evaluator = RankerEvaluator.builder().optKs(KS).optThreads(1).optProgress(progress)
                .optSafetyChecker(checker).optFaithfulness(faithfulness).build();
        List<EvaluationResult> results = new ArrayList<>();
        List<PipelineSafety.Cost> costs = new ArrayList<>();
        List<ClinicalCase> train = stages.train();
        CoOccurrenceRanker coOcc = CoOccurrenceRanker.fit(train);
        for (HerbRanker r : List.<HerbRanker>of(TopPopRanker.fit(train), coOcc)) {
            results.add(evaluator.evaluate(r, test));
        }
        costs.addAll(PipelineSafety.cost(evaluator, results.get(1), SafeHerbRanker.of(coOcc, pairs), test));
        List<ClinicalCase> shown = test.subList(0, Math.min(EXAMPLES, test.size()));
        Map<String, Map<String, String>> answers = new LinkedHashMap<>();
        Map<String, List<String>> bartTop = new LinkedHashMap<>();
        try (BartHerbRanker bart = stages.openBart()) {
            results.add(evaluator.evaluate(bart, test));
            costs.addAll(PipelineSafety.cost(evaluator, results.get(results.size() - 1), SafeHerbRanker.of(bart, pairs),
                    test));
            for (ClinicalCase c : shown) {
                bartTop.put(c.id(), bart.rank(c.query(), 10).herbs().stream().map(Herb::name).toList());
            }
        }
        boolean[] variants = stages.hasDpoAdapter() ? new boolean[] {false, true} : new boolean[] {false};
        for (boolean dpo : variants) {
            String name = dpo ? "LLM-DPO" : "LLM-SFT";
            try (PipelineStages.Llm llm = stages.openLlm(dpo)) {
                LlmHerbRanker ranker = stages.ranker(llm, name);
                EvaluationResult result = evaluator.evaluate(ranker, test);
                results.add(result);
                if (dpo == variants[variants.length - 1]) {
                    // The final model again, its prescription decoded with 十八反/十九畏 pairs kept out.
                    costs.addAll(PipelineSafety.cost(evaluator, result, stages.ranker(llm, name + "+Safe",
                            checker.withKinds(SafeHerbRanker.PAIR_KINDS)), test));
                }
                // The evaluator keeps each case's answer: the examples are the answers it scored.
                for (int i = 0; i < shown.size(); i++) {
                    answers.computeIfAbsent(shown.get(i).id(), k -> new LinkedHashMap<>())
                            .put(name, result.cases().get(i).answer());
                }
            }
        }
        EvaluationReport.builder().addResults(results).optIncludeCases(true).build()
                .writeJson(dir.resolve("report.json"));
        writeSummary(results, test);
        PipelineSafety.write(dir.resolve(PipelineSafety.FILE), checker, test, results, costs);
        List<Map<String, Object>> examples = new ArrayList<>();
        for (ClinicalCase c : shown) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", c.id());
            e.put("findings", LlmHerbRanker.findings(c.query()));
            e.put("truth", c.herbs().stream().map(Herb::name).toList());
            e.put("bart", bartTop.get(c.id()));
            Map<String, String> caseAnswers = answers.getOrDefault(c.id(), Map.of());
            e.put("answers", caseAnswers);
            Map<String, List<String>> findings = new LinkedHashMap<>();
            caseAnswers.forEach((name, text) -> findings.put(name, messages(checker.checkAnswer(text))));
            findings.put("BART", messages(checker.check(bartTop.get(c.id()).stream().map(Herb::new).toList())));
            e.put("safety", findings);
            examples.add(e);
        }
        Jsonl.write(dir.resolve("examples.jsonl"), examples);
        return results;
    }

    private void writeSummary(List<EvaluationResult> results, CaseSet test) throws IOException {
        PairedBootstrap bootstrap = PairedBootstrap.builder().build();
        List<Map<String, Object>> rankers = new ArrayList<>();
        for (EvaluationResult r : results) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int k : KS) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("k", k);
                row.put("precision", interval(bootstrap, r, Metric.PRECISION, k));
                row.put("recall", interval(bootstrap, r, Metric.RECALL, k));
                row.put("f1", interval(bootstrap, r, Metric.F1_OF_MEANS, k));
                row.put("ndcg", interval(bootstrap, r, Metric.NDCG, k));
                rows.add(row);
            }
            rankers.add(Map.of("name", r.ranker(), "rows", rows));
        }
        List<Map<String, Object>> comparisons = new ArrayList<>();
        EvaluationResult sft = find(results, "LLM-SFT");
        EvaluationResult dpo = find(results, "LLM-DPO");
        if (sft != null && dpo != null) {
            for (int k : KS) {
                BootstrapComparison c = bootstrap.compare(dpo, sft, Metric.F1_OF_MEANS, k);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("a", "LLM-DPO");
                m.put("b", "LLM-SFT");
                m.put("metric", "F1");
                m.put("k", k);
                m.put("difference", c.difference().estimate());
                m.put("lower", c.difference().lower());
                m.put("upper", c.difference().upper());
                m.put("p", c.pValue());
                comparisons.add(m);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("split", test.name());
        summary.put("cases", test.size());
        summary.put("ks", List.of(5, 10, 20, 30));
        summary.put("rankers", rankers);
        summary.put("comparisons", comparisons);
        AtomicFiles.writeString(dir.resolve("summary.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
    }

    private static Map<String, Object> interval(PairedBootstrap bootstrap, EvaluationResult r, Metric metric, int k) {
        ConfidenceInterval ci = bootstrap.interval(r, metric, k).interval();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", ci.estimate());
        m.put("lower", ci.lower());
        m.put("upper", ci.upper());
        return m;
    }

    private static List<String> messages(List<SafetyFinding> findings) {
        return findings.stream().map(SafetyFinding::message).toList();
    }

    private static EvaluationResult find(List<EvaluationResult> results, String name) {
        return results.stream().filter(r -> r.ranker().equals(name)).findFirst().orElse(null);
    }
}
