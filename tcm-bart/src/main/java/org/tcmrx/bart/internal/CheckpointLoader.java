package org.tcmrx.bart.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.tcmrx.bart.BartConfig;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.nn.internal.CheckpointReader;

/**
 * Loads the weights of a Hugging Face BART folder ({@code model.safetensors}, or an index and shards) after checking
 * them against the layout the configuration implies. Every name is Hugging Face's, so loading is a lookup.
 */
public final class CheckpointLoader {
    private CheckpointLoader() {}

    /**
     * Loads and checks every tensor. Floating-point tensors of any width are widened or narrowed to float32 on the
     * Java side (DJL cannot convert bf16 in this engine). The copies of {@code model.shared.weight} that some
     * checkpoints carry ({@link WeightLayout#tiedCopies}) are checked for shape and ignored with a warning; a
     * missing {@code final_logits_bias} is zero, as in Hugging Face, with a warning.
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
    public static BartWeights load(Path dir, BartConfig config, Device device) throws IOException {
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("bart-weights");
        try {
            return BartWeights.assemble(config, manager, read(dir, config, manager));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Checks and reads every tensor, as {@link #load} does, without assembling the blocks.
     *
     * @param dir the model folder
     * @param config its configuration
     * @param manager the manager that owns the arrays
     * @return every tensor of {@link WeightLayout#of}, by name
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException as {@link #load}
     */
    static Map<String, NDArray> read(Path dir, BartConfig config, NDManager manager) throws IOException {
        return CheckpointReader.read(dir, WeightLayout.of(config), Set.of(WeightLayout.FINAL_LOGITS_BIAS),
                WeightLayout.tiedCopies(config), WeightLayout.SHARED, "BartForConditionalGeneration", manager);
    }
}
