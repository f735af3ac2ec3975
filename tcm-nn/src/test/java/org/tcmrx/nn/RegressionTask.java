package org.tcmrx.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny training task: {@code y = P (W x + b)} on seeded data with exact targets, where {@code W} ({@value WEIGHT})
 * and {@code b} ({@value BIAS}) train and the mixing matrix {@code P} ({@value PROJ}) is frozen. Batches are lists of
 * row indices, turned into arrays in the step's scope.
 */
class RegressionTask implements TrainingTask<RegressionTask.Batch> {
    static final String WEIGHT = "linear.weight";
    static final String BIAS = "linear.bias";
    static final String PROJ = "proj.weight";
    static final int IN = 3;
    static final int OUT = 2;

    /** Row indices into the data. */
    record Batch(int[] rows) {}

    private final ParameterStore store;
    private final float[] x;
    private final float[] y;
    private final int size;
    private final int batchSize;
    private final boolean shuffle;

    /**
     * @param parent the manager the store hangs under
     * @param dataSeed seeds the data, the true weights and P
     * @param initSeed seeds W's initial values
     * @param size the number of examples
     * @param batchSize examples per batch
     * @param shuffle whether batches(epoch, rng) shuffles
     */
    RegressionTask(NDManager parent, long dataSeed, long initSeed, int size, int batchSize, boolean shuffle) {
        this.size = size;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        Random data = new Random(dataSeed);
        float[] trueW = gaussian(data, OUT * IN);
        float[] trueB = gaussian(data, OUT);
        float[] p = {1.0f, 0.3f, -0.2f, 0.8f};
        x = gaussian(data, size * IN);
        y = new float[size * OUT];
        for (int i = 0; i < size; i++) {
            float[] h = new float[OUT];
            for (int o = 0; o < OUT; o++) {
                h[o] = trueB[o];
                for (int k = 0; k < IN; k++) {
                    h[o] += trueW[o * IN + k] * x[i * IN + k];
                }
            }
            for (int o = 0; o < OUT; o++) {
                y[i * OUT + o] = p[o * OUT] * h[0] + p[o * OUT + 1] * h[1];
            }
        }
        store = new ParameterStore(parent);
        Random init = new Random(initSeed);
        float[] w0 = gaussian(init, OUT * IN);
        for (int i = 0; i < w0.length; i++) {
            w0[i] *= 0.1f;
        }
        store.add(WEIGHT, store.manager().create(w0, new Shape(OUT, IN)));
        store.add(BIAS, store.manager().zeros(new Shape(OUT)));
        store.add(PROJ, store.manager().create(p, new Shape(OUT, OUT)), false);
    }

    private static float[] gaussian(Random rng, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rng.nextGaussian();
        }
        return out;
    }

    @Override
    public List<Batch> batches(int epoch, Random rng) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        if (shuffle) {
            Collections.shuffle(order, rng);
        }
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from < size; from += batchSize) {
            int to = Math.min(size, from + batchSize);
            out.add(new Batch(order.subList(from, to).stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    @Override
    public NDArray loss(Batch batch, NDManager scope) {
        return mse(batch.rows(), scope);
    }

    private NDArray mse(int[] rows, NDManager scope) {
        int n = rows.length;
        float[] bx = new float[n * IN];
        float[] by = new float[n * OUT];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, rows[i] * IN, bx, i * IN, IN);
            System.arraycopy(y, rows[i] * OUT, by, i * OUT, OUT);
        }
        NDArray inputs = scope.create(bx, new Shape(n, IN)); // (N, IN)
        NDArray targets = scope.create(by, new Shape(n, OUT)); // (N, OUT)
        NDArray hidden = inputs.matMul(store.get(WEIGHT).transpose()).add(store.get(BIAS)); // (N, OUT)
        NDArray predicted = hidden.matMul(store.get(PROJ).transpose()); // (N, OUT)
        return predicted.sub(targets).square().mean();
    }

    @Override
    public Map<String, Double> evaluate(NDManager scope) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        return Map.of("eval_loss", (double) mse(all, scope).getFloat());
    }

    @Override
    public ParameterStore parameters() {
        return store;
    }

    @Override
    public long examples(Batch batch) {
        return batch.rows().length;
    }
}
