package org.tcmrx.bart.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.tcmrx.bart.BartConfig;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Hugging Face's {@code BartPreTrainedModel._init_weights}, drawn on the Java side so that a seed gives the same
 * weights on every device: linear and embedding weights {@code N(0, init_std)}, the padding row of the token table
 * zero, biases and {@code final_logits_bias} zero, LayerNorm scales one.
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
    public static BartWeights init(BartConfig config, long seed, Device device) {
        Random random = new Random(seed);
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("bart-weights");
        try {
            Map<String, NDArray> arrays = new HashMap<>();
            for (Map.Entry<String, long[]> e : WeightLayout.of(config).entrySet()) {
                String name = e.getKey();
                Shape shape = new Shape(e.getValue());
                float[] values = new float[Math.toIntExact(shape.size())];
                if (WeightLayout.isNormScale(name)) {
                    java.util.Arrays.fill(values, 1f);
                } else if (name.endsWith(".weight")) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (random.nextGaussian() * config.initStd());
                    }
                    if (name.equals(WeightLayout.SHARED)) {
                        // nn.Embedding(padding_idx=pad) keeps the padding row at zero.
                        int c = config.dModel();
                        java.util.Arrays.fill(values, config.padTokenId() * c, (config.padTokenId() + 1) * c, 0f);
                    }
                }
                arrays.put(name, NativeArrays.floats(manager, values, shape));
            }
            return BartWeights.assemble(config, manager, arrays);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
