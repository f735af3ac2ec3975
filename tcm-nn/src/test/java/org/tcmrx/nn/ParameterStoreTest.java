package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.safetensors.SafetensorsWriter;

@DisplayName("ParameterStore")
class ParameterStoreTest {
    private static final String FC1 = "model.encoder.layers.0.fc1.weight";
    private static final String FC1_BIAS = "model.encoder.layers.0.fc1.bias";
    private static final String LORA = "model.encoder.layers.0.fc1.lora_A.weight";

    private ParameterStore store;

    @BeforeEach
    void setUp() {
        store = new ParameterStore();
        store.add(FC1, store.manager().create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)));
        store.add(FC1_BIAS, store.manager().create(new float[] {0.5f, -0.5f}, new Shape(2)));
        store.add(LORA, store.manager().create(new float[] {7, 8, 9}, new Shape(1, 3)), false);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Nested
    @DisplayName("contents")
    class Contents {
        @Test
        @DisplayName("keeps Hugging Face names in insertion order with counts")
        void names() {
            assertThat(store.names()).containsExactly(FC1, FC1_BIAS, LORA);
            assertThat(store.trainableNames()).containsExactly(FC1, FC1_BIAS);
            assertThat(store.count()).isEqualTo(11);
            assertThat(store.trainableCount()).isEqualTo(8);
            assertThat(store.get(LORA).hasGradient()).isFalse();
            assertThat(store.get(FC1).hasGradient()).isTrue();
        }

        @Test
        @DisplayName("setTrainable attaches and detaches gradients")
        void setTrainable() {
            assertThat(store.setTrainable(name -> name.contains("lora_"))).isEqualTo(1);
            assertThat(store.trainableNames()).containsExactly(LORA);
            assertThat(store.trainable()).containsExactly(store.get(LORA));
            assertThat(store.trainableCount()).isEqualTo(3);
            assertThat(store.get(LORA).hasGradient()).isTrue();
            assertThat(store.get(FC1).hasGradient()).isFalse();
        }

        @Test
        @DisplayName("rejects duplicates, unknown names and trainable non-float32 arrays")
        void errors() {
            NDArray extra = store.manager().zeros(new Shape(1));
            assertThatThrownBy(() -> store.add(FC1, extra)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("parameter '" + FC1 + "' is already in the store");
            assertThatThrownBy(() -> store.get("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no parameter 'nope' among the 3 parameters of this store");
            NDArray ints = store.manager().zeros(new Shape(2), DataType.INT32);
            assertThatThrownBy(() -> store.add("ids", ints)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("trainable parameter 'ids' must be float32, got int32");
            assertThatThrownBy(() -> store.add(" x", extra)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("name has surrounding white space: ' x'");
        }
    }

    @Nested
    @DisplayName("save and load")
    class SaveLoad {
        @Test
        @DisplayName("round-trips the selected parameters and drops their gradients")
        void roundTrip(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("model.safetensors");
            store.save(file, store::isTrainable);
            try (ParameterStore other = new ParameterStore()) {
                other.add(FC1, other.manager().zeros(new Shape(2, 3)));
                other.add(FC1_BIAS, other.manager().zeros(new Shape(2)));
                TestGradients.set(other, Map.of(FC1, new float[] {1, 1, 1, 1, 1, 1}));
                NDArray kept = other.get(FC1);
                ParameterStore.LoadResult r = other.load(file, true);
                assertThat(r.loaded()).containsExactly(FC1, FC1_BIAS);
                assertThat(other.get(FC1)).isSameAs(kept);
                assertThat(kept.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
                assertThat(other.get(FC1_BIAS).toFloatArray()).containsExactly(0.5f, -0.5f);
                assertThat(Gradients.globalNorm(other.trainable())).isZero();
                assertThat(kept.hasGradient()).isTrue();
            }
        }

        @Test
        @DisplayName("strict loading names missing and unexpected keys; lenient loading reports them")
        void strict(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("part.safetensors");
            SafetensorsWriter.write(file, Map.of(FC1, SafetensorsWriter.Tensor.ofFloats(new long[] {2, 3},
                    new float[6]), "extra.weight", SafetensorsWriter.Tensor.ofFloats(new long[] {1}, new float[1])),
                    Map.of());
            assertThatThrownBy(() -> store.load(file, true)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ": missing keys [" + FC1_BIAS + ", " + LORA
                            + "]; unexpected keys [extra.weight]");
            ParameterStore.LoadResult r = store.load(file, false);
            assertThat(r.loaded()).containsExactly(FC1);
            assertThat(r.missing()).containsExactly(FC1_BIAS, LORA);
            assertThat(r.unexpected()).containsExactly("extra.weight");
            assertThat(store.get(FC1).toFloatArray()).containsOnly(0f);
        }

        @Test
        @DisplayName("a shape mismatch fails even when lenient, before anything changes")
        void misShaped(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("bad.safetensors");
            SafetensorsWriter.write(file, Map.of(FC1, SafetensorsWriter.Tensor.ofFloats(new long[] {3, 2},
                    new float[6])), Map.of());
            assertThatThrownBy(() -> store.load(file, false)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(file + ": mis-shaped keys [" + FC1 + " (file [3, 2], parameter [2, 3])]");
            assertThat(store.get(FC1).toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Nested
    @DisplayName("borrowing a model's arrays")
    class Borrowing {
        @Test
        @DisplayName("borrow moves arrays in; giveBack returns each to its owner without a gradient, keeps added ones")
        void roundTrip() {
            try (NDManager model = NDManager.newBaseManager()) {
                NDArray w = model.create(new float[] {1, 2}, new Shape(2));
                NDArray b = model.create(new float[] {3}, new Shape(1));
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                arrays.put("m.w", w);
                arrays.put("m.b", b);
                store.borrow(arrays, true);
                assertThat(w.getManager()).isSameAs(store.manager());
                assertThat(store.trainableNames()).contains("m.w", "m.b");
                assertThat(w.hasGradient()).isTrue();
                store.giveBack();
                assertThat(w.getManager()).isSameAs(model);
                assertThat(b.getManager()).isSameAs(model);
                assertThat(w.hasGradient()).isFalse();
                assertThat(store.names()).containsExactly(FC1, FC1_BIAS, LORA);
                store.giveBack(); // nothing left to give
                store.close();
                assertThat(w.toFloatArray()).containsExactly(1, 2); // still alive: the store no longer owns it
                store = new ParameterStore();
            }
        }
    }
}
