package org.tcmrx.lora.internal;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Writes the weights as {@code model.safetensors} in float32 under Hugging Face's names, as {@code save_pretrained}
 * does: a tied table once, as {@code model.embed_tokens.weight}, without an {@code lm_head.weight} copy. Float16
 * weights are widened exactly.
 */
public final class CheckpointWriter {
    private CheckpointWriter() {}

    /**
     * Writes the weights.
     *
     * @param weights the weights
     * @param file the file to write, atomically
     * @param metadata extra {@code __metadata__} strings ({@code format: pt} is added)
     * @throws IOException when writing fails
     */
    public static void write(Qwen2Weights weights, Path file, Map<String, String> metadata) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.parameters().entrySet()) {
            NDArray a = e.getValue();
            tensors.put(e.getKey(),
                    SafetensorsWriter.Tensor.ofFloats(a.getShape().getShape(), NativeArrays.toFloats(a)));
        }
        SafetensorsWriter.write(file, tensors, metadata);
    }
}
