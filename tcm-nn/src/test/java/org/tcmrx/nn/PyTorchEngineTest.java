package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The build's native stack: libtorch from Maven Central loads with no download and computes. */
@DisplayName("DJL PyTorch engine")
class PyTorchEngineTest {
    @Test
    @DisplayName("loads offline from the Maven Central native jar and runs a matrix product")
    void loadsAndComputes() {
        Engine engine = Engine.getEngine("PyTorch");
        assertThat(engine.getVersion()).startsWith("2.");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray product = a.matMul(a);
            assertThat(product.toFloatArray()).containsExactly(7f, 10f, 15f, 22f);
        }
    }
}
