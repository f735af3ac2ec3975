package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.safetensors.DType;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.core.safetensors.TensorInfo;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The tensors of a LoRA adapter, {@code lora_A.weight [R, in]} and {@code lora_B.weight [out, R]} per adapted module,
 * under PEFT's file keys: initialised, read from {@code adapter_model.safetensors} after checking them, or written.
 */
public final class AdapterTensors {
    private static final Set<DType> FLOATS = EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.F64);
    private static final String LORA_B = ".lora_B.weight";

    private AdapterTensors() {}

    /**
     * Initialises the tensors as PEFT's {@code LoraLayer.reset_lora_parameters} does. With PEFT's default
     * initialisation, {@code lora_A} is {@code kaiming_uniform_(a=sqrt(5))} and {@code lora_B} zero, so the adapter
     * starts as the identity; without it, both keep {@code nn.Linear}'s own initialisation, which is that same
     * Kaiming-uniform draw. With {@code a = sqrt(5)} the gain is {@code sqrt(2 / (1 + a^2)) = sqrt(1/3)} and the
     * bound {@code gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in)}, {@code fan_in} being a tensor's second dimension.
     *
     * @param layout every key with its shape, in the order to draw them
     * @param peftInit {@code init_lora_weights}
     * @param seed the seed; the tensors are drawn in layout order from one generator, on the Java side, so a seed
     *     gives the same tensors on every device
     * @param manager the manager that owns the results
     * @return the arrays, by key, in layout order
     */
    public static Map<String, NDArray> init(Map<String, long[]> layout, boolean peftInit, long seed,
            NDManager manager) {
        Random random = new Random(seed);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : layout.entrySet()) {
            long[] shape = e.getValue();
            float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
            if (!(peftInit && e.getKey().endsWith(LORA_B))) {
                double bound = 1 / Math.sqrt(shape[1]);
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
            }
            arrays.put(e.getKey(), NativeArrays.floats(manager, values, new Shape(shape)));
        }
        return arrays;
    }

    /**
     * Reads and checks the tensors of an adapter file: exactly the layout's keys, each of its shape and of a
     * floating-point dtype (widened or narrowed to float32).
     *
     * @param file {@code adapter_model.safetensors}
     * @param layout every key with the shape the configuration and the model imply
     * @param source what implies the layout, for messages ({@code adapter_config.json's target_modules [...]})
     * @param manager the manager that owns the results
     * @return the arrays, by key, in layout order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException for a missing, unexpected, mis-shaped or non-float tensor; its location is the
     *     file and its field the key
     */
    public static Map<String, NDArray> read(Path file, Map<String, long[]> layout, String source, NDManager manager)
            throws IOException {
        String location = file.toString();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (Map.Entry<String, long[]> e : layout.entrySet()) {
                if (!st.contains(e.getKey())) {
                    throw new MalformedDataException(location, 0, e.getKey(), "missing tensor; " + source
                            + " and the model imply shape " + Arrays.toString(e.getValue()));
                }
            }
            for (String name : st.names()) {
                long[] expected = layout.get(name);
                if (expected == null) {
                    throw new MalformedDataException(location, 0, name, "unexpected tensor; with " + source
                            + " the adapter of this model has none");
                }
                TensorInfo info = st.info(name);
                if (!Arrays.equals(info.shape(), expected)) {
                    throw new MalformedDataException(location, 0, name, "shape " + Arrays.toString(info.shape())
                            + " does not match " + source + " and the model, which imply "
                            + Arrays.toString(expected));
                }
                if (!FLOATS.contains(info.dtype())) {
                    throw new MalformedDataException(location, 0, name,
                            "dtype " + info.dtype() + " is not a floating-point type (F32, F16, BF16, F64)");
                }
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : layout.entrySet()) {
                arrays.put(e.getKey(), NativeArrays.floats(manager, st.floats(e.getKey()), new Shape(e.getValue())));
            }
            return arrays;
        }
    }

    /**
     * Writes the tensors as float32, in the map's order, atomically.
     *
     * @param file {@code adapter_model.safetensors}
     * @param arrays the tensors by key
     * @param metadata extra {@code __metadata__} strings ({@code format: pt} is added)
     * @throws IOException when writing fails
     */
    public static void write(Path file, Map<String, NDArray> arrays, Map<String, String> metadata)
            throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            tensors.put(e.getKey(), SafetensorsWriter.Tensor.ofFloats(a.getShape().getShape(), a.toFloatArray()));
        }
        SafetensorsWriter.write(file, tensors, metadata);
    }
}
