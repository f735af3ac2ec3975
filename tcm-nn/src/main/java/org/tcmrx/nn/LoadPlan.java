package org.tcmrx.nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.safetensors.DType;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.TensorInfo;

/** Matches a safetensors file's tensors against parameter names and shapes before anything is loaded. */
final class LoadPlan {
    private static final Set<DType> FLOAT_TYPES = EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.F64);

    private LoadPlan() {}

    /**
     * Decides what a load would change, or fails listing every problem at once.
     *
     * @param st the open file
     * @param shapes each parameter's name and shape, in the store's order
     * @param strict whether missing and unexpected names are errors
     * @param file the file, for the message
     * @return the names to load, and the missing and unexpected ones
     * @throws MalformedDataException listing every missing (when strict), unexpected (when strict), mis-shaped and
     *     non-float name
     */
    static ParameterStore.LoadResult check(SafetensorsFile st, Map<String, long[]> shapes, boolean strict,
            Path file) {
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        List<String> nonFloat = new ArrayList<>();
        shapes.forEach((name, expected) -> {
            if (!st.contains(name)) {
                missing.add(name);
                return;
            }
            TensorInfo info = st.info(name);
            if (!FLOAT_TYPES.contains(info.dtype())) {
                nonFloat.add(name + " (" + info.dtype() + ")");
            } else if (!Arrays.equals(info.shape(), expected)) {
                misShaped.add(name + " (file " + Arrays.toString(info.shape()) + ", parameter "
                        + Arrays.toString(expected) + ")");
            } else {
                loaded.add(name);
            }
        });
        List<String> unexpected = st.names().stream().filter(n -> !shapes.containsKey(n)).toList();
        List<String> problems = new ArrayList<>();
        if (strict && !missing.isEmpty()) {
            problems.add("missing keys " + missing);
        }
        if (strict && !unexpected.isEmpty()) {
            problems.add("unexpected keys " + unexpected);
        }
        if (!misShaped.isEmpty()) {
            problems.add("mis-shaped keys " + misShaped);
        }
        if (!nonFloat.isEmpty()) {
            problems.add("non-float keys " + nonFloat);
        }
        if (!problems.isEmpty()) {
            throw new MalformedDataException(file.toString(), 0, null, String.join("; ", problems));
        }
        return new ParameterStore.LoadResult(loaded, missing, unexpected);
    }
}
