package org.tcmrx.examples;

import java.util.List;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;

/** Renders mean ± sample standard deviation over seeds of P, R, F1 and NDCG at each K. */
final class SeedTable {
    private SeedTable() {}

    static String render(String name, List<EvaluationResult> runs, List<Integer> ks) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-16s", name + " (" + runs.size() + " seeds)"));
        for (int k : ks) {
            for (Metric m : List.of(Metric.PRECISION, Metric.RECALL, Metric.F1_OF_MEANS, Metric.NDCG)) {
                double[] v = runs.stream().mapToDouble(r -> r.value(m, k)).toArray();
                double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
                double var = 0;
                for (double x : v) {
                    var += (x - mean) * (x - mean);
                }
                double sd = v.length > 1 ? Math.sqrt(var / (v.length - 1)) : 0;
                sb.append(String.format("  %s@%d %.4f±%.4f", m.label(), k, mean, sd));
            }
        }
        return sb.toString();
    }
}
