package org.tcmrx.lora.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code Qwen2PreTrainedModel._init_weights}, drawn on the Java side so that a seed gives the same
 * weights on every device: linear and embedding weights {@code N(0, initializer_range)}, biases zero, RMSNorm scales
 * one. ({@code pad_token_id} is not modelled, so no embedding row is zeroed; Qwen2 configurations leave it unset.)
 */
public final class RandomInit {
    private RandomInit() {}

    /**
     * Initialises a model's weights.
     *
     * @param config the configuration
     * @param seed the seed; tensors are drawn in {@link WeightLayout#of} order from one generator
     * @param device where the arrays go
     * @return the weights, owning a new base manager
     */
    public static Qwen2Weights init(Qwen2Config config, long seed, Device device) {
        Random random = new Random(seed);
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("qwen2-weights");
        try {
            Map<String, NDArray> arrays = new HashMap<>();
            for (Map.Entry<String, long[]> e : WeightLayout.of(config).entrySet()) {
                String name = e.getKey();
                Shape shape = new Shape(e.getValue());
                float[] values = new float[Math.toIntExact(shape.size())];
                if (WeightLayout.isNormScale(name)) {
                    Arrays.fill(values, 1f);
                } else if (WeightLayout.isMatrix(name)) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (random.nextGaussian() * config.initializerRange());
                    }
                }
                arrays.put(name, NativeArrays.floats(manager, values, shape));
            }
            return Qwen2Weights.assemble(config, manager, arrays);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
