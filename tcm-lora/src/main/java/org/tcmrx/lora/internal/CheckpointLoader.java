package org.tcmrx.lora.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.lora.WeightStorage;
import org.tcmrx.nn.internal.CheckpointReader;

/**
 * Loads the weights of a Hugging Face Qwen2 folder ({@code model.safetensors}, or an index and shards) after checking
 * them against the layout the configuration implies. Every name is Hugging Face's, so loading is a lookup. Tensors are
 * copied into native memory in bounded chunks, never as one Java array (see {@link CheckpointReader}).
 */
public final class CheckpointLoader {
    private CheckpointLoader() {}

    /**
     * Loads and checks every tensor. Floating-point tensors of any width are converted on the Java side while
     * reading: to float32, or with {@link WeightStorage#FLOAT16} the {@linkplain WeightLayout#isMatrix weight
     * matrices} to float16. A tied model's checkpoint may carry {@code lm_head.weight}; it is checked for shape and
     * ignored with a warning, as Hugging Face ties it anyway.
     *
     * @param dir the model folder
     * @param config its configuration
     * @param storage how to store the weight matrices
     * @param device where the arrays go
     * @return the weights, owning a new base manager
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException for a missing, unexpected, mis-shaped or non-float tensor; its location is the
     *     file (the shard holding the tensor, or the checkpoint's main file for a missing one) and its field the
     *     tensor's name
     * @throws IllegalArgumentException when a matrix to store as float16 has values beyond its range
     */
    public static Qwen2Weights load(Path dir, Qwen2Config config, WeightStorage storage, Device device)
            throws IOException {
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("qwen2-weights");
        try {
            Predicate<String> float16 = name -> storage == WeightStorage.FLOAT16 && WeightLayout.isMatrix(name);
            Map<String, NDArray> arrays = CheckpointReader.read(dir, WeightLayout.of(config), Set.of(),
                    WeightLayout.tiedCopies(config), WeightLayout.EMBED_TOKENS, "Qwen2ForCausalLM", float16, manager);
            return Qwen2Weights.assemble(config, manager, arrays);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
