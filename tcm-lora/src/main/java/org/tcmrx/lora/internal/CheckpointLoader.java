package org.tcmrx.lora.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.safetensors.DType;
import org.tcmrx.core.safetensors.SafetensorsCheckpoint;
import org.tcmrx.core.safetensors.TensorInfo;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Loads the weights of a Hugging Face Qwen2 folder ({@code model.safetensors}, or an index and shards) after checking
 * them against the layout the configuration implies. Every name is Hugging Face's, so loading is a lookup.
 */
public final class CheckpointLoader {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLoader.class);
    private static final Set<DType> FLOATS = EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.F64);

    private CheckpointLoader() {}

    /**
     * Loads and checks every tensor. Floating-point tensors of any width are widened or narrowed to float32 on the
     * Java side while reading. A tied model's checkpoint may carry {@code lm_head.weight}; it is checked for shape
     * and ignored with a warning, as Hugging Face ties it anyway.
     *
     * @param dir the model folder
     * @param config its configuration
     * @param device where the arrays go
     * @return the weights, owning a new base manager
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException for a missing, unexpected, mis-shaped or non-float tensor; its location is the
     *     file (the shard holding the tensor, or the checkpoint's main file for a missing one) and its field the
     *     tensor's name
     */
    public static Qwen2Weights load(Path dir, Qwen2Config config, Device device) throws IOException {
        Map<String, long[]> layout = WeightLayout.of(config);
        List<String> copies = WeightLayout.tiedCopies(config);
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
            String main = mainFile(dir).toString();
            for (Map.Entry<String, long[]> e : layout.entrySet()) {
                if (!checkpoint.contains(e.getKey())) {
                    throw new MalformedDataException(main, 0, e.getKey(),
                            "missing tensor; config.json implies shape " + Arrays.toString(e.getValue()));
                }
            }
            List<String> ignored = new ArrayList<>();
            for (String name : checkpoint.names()) {
                long[] expected = layout.get(name);
                if (expected == null && copies.contains(name)) {
                    expected = layout.get(WeightLayout.EMBED_TOKENS);
                    ignored.add(name);
                }
                if (expected == null) {
                    throw new MalformedDataException(checkpoint.fileOf(name).toString(), 0, name,
                            "unexpected tensor; a Qwen2ForCausalLM with this config.json has none");
                }
                check(checkpoint, name, expected);
            }
            if (!ignored.isEmpty()) {
                LOG.warn("{}: ignoring {}, tied to {}", main, ignored, WeightLayout.EMBED_TOKENS);
            }
            NDManager manager = NDManager.newBaseManager(device);
            manager.setName("qwen2-weights");
            try {
                Map<String, NDArray> arrays = new HashMap<>();
                for (Map.Entry<String, long[]> e : layout.entrySet()) {
                    String name = e.getKey();
                    arrays.put(name, NativeArrays.floats(manager, checkpoint.floats(name), new Shape(e.getValue())));
                }
                return Qwen2Weights.assemble(config, manager, arrays);
            } catch (IOException | RuntimeException e) {
                manager.close();
                throw e;
            }
        }
    }

    private static void check(SafetensorsCheckpoint checkpoint, String name, long[] expected) {
        TensorInfo info = checkpoint.info(name);
        String file = checkpoint.fileOf(name).toString();
        if (!Arrays.equals(info.shape(), expected)) {
            throw new MalformedDataException(file, 0, name, "shape " + Arrays.toString(info.shape())
                    + " does not match config.json, which implies " + Arrays.toString(expected));
        }
        if (!FLOATS.contains(info.dtype())) {
            throw new MalformedDataException(file, 0, name,
                    "dtype " + info.dtype() + " is not a floating-point type (F32, F16, BF16, F64)");
        }
    }

    private static Path mainFile(Path dir) {
        Path single = dir.resolve("model.safetensors");
        return Files.isRegularFile(single) ? single : dir.resolve("model.safetensors.index.json");
    }
}
