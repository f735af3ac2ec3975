package org.tcmrx.nn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("TorchProfiler")
class TorchProfilerTest {
    private static TorchProfiler.Event event(String name, double start, double duration, long thread,
            List<List<Long>> shapes) {
        return new TorchProfiler.Event(name, shapes, start, duration, thread);
    }

    @Nested
    @DisplayName("totals")
    class Totals {
        @Test
        @DisplayName("charge each call its interval minus its direct callees', per thread")
        void selfTimes() {
            // linear [0, 100) calls matmul [10, 90), which calls mm [20, 80); thread 2's mm overlaps in time only.
            List<List<Long>> mmShapes = List.of(List.of(4L, 3L), List.of(3L, 5L));
            List<TorchProfiler.Event> events = List.of(
                    event("aten::mm", 20, 60, 1, mmShapes),
                    event("aten::linear", 0, 100, 1, List.of()),
                    event("aten::matmul", 10, 80, 1, List.of()),
                    event("aten::mm", 30, 40, 2, mmShapes),
                    event("aten::add", 100, 5, 1, List.of()));
            List<TorchProfiler.OpTotal> totals = TorchProfiler.totals(events, false);
            assertThat(totals).extracting(TorchProfiler.OpTotal::name)
                    .containsExactly("aten::mm", "aten::linear", "aten::matmul", "aten::add");
            assertThat(totals.get(0).calls()).isEqualTo(2);
            assertThat(totals.get(0).selfMillis()).isCloseTo(0.100, within(1e-12)); // 60 + 40 µs
            assertThat(totals.get(0).flops()).isEqualTo(2 * 2 * 4 * 3 * 5);
            assertThat(totals.get(0).gflopsPerSecond()).isCloseTo(240 / 0.100 / 1e6, within(1e-12));
            assertThat(totals.get(1).selfMillis()).isCloseTo(0.020, within(1e-12)); // 100 - 80
            assertThat(totals.get(2).selfMillis()).isCloseTo(0.020, within(1e-12)); // 80 - 60
            assertThat(totals.get(3).selfMillis()).isCloseTo(0.005, within(1e-12));
            assertThat(totals.get(3).gflopsPerSecond()).isZero();
        }

        @Test
        @DisplayName("nest calls only within their own recording")
        void recordings() {
            List<TorchProfiler.Event> first = List.of(event("aten::mm", 0, 100, 1, List.of()));
            List<TorchProfiler.Event> second = List.of(event("aten::add", 10, 20, 1, List.of()));
            List<TorchProfiler.OpTotal> totals = TorchProfiler.totalsAcross(List.of(first, second, first), false);
            assertThat(totals).extracting(TorchProfiler.OpTotal::name).containsExactly("aten::mm", "aten::add");
            assertThat(totals.get(0).calls()).isEqualTo(2);
            assertThat(totals.get(0).selfMillis()).isCloseTo(0.200, within(1e-12));
            assertThat(totals.get(1).selfMillis()).isCloseTo(0.020, within(1e-12));
        }

        @Test
        @DisplayName("keep input signatures apart when asked")
        void byShape() {
            List<TorchProfiler.Event> events = List.of(
                    event("aten::mm", 0, 10, 1, List.of(List.of(2L, 2L), List.of(2L, 2L))),
                    event("aten::mm", 20, 10, 1, List.of(List.of(2L, 2L), List.of(2L, 2L))),
                    event("aten::mm", 40, 30, 1, List.of(List.of(8L, 2L), List.of(2L, 2L))));
            List<TorchProfiler.OpTotal> totals = TorchProfiler.totals(events, true);
            assertThat(totals).hasSize(2);
            assertThat(totals.get(0).shapes()).containsExactly(List.of(8L, 2L), List.of(2L, 2L));
            assertThat(totals.get(1).calls()).isEqualTo(2);
            assertThat(totals.get(1).flops()).isEqualTo(2 * 2 * 8);
        }
    }

    @Test
    @DisplayName("matrix-product operations come from the input shapes; other operators count 0")
    void flops() {
        List<Long> a = List.of(6L, 4L);
        List<Long> b = List.of(4L, 5L);
        assertThat(TorchProfiler.matmulFlops("aten::mm", List.of(a, b))).isEqualTo(240);
        assertThat(TorchProfiler.matmulFlops("aten::addmm", List.of(List.of(5L), a, b, List.of(), List.of())))
                .isEqualTo(240);
        assertThat(TorchProfiler.matmulFlops("aten::bmm", List.of(List.of(3L, 6L, 4L), List.of(3L, 4L, 5L))))
                .isEqualTo(720);
        assertThat(TorchProfiler.matmulFlops("aten::matmul", List.of(a, b))).isZero();
        assertThat(TorchProfiler.matmulFlops("aten::mm", List.of(a))).isZero();
        assertThat(TorchProfiler.matmulDims("aten::baddbmm",
                List.of(List.of(1L), List.of(3L, 6L, 4L), List.of(3L, 4L, 5L)))).containsExactly(3, 6, 4, 5);
        assertThat(TorchProfiler.matmulDims("aten::add", List.of(a, a))).isNull();
    }

    @Test
    @DisplayName("profiles a real block: its matrix product is recorded with its shapes")
    void live() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(32, 16));
            NDArray w = m.randomNormal(new Shape(8, 16));
            List<TorchProfiler.Event> events = TorchProfiler.profile(
                    () -> x.getNDArrayInternal().linear(x, w, null).singletonOrThrow().close());
            double flops = TorchProfiler.totals(events, false).stream().mapToDouble(TorchProfiler.OpTotal::flops).sum();
            assertThat(flops).isEqualTo(2.0 * 32 * 16 * 8);
        }
        assertThat(TorchProfiler.intraOpThreads()).isPositive();
    }
}
