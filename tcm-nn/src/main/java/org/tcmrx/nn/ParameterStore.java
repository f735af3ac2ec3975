package org.tcmrx.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.nn.internal.Autograd;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * A model's named parameters, in the order they were added, each trainable (its gradient is collected) or frozen. The
 * names are Hugging Face's weight names verbatim ({@code model.encoder.layers.0.fc1.weight}), so loading a checkpoint
 * is a lookup. The store owns an {@link NDManager}; every parameter array lives in it and is freed by {@link #close}.
 *
 * <p>Not thread-safe: one training loop uses a store at a time.
 */
public final class ParameterStore implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    /** The managers borrowed arrays came from, to hand them back. */
    private final Map<NDArray, NDManager> lenders = new IdentityHashMap<>();

    /** One named array and whether it trains. */
    private static final class Parameter {
        final NDArray array;
        boolean trainable;

        Parameter(NDArray array, boolean trainable) {
            this.array = array;
            this.trainable = trainable;
        }
    }

    /** Creates an empty store with its own base manager on the default device. */
    public ParameterStore() {
        this.manager = NDManager.newBaseManager();
    }

    /**
     * Creates an empty store whose manager is a sub-manager of {@code parent}.
     *
     * @param parent the parent manager; closing it frees the parameters too
     * @throws IllegalArgumentException when {@code parent} is null
     */
    public ParameterStore(NDManager parent) {
        this.manager = Checks.notNull(parent, "parent").newSubManager();
    }

    /**
     * Returns the manager that owns the parameters. Per-step scopes are sub-managers of it.
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * Adds a trainable parameter, as {@code nn.Parameter} defaults to {@code requires_grad=True}.
     *
     * @param name the Hugging Face weight name
     * @param array the values; moved into this store's manager
     * @return {@code array}
     * @throws IllegalArgumentException as {@link #add(String, NDArray, boolean)}
     */
    public NDArray add(String name, NDArray array) {
        return add(name, array, true);
    }

    /**
     * Adds a parameter.
     *
     * @param name the Hugging Face weight name
     * @param array the values; moved into this store's manager
     * @param trainable whether its gradient is collected and the optimizer updates it
     * @return {@code array}
     * @throws IllegalArgumentException when the name is not a valid name or already present, the array is null, or a
     *     trainable array is not float32
     */
    public NDArray add(String name, NDArray array, boolean trainable) {
        Checks.name(name, "name");
        Checks.notNull(array, "array");
        if (parameters.containsKey(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' is already in the store");
        }
        if (trainable) {
            requireFloat32(name, array);
        }
        array.attach(manager);
        array.setRequiresGradient(trainable);
        parameters.put(name, new Parameter(array, trainable));
        return array;
    }

    private static void requireFloat32(String name, NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("trainable parameter '" + name + "' must be float32, got "
                    + array.getDataType());
        }
    }

    /**
     * Returns a parameter.
     *
     * @param name its name
     * @return its array
     * @throws IllegalArgumentException when there is no parameter of that name
     */
    public NDArray get(String name) {
        return entry(name).array;
    }

    private Parameter entry(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' among the " + parameters.size()
                    + " parameters of this store");
        }
        return p;
    }

    /**
     * Tells whether the store has a parameter.
     *
     * @param name the name
     * @return true when {@link #get} finds it
     */
    public boolean contains(String name) {
        return parameters.containsKey(name);
    }

    /**
     * Returns every parameter's name, in the order added.
     *
     * @return an unmodifiable list
     */
    public List<String> names() {
        return List.copyOf(parameters.keySet());
    }

    /**
     * Tells whether a parameter trains.
     *
     * @param name its name
     * @return true when it is trainable
     * @throws IllegalArgumentException when there is no parameter of that name
     */
    public boolean isTrainable(String name) {
        return entry(name).trainable;
    }

    /**
     * Returns the trainable parameters' names, in the order added.
     *
     * @return an unmodifiable list
     */
    public List<String> trainableNames() {
        List<String> out = new ArrayList<>();
        parameters.forEach((name, p) -> {
            if (p.trainable) {
                out.add(name);
            }
        });
        return Collections.unmodifiableList(out);
    }

    /**
     * Returns the trainable parameters' arrays, in the order of {@link #trainableNames()}.
     *
     * @return an unmodifiable list
     */
    public List<NDArray> trainable() {
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : parameters.values()) {
            if (p.trainable) {
                out.add(p.array);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every array, trainable or not, in the order added: what a step scope temporarily adopts. */
    List<NDArray> arrays() {
        List<NDArray> out = new ArrayList<>(parameters.size());
        for (Parameter p : parameters.values()) {
            out.add(p.array);
        }
        return out;
    }

    /**
     * Makes exactly the parameters whose names match trainable (attaching a gradient) and freezes the rest
     * (detaching theirs and dropping any accumulated gradient), e.g. {@code name -> name.contains("lora_")}.
     *
     * @param trainable which names train
     * @return the number of trainable parameters (arrays) afterwards
     * @throws IllegalArgumentException when the predicate is null or selects a parameter that is not float32
     */
    public int setTrainable(Predicate<String> trainable) {
        Checks.notNull(trainable, "trainable");
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            boolean t = trainable.test(name);
            if (t) {
                requireFloat32(name, p.array);
            }
            wanted.put(name, t);
        });
        int count = 0;
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            p.trainable = wanted.get(e.getKey());
            if (!p.trainable) {
                Autograd.clearGradient(p.array);
            }
            p.array.setRequiresGradient(p.trainable);
            count += p.trainable ? 1 : 0;
        }
        return count;
    }

    /**
     * Drops every accumulated gradient, as PyTorch's {@code optimizer.zero_grad(set_to_none=True)}: the next backward
     * pass writes fresh gradients, and a parameter it does not reach has none (the optimizer then skips it).
     */
    public void zeroGradients() {
        for (Parameter p : parameters.values()) {
            Autograd.clearGradient(p.array);
        }
    }

    /**
     * Returns the number of scalar parameters, as {@code sum(p.numel() for p in model.parameters())}.
     *
     * @return the total element count
     */
    public long count() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.array.getShape().size();
        }
        return n;
    }

    /**
     * Returns the number of trainable scalar parameters.
     *
     * @return the element count of the trainable arrays
     */
    public long trainableCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            if (p.trainable) {
                n += p.array.getShape().size();
            }
        }
        return n;
    }

    /**
     * Writes some parameters to a safetensors file as F32, in the store's order, atomically.
     *
     * @param file the file to create or replace
     * @param which selects the names to write, e.g. {@code store::isTrainable}
     * @throws IllegalArgumentException when an argument is null
     * @throws IOException when writing fails
     */
    public void save(Path file, Predicate<String> which) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(which, "which");
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (which.test(e.getKey())) {
                NDArray a = e.getValue().array;
                tensors.put(e.getKey(),
                        SafetensorsWriter.Tensor.ofFloats(a.getShape().getShape(), NativeArrays.toFloats(a)));
            }
        }
        SafetensorsWriter.write(file, tensors, Map.of());
    }

    /**
     * What a {@link #load} matched, as PyTorch's {@code load_state_dict} reports it.
     *
     * @param loaded the names read from the file, in store order
     * @param missing the store's names the file lacks, in store order
     * @param unexpected the file's names the store lacks, in file order
     */
    public record LoadResult(List<String> loaded, List<String> missing, List<String> unexpected) {
        /**
         * Copies the lists.
         *
         * @param loaded the names read from the file, in store order
         * @param missing the store's names the file lacks, in store order
         * @param unexpected the file's names the store lacks, in file order
         */
        public LoadResult {
            loaded = List.copyOf(loaded);
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }
    }

    /**
     * Replaces parameters' values with a safetensors file's (any float dtype; converted to each parameter's type).
     * Everything is checked before anything changes. A shape mismatch is always an error; with {@code strict}, so is
     * any missing or unexpected name. Loading drops the loaded parameters' accumulated gradients.
     *
     * @param file the file
     * @param strict whether the file must hold exactly the store's names, as {@code load_state_dict(strict=True)}
     * @return what matched
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is not valid safetensors, or its names or shapes do not fit; the
     *     message lists every missing, unexpected and mis-shaped name
     */
    public LoadResult load(Path file, boolean strict) throws IOException {
        Checks.notNull(file, "file");
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            parameters.forEach((name, p) -> shapes.put(name, p.array.getShape().getShape()));
            LoadResult plan = LoadPlan.check(st, shapes, strict, file);
            for (String name : plan.loaded()) {
                replaceValues(entry(name), st.floats(name));
            }
            return plan;
        }
    }

    /**
     * Points the parameter's Java object at a new tensor holding the values: every reference a model keeps stays
     * valid, and the old tensor (and its gradient) is freed. Writing through {@code set(Buffer)} instead would bind
     * the tensor to a Java direct buffer.
     */
    private void replaceValues(Parameter p, float[] values) {
        Shape shape = p.array.getShape();
        DataType type = p.array.getDataType();
        // intern() closes fresh's wrapper, so fresh must own its memory (see NativeArrays).
        NDArray fresh = NativeArrays.floats(manager, values, shape);
        if (type != DataType.FLOAT32) {
            try (NDArray f32 = fresh) {
                fresh = f32.toType(type, true);
            }
        }
        fresh.setRequiresGradient(p.trainable);
        p.array.intern(fresh);
    }

    /** Frees every parameter (and anything else in the store's manager). */
    /**
     * Adds a model's own arrays for a training run: they move into this store's manager (so the loop's per-step
     * scopes can take them) until {@link #giveBack()} returns each to the manager it came from. The model keeps
     * using the same array objects throughout; an optimizer updates them in place.
     *
     * @param arrays the arrays by Hugging Face weight name, added in the map's order
     * @param trainable whether they train
     * @throws IllegalArgumentException as {@link #add(String, NDArray, boolean)}
     */
    public void borrow(Map<String, NDArray> arrays, boolean trainable) {
        Checks.notNull(arrays, "arrays");
        arrays.forEach((name, array) -> {
            NDManager owner = Checks.notNull(array, "array").getManager();
            add(name, array, trainable);
            lenders.put(array, owner);
        });
    }

    /**
     * Returns every borrowed array to the manager it came from, with its gradient switched off, and removes it from
     * the store; arrays added with {@link #add} stay. Call it when a run ends, also when it fails: afterwards
     * closing the store does not free the model's arrays. Does nothing the second time.
     */
    public void giveBack() {
        parameters.values().removeIf(p -> {
            NDManager owner = lenders.remove(p.array);
            if (owner == null) {
                return false;
            }
            Autograd.clearGradient(p.array);
            p.array.setRequiresGradient(false);
            p.array.attach(owner);
            return true;
        });
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "ParameterStore[" + parameters.size() + " parameters, " + count() + " values, " + trainableCount()
                + " trainable]";
    }
}
