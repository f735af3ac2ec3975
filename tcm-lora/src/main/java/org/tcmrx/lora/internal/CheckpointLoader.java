package org.tcmrx.lora.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.nn.internal.CheckpointReader;

/**
 * Loads the weights of a Hugging Face Qwen2 folder ({@code model.safetensors}, or an index and shards) after checking
 * them against the layout the configuration implies. Every name is Hugging Face's, so loading is a lookup.
 */
public final class CheckpointLoader {
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
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("qwen2-weights");
        try {
            Map<String, NDArray> arrays = CheckpointReader.read(dir, WeightLayout.of(config), Set.of(),
                    WeightLayout.tiedCopies(config), WeightLayout.EMBED_TOKENS, "Qwen2ForCausalLM", manager);
            return Qwen2Weights.assemble(config, manager, arrays);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
