package org.tcmrx.nn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("NativeArrays")
class NativeArraysTest {
    /** Keeps the churned buffers reachable until the next churn. */
    private static List<ByteBuffer> churned = new ArrayList<>();

    /**
     * Runs the garbage collector and then hands out many small direct buffers filled with NaN, so that memory freed
     * under a tensor still in use would be reused and poisoned.
     */
    private static void churn() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(5);
        }
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(Float.NaN);
            }
            buffers.add(b);
        }
        churned = buffers;
    }

    @Test
    @DisplayName("scalar operations keep the scalars autograd saved alive through garbage collection")
    void gradientsSurviveCollection() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = NativeArrays.floats(m, new float[] {1f, 2f, 3f}, new Shape(3));
            x.setRequiresGradient(true);
            for (int trial = 0; trial < 10; trial++) {
                try (NDManager scope = m.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    scope.tempAttachAll(x);
                    // y = sum(x * 2 / 4 + x^2 + 1): dy/dx = 0.5 + 2x
                    NDArray y = NativeArrays.add(NativeArrays.div(NativeArrays.mul(x, 2f), 4f)
                            .add(NativeArrays.pow(x, 2f)), 1f).sum();
                    churn();
                    collector.backward(y);
                }
                assertThat(x.getGradient().toFloatArray()).as("trial " + trial).containsExactly(2.5f, 4.5f, 6.5f);
                Autograd.clearGradient(x);
            }
        }
    }

    @Test
    @DisplayName("created arrays own their values")
    void ownMemory() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f = NativeArrays.floats(m, new float[] {1.5f, -2f}, new Shape(2, 1));
            NDArray l = NativeArrays.longs(m, new long[] {7, 8, 9}, new Shape(3));
            NDArray view = f.reshape(2); // a native alias, as autograd or intern() would keep
            churn();
            assertThat(view.toFloatArray()).containsExactly(1.5f, -2f);
            assertThat(l.toLongArray()).containsExactly(7, 8, 9);
            assertThat(f.getShape()).isEqualTo(new Shape(2, 1));
            assertThat(f.getManager()).isSameAs(m);
        }
    }

    @Test
    @DisplayName("a scalar takes the data type of the array it meets")
    void scalarType() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray d = m.zeros(new Shape(2), DataType.FLOAT64);
            NDArray s = NativeArrays.scalar(d, 0.25f);
            assertThat(s.getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(s.getShape().dimension()).isZero();
            assertThat(NativeArrays.mul(d.add(1.0), 0.25f).toDoubleArray()).containsExactly(0.25, 0.25);
        }
    }
}
