package org.tcmrx.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fp32 matrix-product rate this machine reaches through DJL: square {@code [n, n] @ [n, n]} products of random
 * values, {@code 2·n³} floating-point operations each, the best of a few repetitions after one warm-up product. A
 * benchmark measures twice, before and after its models, and takes the best of both passes as the peak, so that a
 * moment when other work shares the processor does not set it.
 */
final class MatmulPeak {
    /** Timed products per size, after the warm-up. */
    static final int REPETITIONS = 3;

    private MatmulPeak() {}

    /**
     * One size's best repetition.
     *
     * @param n the matrix size
     * @param millis the fastest product's wall time
     * @param gflopsPerSecond {@code 2·n³ / time}
     */
    record Point(int n, double millis, double gflopsPerSecond) {}

    /**
     * Both passes and the best of them.
     *
     * @param before the first pass, one point per size in the order asked
     * @param after the second pass, likewise
     * @param peak the fastest point of either
     */
    record Result(List<Point> before, List<Point> after, Point peak) {
        /**
         * Takes the best of two passes.
         *
         * @param before the first pass
         * @param after the second pass
         * @return the passes and their peak
         */
        static Result of(List<Point> before, List<Point> after) {
            Point peak = Stream.concat(before.stream(), after.stream())
                    .max(Comparator.comparingDouble(Point::gflopsPerSecond)).orElseThrow();
            return new Result(List.copyOf(before), List.copyOf(after), peak);
        }
    }

    /**
     * Measures each size once.
     *
     * @param sizes the matrix sizes, at least one
     * @param device where the products run
     * @return one point per size, in order
     */
    static List<Point> measure(List<Integer> sizes, Device device) {
        List<Point> points = new ArrayList<>(sizes.size());
        for (int n : sizes) {
            try (NDManager m = NDManager.newBaseManager(device)) {
                NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
                NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
                double best = Double.POSITIVE_INFINITY;
                for (int rep = -1; rep < REPETITIONS; rep++) {
                    long t0 = System.nanoTime();
                    try (NDArray c = a.matMul(b)) {
                        finished(c);
                    }
                    double millis = (System.nanoTime() - t0) / 1e6;
                    best = rep < 0 ? best : Math.min(best, millis); // rep -1 is the warm-up
                }
                points.add(new Point(n, best, 2.0 * n * n * n / best / 1e6));
            }
        }
        return List.copyOf(points);
    }

    /**
     * Waits until {@code x} and all work queued before it are computed: reading a value from the device blocks until
     * then (on the CPU every operation has already finished when it returns).
     *
     * @return {@code x}
     */
    static NDArray finished(NDArray x) {
        try (NDArray flat = x.flatten(); NDArray first = flat.get(0)) {
            first.toFloatArray();
        }
        return x;
    }
}
