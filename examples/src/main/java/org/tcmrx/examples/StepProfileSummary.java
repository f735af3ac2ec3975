package org.tcmrx.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.tcmrx.nn.internal.TorchProfiler;

/**
 * Where a LoRA step's time goes: each phase's plain and profiled wall time, the self time of its ATen operators and
 * of its matrix products, the products grouped by what they compute, and the operators with the most self time.
 * Shares are of the profiled step, since the self times come from it.
 *
 * @param phases one row per phase of {@link LoraStepBench#PHASES}
 * @param matmulKinds the matrix products by kind, the largest self time first
 * @param topOperators the operators with the most self time over the whole step
 * @param profiledStepMillis the profiled step's wall time, the denominator of the shares
 */
record StepProfileSummary(List<PhaseRow> phases, List<OpRow> matmulKinds, List<OpRow> topOperators,
        double profiledStepMillis) {
    /** Operators listed in {@link #topOperators}. */
    static final int TOP = 12;

    /**
     * One phase.
     *
     * @param phase its name
     * @param millis its mean wall time without the profiler
     * @param profiledMillis its wall time under the profiler
     * @param atenMillis the summed self time of its ATen operators; the rest of {@code profiledMillis} is spent
     *     outside them (Java, JNI, DJL's bookkeeping, the profiler itself)
     * @param matmulMillis the self time of its matrix products
     * @param matmulGflopsPerSecond their rate
     */
    record PhaseRow(String phase, double millis, double profiledMillis, double atenMillis, double matmulMillis,
            double matmulGflopsPerSecond) {}

    /**
     * Operator calls added up.
     *
     * @param name the operator or kind
     * @param shapes the input shapes of the calls, e.g. {@code [1024,512] [512,16]}, or empty when they differ
     * @param calls how many calls
     * @param millis their self time
     * @param gflopsPerSecond the rate of the matrix products among them, else 0
     */
    record OpRow(String name, String shapes, long calls, double millis, double gflopsPerSecond) {}

    /**
     * Summarises hand-run steps.
     *
     * @param profile the plain steps' and the profiled step's phases
     * @param rank the adapter's rank, to tell its products apart
     * @param vocab the vocabulary size, to tell the output layer's products apart
     * @return the summary
     */
    static StepProfileSummary of(LoraStepBench.StepProfile profile, int rank, int vocab) {
        List<PhaseRow> phases = new ArrayList<>();
        double step = 0;
        for (int p = 0; p < LoraStepBench.PHASES.size(); p++) {
            List<TorchProfiler.Event> events = profile.events().get(p);
            List<TorchProfiler.OpTotal> totals = TorchProfiler.totals(events, false);
            OpRow aten = sum("all", totals, t -> true);
            OpRow matmul = sum("matmul", totals, t -> t.flops() > 0);
            phases.add(new PhaseRow(LoraStepBench.PHASES.get(p), profile.plainMillis()[p],
                    profile.profiledMillis()[p], aten.millis(), matmul.millis(), matmul.gflopsPerSecond()));
            step += profile.profiledMillis()[p];
        }
        Map<String, List<TorchProfiler.OpTotal>> kinds = new LinkedHashMap<>();
        // Each phase is its own recording, with its own time origin.
        for (TorchProfiler.OpTotal t : TorchProfiler.totalsAcross(profile.events(), true)) {
            long[] d = TorchProfiler.matmulDims(t.name(), t.shapes());
            if (d != null) {
                kinds.computeIfAbsent(kind(d, rank, vocab), k -> new ArrayList<>()).add(t);
            }
        }
        List<OpRow> matmulKinds = new ArrayList<>();
        kinds.forEach((kind, totals) -> matmulKinds.add(sum(kind, totals, t -> true)));
        matmulKinds.sort((a, b) -> Double.compare(b.millis(), a.millis()));
        List<OpRow> top = TorchProfiler.totalsAcross(profile.events(), true).stream().limit(TOP)
                .map(t -> new OpRow(t.name(), shapes(t.shapes()), t.calls(), t.selfMillis(), t.gflopsPerSecond()))
                .toList();
        return new StepProfileSummary(List.copyOf(phases), List.copyOf(matmulKinds), top, step);
    }

    /** What a product computes, from its sizes {@code {b, m, k, n}}. */
    private static String kind(long[] d, int rank, int vocab) {
        if (d[0] > 1) {
            return "attention (q·k, probs·v)";
        }
        if (d[1] == rank || d[2] == rank || d[3] == rank) {
            return "LoRA A and B";
        }
        if (d[1] == vocab || d[2] == vocab || d[3] == vocab) {
            return "output layer";
        }
        return "frozen projections";
    }

    private static OpRow sum(String name, List<TorchProfiler.OpTotal> totals,
            Predicate<TorchProfiler.OpTotal> which) {
        long calls = 0;
        double millis = 0;
        double flops = 0;
        for (TorchProfiler.OpTotal t : totals) {
            if (which.test(t)) {
                calls += t.calls();
                millis += t.selfMillis();
                flops += t.flops();
            }
        }
        return new OpRow(name, "", calls, millis, millis > 0 ? flops / millis / 1e6 : 0);
    }

    /** The tensor arguments' shapes, {@code [4,256,512] [512,16]}; arguments that are not tensors are left out. */
    private static String shapes(List<List<Long>> shapes) {
        return String.join(" ", shapes.stream().filter(d -> !d.isEmpty())
                .map(d -> d.toString().replace(" ", "")).toList());
    }

    /** The matrix products' share of the profiled step, 0 to 1. */
    double matmulShare() {
        return phases.stream().mapToDouble(PhaseRow::matmulMillis).sum() / profiledStepMillis;
    }

    /** The rate of all the step's matrix products together. */
    double matmulGflopsPerSecond() {
        double millis = matmulKinds.stream().mapToDouble(OpRow::millis).sum();
        double gflop = matmulKinds.stream().mapToDouble(r -> r.gflopsPerSecond() * r.millis() / 1e3).sum();
        return millis > 0 ? gflop / (millis / 1e3) : 0;
    }

    /**
     * Renders the summary as tables.
     *
     * @param peakGflopsPerSecond the measured matmul peak, for the rates' share of it
     * @return the text, ending with a line break
     */
    String toText(double peakGflopsPerSecond) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-10s %10s %12s %10s %10s %12s %14s%n", "phase", "ms", "ms profiled", "ATen ms",
                "matmul ms", "matmul GF/s", "outside ATen"));
        double plain = 0;
        for (PhaseRow r : phases) {
            plain += r.millis();
            sb.append(String.format("%-10s %10.1f %12.1f %10.1f %10.1f %12.1f %13.0f%%%n", r.phase(), r.millis(),
                    r.profiledMillis(), r.atenMillis(), r.matmulMillis(), r.matmulGflopsPerSecond(),
                    100 * (1 - r.atenMillis() / r.profiledMillis())));
        }
        sb.append(String.format("%-10s %10.1f %12.1f%n", "step", plain, profiledStepMillis));
        sb.append(String.format("%n%-66s %6s %9s %7s %8s%n", "matrix products", "calls", "self ms", "% step",
                "GFLOP/s"));
        matmulKinds.forEach(r -> sb.append(row(r, profiledStepMillis)));
        sb.append(String.format("%n%-66s %6s %9s %7s %8s%n", "top operators and input shapes (self time)", "calls",
                "self ms", "% step", "GFLOP/s"));
        topOperators.forEach(r -> sb.append(row(r, profiledStepMillis)));
        sb.append(String.format("%nMatrix products: %.0f%% of the profiled step, at %.1f GFLOP/s (%.0f%% of the"
                + " measured peak); everything else: %.0f%%.%n", 100 * matmulShare(), matmulGflopsPerSecond(),
                100 * matmulGflopsPerSecond() / peakGflopsPerSecond, 100 * (1 - matmulShare())));
        return sb.toString();
    }

    private static String row(OpRow r, double stepMillis) {
        String label = r.shapes().isEmpty() ? r.name() : r.name() + " " + r.shapes();
        label = label.length() <= 66 ? label : label.substring(0, 65) + "…";
        return String.format("%-66s %6d %9.1f %6.1f%% %8s%n", label, r.calls(), r.millis(),
                100 * r.millis() / stepMillis, r.gflopsPerSecond() > 0 ? String.format("%.1f", r.gflopsPerSecond())
                        : "");
    }
}
