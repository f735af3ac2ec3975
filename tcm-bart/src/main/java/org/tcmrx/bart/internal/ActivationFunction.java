package org.tcmrx.bart.internal;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.tcmrx.nn.internal.NativeArrays;

/** The values of {@code activation_function} this BART supports, named as in Hugging Face's {@code ACT2FN}. */
public enum ActivationFunction {
    /** Exact GELU, {@code x * Phi(x)} with the erf; libtorch's {@code gelu} with {@code approximate="none"}. */
    GELU("gelu") {
        @Override
        public NDArray apply(NDArray x) {
            // DJL's PyTorch gelu calls torch::gelu without an approximation, which is the erf form.
            return x.getNDArrayInternal().gelu();
        }
    },
    /** {@code max(0, x)}. */
    RELU("relu") {
        @Override
        public NDArray apply(NDArray x) {
            return x.getNDArrayInternal().relu();
        }
    },
    /** The tanh approximation of GELU (GPT-2's {@code NewGELUActivation}). */
    GELU_NEW("gelu_new") {
        @Override
        public NDArray apply(NDArray x) {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            float c = (float) Math.sqrt(2.0 / Math.PI);
            NDArray inner = NativeArrays.mul(NativeArrays.mul(NativeArrays.pow(x, 3), 0.044715f).add(x), c);
            return NativeArrays.mul(NativeArrays.add(inner.tanh(), 1f).mul(x), 0.5f);
        }
    };

    /** The supported names, for messages. */
    public static final String NAMES =
            Arrays.stream(values()).map(ActivationFunction::hfName).collect(Collectors.joining(", "));

    private final String hfName;

    ActivationFunction(String hfName) {
        this.hfName = hfName;
    }

    /**
     * Returns the name used in {@code config.json}.
     *
     * @return the name, e.g. {@code gelu}
     */
    public String hfName() {
        return hfName;
    }

    /**
     * Applies the function element-wise.
     *
     * @param x any shape
     * @return the same shape, in the manager of {@code x}
     */
    public abstract NDArray apply(NDArray x);

    /**
     * Returns the function with this {@code config.json} name.
     *
     * @param name the name
     * @return the function, or null when the name is not supported
     */
    public static ActivationFunction byName(String name) {
        for (ActivationFunction f : values()) {
            if (f.hfName.equals(name)) {
                return f;
            }
        }
        return null;
    }
}
