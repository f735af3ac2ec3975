package org.tcmrx.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.nn.internal.Autograd;

/**
 * Gradient norms, clipping and the non-finite guard, over the gradients accumulated on parameters. A parameter that
 * has no gradient (no backward pass reached it) counts as absent, as in PyTorch's {@code clip_grad_norm_}, which only
 * sees parameters whose {@code .grad} is not {@code None}.
 */
public final class Gradients {
    /** PyTorch's {@code clip_grad_norm_} adds this to the total norm before dividing. */
    static final double CLIP_EPSILON = 1e-6;

    private Gradients() {}

    /**
     * Returns the L2 norm of all gradients taken together, {@code sqrt(sum of each gradient's squared L2 norm)}.
     *
     * @param params the parameters
     * @return the norm; NaN or infinite when a gradient is; 0 when no parameter has a gradient
     * @throws IllegalArgumentException when the list is null
     */
    public static double globalNorm(List<NDArray> params) {
        return total(norms(params));
    }

    /**
     * Scales the gradients so their global norm is at most {@code maxNorm}, as {@code
     * torch.nn.utils.clip_grad_norm_}: with {@code total} the global norm, each gradient is multiplied by {@code
     * maxNorm / (total + 1e-6)} when that is below 1, and left alone otherwise. When the total is not finite nothing
     * changes (PyTorch would multiply by NaN); check the returned value.
     *
     * @param params the parameters
     * @param maxNorm the largest global norm allowed, positive
     * @return the global norm before clipping
     * @throws IllegalArgumentException when the list is null or {@code maxNorm} is not positive and finite
     */
    public static double clipByGlobalNorm(List<NDArray> params, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be positive and finite, got " + maxNorm);
        }
        double total = globalNorm(params);
        clip(params, total, maxNorm);
        return total;
    }

    /**
     * Throws when a gradient holds NaN or an infinity, naming the first such parameter.
     *
     * @param step the 1-based optimizer step, for the message
     * @param names the parameters' names, parallel to {@code params}
     * @param params the parameters
     * @throws NonFiniteException when a gradient's norm is not finite
     * @throws IllegalArgumentException when the lists are null or of different sizes
     */
    public static void requireFinite(int step, List<String> names, List<NDArray> params) {
        Checks.notNull(names, "names");
        Checks.notNull(params, "params");
        if (names.size() != params.size()) {
            throw new IllegalArgumentException("names has " + names.size() + " entries but params has "
                    + params.size());
        }
        float[] norms = norms(params);
        int bad = firstNonFinite(norms);
        if (bad >= 0) {
            throw new NonFiniteException(step, names.get(bad), norms[bad]);
        }
    }

    /** Each parameter's gradient L2 norm (0 without a gradient), read back from the device in one transfer. */
    static float[] norms(List<NDArray> params) {
        Checks.notNull(params, "params");
        float[] out = new float[params.size()];
        if (params.isEmpty()) {
            return out;
        }
        try (NDManager scope = params.get(0).getManager().newSubManager()) {
            NDList norms = new NDList();
            int[] index = new int[params.size()];
            for (int i = 0; i < params.size(); i++) {
                NDArray g = Autograd.gradientOrNull(params.get(i));
                if (g == null) {
                    index[i] = -1;
                    continue;
                }
                g.attach(scope);
                index[i] = norms.size();
                norms.add(g.norm());
            }
            if (norms.isEmpty()) {
                return out;
            }
            float[] values = NDArrays.stack(norms).toFloatArray();
            for (int i = 0; i < out.length; i++) {
                out[i] = index[i] < 0 ? 0f : values[index[i]];
            }
        }
        return out;
    }

    /** The global norm from the per-parameter norms, in double precision. */
    static double total(float[] norms) {
        double sum = 0;
        for (float n : norms) {
            sum += (double) n * n;
        }
        return Math.sqrt(sum);
    }

    /** The index of the first non-finite norm, or -1. */
    static int firstNonFinite(float[] norms) {
        for (int i = 0; i < norms.length; i++) {
            if (!Float.isFinite(norms[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Applies clip_grad_norm_'s coefficient for a known total; no-op when not finite or already small enough. */
    static void clip(List<NDArray> params, double total, double maxNorm) {
        if (!Double.isFinite(total)) {
            return;
        }
        double coef = maxNorm / (total + CLIP_EPSILON);
        if (coef >= 1) {
            return;
        }
        for (NDArray p : params) {
            NDArray g = Autograd.gradientOrNull(p);
            if (g != null) {
                try (g) {
                    g.muli((float) coef);
                }
            }
        }
    }
}
