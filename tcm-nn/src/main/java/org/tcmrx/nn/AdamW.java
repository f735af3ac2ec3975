package org.tcmrx.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.safetensors.DType;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.core.safetensors.TensorInfo;
import org.tcmrx.nn.internal.Autograd;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), step for step what {@code torch.optim.AdamW} does
 * on CPU (the single-tensor path, {@code amsgrad=False}, {@code maximize=False}). For each trainable parameter
 * {@code p} with gradient {@code g}, at its own step count {@code t}:
 *
 * <pre>
 * p   = p * (1 - lr * weight_decay)
 * m   = beta1 * m + (1 - beta1) * g
 * v   = beta2 * v + (1 - beta2) * g * g
 * p   = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>A parameter that no backward pass reached since the last {@link ParameterStore#zeroGradients()} is skipped, as
 * PyTorch skips a {@code None} gradient. The state ({@code step}, {@code exp_avg}, {@code exp_avg_sq} per parameter)
 * is created on a parameter's first update, lives in this optimizer's manager (a sub-manager of the store's) and is
 * freed by {@link #close}.
 */
public final class AdamW implements AutoCloseable {
    private static final String EXP_AVG = ".exp_avg";
    private static final String EXP_AVG_SQ = ".exp_avg_sq";
    private static final String STEP = ".step";

    private final AdamWConfig config;
    private final ParameterStore parameters;
    private final NDManager manager;
    private final Map<String, State> states = new LinkedHashMap<>();

    /** One parameter's moments and step count. */
    private static final class State implements AutoCloseable {
        final NDArray expAvg;
        final NDArray expAvgSq;
        long step;

        State(NDArray expAvg, NDArray expAvgSq, long step) {
            this.expAvg = expAvg;
            this.expAvgSq = expAvgSq;
            this.step = step;
        }

        @Override
        public void close() {
            expAvg.close();
            expAvgSq.close();
        }
    }

    /**
     * Creates an optimizer over a store's trainable parameters (as they are at each {@link #step}).
     *
     * @param config the hyper-parameters
     * @param parameters the parameters
     * @throws IllegalArgumentException when an argument is null
     */
    public AdamW(AdamWConfig config, ParameterStore parameters) {
        this.config = Checks.notNull(config, "config");
        this.parameters = Checks.notNull(parameters, "parameters");
        this.manager = parameters.manager().newSubManager();
    }

    /**
     * Returns the hyper-parameters.
     *
     * @return the config
     */
    public AdamWConfig config() {
        return config;
    }

    /**
     * Returns how many updates a parameter has had, PyTorch's {@code state[p]["step"]}.
     *
     * @param name the parameter's name
     * @return the count, 0 before its first update
     */
    public long stepCount(String name) {
        State s = states.get(name);
        return s == null ? 0 : s.step;
    }

    /**
     * Updates every trainable parameter that has a gradient, in place. Call it outside any gradient collector:
     * PyTorch refuses in-place changes to a leaf that requires grad while autograd records.
     *
     * @param lr the learning rate of this step
     * @throws IllegalArgumentException when {@code lr} is negative or not finite
     */
    public void step(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and at least 0, got " + lr);
        }
        for (String name : parameters.trainableNames()) {
            NDArray p = parameters.get(name);
            NDArray g = Autograd.gradientOrNull(p);
            if (g != null) {
                update(name, p, g, lr);
            }
        }
    }

    private void update(String name, NDArray p, NDArray g, double lr) {
        State s = states.computeIfAbsent(name, k -> new State(
                manager.zeros(p.getShape(), DataType.FLOAT32), manager.zeros(p.getShape(), DataType.FLOAT32), 0));
        // One scope per parameter: temporaries are freed before the next parameter's are made. Operations land in
        // their first operand's manager, so p, m and v join the scope for the duration and then go home.
        try (NDManager scope = manager.newSubManager()) {
            g.attach(scope);
            scope.tempAttachAll(p, s.expAvg, s.expAvgSq);
            s.step++;
            double beta1 = config.beta1();
            double beta2 = config.beta2();
            double decay = config.decayFor(name);
            if (decay != 0) {
                p.muli((float) (1 - lr * decay));
            }
            s.expAvg.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            s.expAvgSq.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
            double biasCorrection1 = 1 - Math.pow(beta1, s.step);
            double biasCorrection2 = 1 - Math.pow(beta2, s.step);
            double stepSize = lr / biasCorrection1;
            NDArray denom = s.expAvgSq.sqrt().divi((float) Math.sqrt(biasCorrection2)).addi((float) config.eps());
            p.subi(s.expAvg.div(denom).muli((float) stepSize));
        }
    }

    /**
     * Writes the state to a safetensors file: per parameter {@code <name>.exp_avg} and {@code <name>.exp_avg_sq}
     * (F32, the parameter's shape) and {@code <name>.step} (I64 scalar), atomically.
     *
     * @param file the file to create or replace
     * @throws IOException when writing fails
     */
    public void save(Path file) throws IOException {
        Checks.notNull(file, "file");
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            long[] shape = s.expAvg.getShape().getShape();
            tensors.put(e.getKey() + EXP_AVG, SafetensorsWriter.Tensor.ofFloats(shape, s.expAvg.toFloatArray()));
            tensors.put(e.getKey() + EXP_AVG_SQ,
                    SafetensorsWriter.Tensor.ofFloats(shape, s.expAvgSq.toFloatArray()));
            tensors.put(e.getKey() + STEP, SafetensorsWriter.Tensor.ofLongs(new long[0], new long[] {s.step}));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("optimizer", "AdamW");
        metadata.put("betas", config.beta1() + "," + config.beta2());
        metadata.put("eps", String.valueOf(config.eps()));
        metadata.put("weight_decay", String.valueOf(config.weightDecay()));
        SafetensorsWriter.write(file, tensors, metadata);
    }

    /**
     * Replaces the state with a file's written by {@link #save}. Everything is checked before anything changes.
     *
     * @param file the file
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is not valid, names a parameter that is not trainable in the store,
     *     lacks part of a parameter's state, or has a shape that does not match the parameter's
     */
    public void load(Path file) throws IOException {
        Checks.notNull(file, "file");
        String location = file.toString();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Map<String, State> loaded = new LinkedHashMap<>();
            boolean complete = false;
            try {
                for (String tensor : st.names()) {
                    String name = paramName(tensor);
                    if (name == null) {
                        throw new MalformedDataException(location, 0, tensor,
                                "not an AdamW state tensor (expected <parameter>.exp_avg, .exp_avg_sq or .step)");
                    }
                    if (!parameters.contains(name) || !parameters.isTrainable(name)) {
                        throw new MalformedDataException(location, 0, tensor,
                                "no trainable parameter '" + name + "' in the store");
                    }
                    if (loaded.containsKey(name)) {
                        continue;
                    }
                    loaded.put(name, readState(st, location, name, parameters.get(name).getShape()));
                }
                complete = true;
            } finally {
                if (!complete) {
                    loaded.values().forEach(State::close);
                }
            }
            states.values().forEach(State::close);
            states.clear();
            states.putAll(loaded);
        }
    }

    private State readState(SafetensorsFile st, String location, String name, Shape shape) throws IOException {
        for (String suffix : new String[] {EXP_AVG, EXP_AVG_SQ, STEP}) {
            if (!st.contains(name + suffix)) {
                throw new MalformedDataException(location, 0, name + suffix, "missing; the state of '" + name
                        + "' needs .exp_avg, .exp_avg_sq and .step");
            }
        }
        for (String suffix : new String[] {EXP_AVG, EXP_AVG_SQ}) {
            TensorInfo info = st.info(name + suffix);
            if (info.dtype() != DType.F32 || !Arrays.equals(info.shape(), shape.getShape())) {
                throw new MalformedDataException(location, 0, name + suffix, "expected F32 "
                        + Arrays.toString(shape.getShape()) + ", found " + info.dtype() + " "
                        + Arrays.toString(info.shape()));
            }
        }
        TensorInfo stepInfo = st.info(name + STEP);
        if (stepInfo.dtype() != DType.I64 || stepInfo.elementCount() != 1) {
            throw new MalformedDataException(location, 0, name + STEP, "expected one I64 value, found "
                    + stepInfo.dtype() + " " + Arrays.toString(stepInfo.shape()));
        }
        long step = st.longs(name + STEP)[0];
        NDArray m = NativeArrays.floats(manager, st.floats(name + EXP_AVG), shape);
        NDArray v = NativeArrays.floats(manager, st.floats(name + EXP_AVG_SQ), shape);
        return new State(m, v, step);
    }

    private static String paramName(String tensor) {
        for (String suffix : new String[] {EXP_AVG_SQ, EXP_AVG, STEP}) {
            if (tensor.endsWith(suffix) && tensor.length() > suffix.length()) {
                return tensor.substring(0, tensor.length() - suffix.length());
            }
        }
        return null;
    }

    /** Frees the state. */
    @Override
    public void close() {
        states.clear();
        manager.close();
    }
}
