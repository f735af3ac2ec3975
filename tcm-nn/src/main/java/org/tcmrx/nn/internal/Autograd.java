package org.tcmrx.nn.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The two gradient operations DJL's engine-neutral API lacks, done on the PyTorch engine's own types. With
 * {@link TorchProfiler}, the only code in TCM-Rx that touches {@code ai.djl.pytorch}.
 *
 * <ul>
 *   <li>{@link NDArray#getGradient()} cannot tell "no gradient yet" from a zero gradient: PyTorch's {@code .grad} is
 *       {@code None} until a backward pass reaches the tensor, and DJL then invents a fresh zeros array. PyTorch's
 *       optimizers skip a parameter whose {@code .grad} is {@code None}, so we need the difference.
 *   <li>Gradients must be reset between optimizer steps (PyTorch accumulates into {@code .grad}). DJL's {@code
 *       GradientCollector.zeroGradients()} walks every array of the process and subtracts the gradient from itself,
 *       which leaves NaN where a gradient was NaN. We do what {@code optimizer.zero_grad(set_to_none=True)} does.
 * </ul>
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Returns a parameter's accumulated gradient, or null when no backward pass has reached it since it was last
     * cleared. The returned array is a new handle on the same storage (in-place changes change the gradient); it is
     * attached to the parameter's current manager, so close it or attach it to a scope.
     *
     * @param parameter a parameter
     * @return its gradient, or null
     */
    public static NDArray gradientOrNull(NDArray parameter) {
        if (!parameter.hasGradient()) {
            return null;
        }
        return JniUtils.getGradient((PtNDArray) parameter);
    }

    /**
     * Sets a parameter's gradient to {@code None}, as {@code zero_grad(set_to_none=True)}: the parameter's handle is
     * swapped for a detached alias of the same storage with a fresh autograd record. No memory is copied or written,
     * so NaN and infinite gradients go away too; the Java object (and every reference to it) stays the same.
     *
     * @param parameter a parameter
     */
    public static void clearGradient(NDArray parameter) {
        PtNDArray gradient = JniUtils.getGradient((PtNDArray) parameter);
        if (gradient == null) {
            return;
        }
        gradient.close();
        boolean requiresGrad = parameter.hasGradient();
        PtNDArray fresh = JniUtils.detachGradient((PtNDArray) parameter);
        if (requiresGrad) {
            fresh.setRequiresGradient(true);
        }
        // intern() takes over fresh's handle, deletes the old one and closes fresh's Java wrapper.
        parameter.intern(fresh);
    }
}
