package org.tcmrx.nn.internal;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;

/**
 * PyTorch's operator profiler ({@code torch.autograd.profiler} with {@code record_shapes=True}) and its thread count,
 * on the PyTorch engine's own functions; with {@link Autograd}, the only code that touches {@code ai.djl.pytorch}.
 *
 * <p>The profiler records every ATen operator the block runs, forward and backward, with its input shapes and its
 * host-clock interval. Operators nest ({@code aten::linear} calls {@code aten::matmul}, which calls {@code aten::mm}),
 * so {@link #totals} charges each one its <em>self</em> time: its interval minus those of the operators it called.
 * On a GPU the host clock measures kernel launches, not kernels; read the totals on the CPU only.
 */
public final class TorchProfiler {
    private TorchProfiler() {}

    /**
     * One recorded operator call.
     *
     * @param name the operator, e.g. {@code aten::mm} or {@code MmBackward0}
     * @param shapes the shapes of its inputs; an argument that is not a tensor has an empty shape
     * @param startMicros when it started, in microseconds from the profiler's origin
     * @param durationMicros how long it ran, in microseconds, callees included
     * @param thread the recording thread
     */
    public record Event(String name, List<List<Long>> shapes, double startMicros, double durationMicros,
            long thread) {
        /**
         * Copies the shapes.
         *
         * @param name the operator
         * @param shapes the input shapes
         * @param startMicros the start
         * @param durationMicros the duration
         * @param thread the thread
         */
        public Event {
            shapes = shapes.stream().map(List::copyOf).toList();
        }
    }

    /**
     * The calls of one operator (or one operator at one input signature) added up.
     *
     * @param name the operator
     * @param shapes the input shapes, or an empty list when the totals are over every signature
     * @param calls how many calls
     * @param selfMillis the summed self time (time inside the operator minus time inside its callees), milliseconds
     * @param flops the floating-point operations of matrix products ({@link #matmulFlops}); 0 for other operators
     */
    public record OpTotal(String name, List<List<Long>> shapes, long calls, double selfMillis, double flops) {
        /**
         * Copies the shapes.
         *
         * @param name the operator
         * @param shapes the input shapes, or empty
         * @param calls the calls
         * @param selfMillis the self time
         * @param flops the matrix-product operations
         */
        public OpTotal {
            shapes = shapes.stream().map(List::copyOf).toList();
        }

        /**
         * Returns the rate of the matrix products.
         *
         * @return GFLOP/s over the self time; 0 for an operator that is not a matrix product or took no time
         */
        public double gflopsPerSecond() {
            return selfMillis > 0 ? flops / selfMillis / 1e6 : 0;
        }
    }

    /**
     * Returns the number of threads PyTorch runs one operator on ({@code torch.get_num_threads()}).
     *
     * @return the intra-op thread count
     */
    public static int intraOpThreads() {
        return JniUtils.getNumThreads();
    }

    /**
     * Runs a block under the profiler and returns what it recorded. Arrays the block creates are its own business;
     * the profiler only watches.
     *
     * @param block what to profile; run on the calling thread
     * @return the operator calls, in the order the profiler wrote them
     * @throws IOException when the profiler's trace cannot be written or read
     */
    public static List<Event> profile(Runnable block) throws IOException {
        Path trace = Files.createTempFile("tcmrx-profile-", ".json");
        try {
            JniUtils.startProfile(false, true, false);
            try {
                block.run();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return read(trace);
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    /**
     * Reads a trace in the format PyTorch's legacy profiler writes (Chrome's trace format: a JSON array of complete
     * events with {@code name}, {@code ts}, {@code dur}, {@code tid} and {@code shape}).
     *
     * @param trace the file
     * @return its complete ({@code "ph": "X"}) events, in file order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when it is not such a trace; the message names the file and the event
     */
    public static List<Event> read(Path trace) throws IOException {
        JsonNode root = Json.MAPPER.readTree(trace.toFile());
        JsonNode array = root != null && root.has("traceEvents") ? root.get("traceEvents") : root;
        if (array == null || !array.isArray()) {
            throw new MalformedDataException(trace.toString(), 0, null, "expected a JSON array of trace events");
        }
        List<Event> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode e = array.get(i);
            if (!"X".equals(e.path("ph").asText())) {
                continue;
            }
            if (!e.path("name").isTextual() || !e.path("ts").isNumber() || !e.path("dur").isNumber()) {
                throw new MalformedDataException(trace.toString(), 0, "[" + i + "]",
                        "a complete event needs a name, ts and dur");
            }
            List<List<Long>> shapes = new ArrayList<>();
            for (JsonNode shape : e.path("shape")) {
                List<Long> dims = new ArrayList<>();
                shape.forEach(d -> dims.add(d.asLong()));
                shapes.add(dims);
            }
            events.add(new Event(e.get("name").asText(), shapes, e.get("ts").asDouble(), e.get("dur").asDouble(),
                    e.path("tid").asLong()));
        }
        return events;
    }

    /**
     * Adds up the calls of each operator, charging each call its self time. A call is nested in another of the same
     * thread when its interval lies inside the other's.
     *
     * @param events the calls of one recording, in any order
     * @param byShape whether calls with different input shapes are kept apart
     * @return one total per operator (and signature), the largest self time first
     */
    public static List<OpTotal> totals(List<Event> events, boolean byShape) {
        return totalsAcross(List.of(events), byShape);
    }

    /**
     * Adds up the calls of each operator over several recordings, as {@link #totals} does for one. Each recording has
     * its own time origin, so calls are only nested within their own recording.
     *
     * @param recordings the calls of each recording
     * @param byShape whether calls with different input shapes are kept apart
     * @return one total per operator (and signature), the largest self time first
     */
    public static List<OpTotal> totalsAcross(List<List<Event>> recordings, boolean byShape) {
        Map<List<Object>, double[]> sums = new LinkedHashMap<>(); // key -> {calls, self micros, flops}
        for (List<Event> events : recordings) {
            double[] self = selfMicros(events);
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                List<Object> key = byShape ? List.of(e.name(), e.shapes()) : List.of(e.name(), List.of());
                double[] s = sums.computeIfAbsent(key, k -> new double[3]);
                s[0]++;
                s[1] += self[i];
                s[2] += matmulFlops(e.name(), e.shapes());
            }
        }
        List<OpTotal> totals = new ArrayList<>(sums.size());
        sums.forEach((key, s) -> {
            @SuppressWarnings("unchecked")
            List<List<Long>> shapes = (List<List<Long>>) key.get(1);
            totals.add(new OpTotal((String) key.get(0), shapes, (long) s[0], s[1] / 1000, s[2]));
        });
        totals.sort(Comparator.comparingDouble(OpTotal::selfMillis).reversed());
        return totals;
    }

    /** Each event's duration minus the durations of the events directly inside it, in input order. */
    private static double[] selfMicros(List<Event> events) {
        Integer[] order = new Integer[events.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Parents first: by thread, then start, then the longer of two calls that start together.
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> events.get(i).thread())
                .thenComparingDouble(i -> events.get(i).startMicros())
                .thenComparing(i -> -events.get(i).durationMicros()));
        double[] self = new double[order.length];
        Deque<Integer> open = new ArrayDeque<>();
        for (int i : order) {
            Event e = events.get(i);
            self[i] = e.durationMicros();
            while (!open.isEmpty() && !inside(e, events.get(open.peek()))) {
                open.pop();
            }
            if (!open.isEmpty()) {
                self[open.peek()] -= e.durationMicros();
            }
            open.push(i);
        }
        return self;
    }

    /** The trace rounds to nanoseconds, so a child may seem to end a hair after its parent. */
    private static boolean inside(Event child, Event parent) {
        double slackMicros = 0.002;
        return child.thread() == parent.thread() && child.startMicros() >= parent.startMicros()
                && child.startMicros() + child.durationMicros()
                        <= parent.startMicros() + parent.durationMicros() + slackMicros;
    }

    /**
     * Returns the floating-point operations of a matrix-product kernel, {@code 2·b·m·k·n} (a multiply and an add
     * per term) from {@link #matmulDims}. The bias addition is not counted. Wrappers ({@code aten::linear},
     * {@code aten::matmul}) count 0: their kernels are counted where they run.
     *
     * @param name the operator
     * @param shapes its input shapes
     * @return the operations, or 0 for any other operator or unexpected shapes
     */
    public static double matmulFlops(String name, List<List<Long>> shapes) {
        long[] d = matmulDims(name, shapes);
        return d == null ? 0 : 2.0 * d[0] * d[1] * d[2] * d[3];
    }

    /**
     * Returns the sizes of a matrix-product kernel from its input shapes: {@code aten::mm} {@code [m, k] @ [k, n]},
     * {@code aten::addmm} {@code bias + [m, k] @ [k, n]}, {@code aten::bmm} {@code [b, m, k] @ [b, k, n]} and
     * {@code aten::baddbmm} {@code bias + [b, m, k] @ [b, k, n]}.
     *
     * @param name the operator
     * @param shapes its input shapes
     * @return {@code {b, m, k, n}} ({@code b} 1 for the two-dimensional products), or null for any other operator or
     *     unexpected shapes
     */
    public static long[] matmulDims(String name, List<List<Long>> shapes) {
        int first = switch (name) {
            case "aten::mm", "aten::bmm" -> 0;
            case "aten::addmm", "aten::baddbmm" -> 1;
            default -> -1;
        };
        if (first < 0 || shapes.size() < first + 2) {
            return null;
        }
        List<Long> a = shapes.get(first);
        List<Long> b = shapes.get(first + 1);
        int rank = name.endsWith("bmm") ? 3 : 2;
        if (a.size() != rank || b.size() != rank) {
            return null;
        }
        long batch = rank == 3 ? a.get(0) : 1;
        return new long[] {batch, a.get(rank - 2), a.get(rank - 1), b.get(rank - 1)};
    }
}
