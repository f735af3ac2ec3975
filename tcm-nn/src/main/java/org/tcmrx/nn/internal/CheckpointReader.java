package org.tcmrx.nn.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.safetensors.DType;
import org.tcmrx.core.safetensors.SafetensorsCheckpoint;
import org.tcmrx.core.safetensors.TensorInfo;

/**
 * Reads a Hugging Face model folder ({@code model.safetensors}, or an index and shards) into float32 arrays, or
 * float16 ones for the tensors the caller names, after checking it against the layout its {@code config.json}
 * implies: every expected tensor present (or known to be optional), nothing unexpected, every shape right, every dtype
 * floating-point. Copies of a tied table that some checkpoints carry are checked for shape and ignored with a warning.
 *
 * <p>Tensors are converted on the Java side (DJL cannot convert bf16 in this engine) and copied into engine-owned
 * memory in chunks of at most 64 MiB through one reused direct buffer, so no Java array of a whole tensor is made: a
 * 7B model's token table alone is 545M values, a 2 GiB float array. Float32 arrays hold exactly what {@link
 * SafetensorsCheckpoint#floats} reads; float16 arrays what {@link SafetensorsCheckpoint#readFloat16} reads (F16 as
 * stored, the rest rounded to nearest even).
 */
public final class CheckpointReader {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointReader.class);
    private static final Set<DType> FLOATS = EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.F64);
    /** The largest chunk copied into native memory at once. */
    static final int CHUNK_BYTES = 64 << 20;

    private CheckpointReader() {}

    /**
     * Checks and reads every tensor of the layout.
     *
     * @param dir the model folder
     * @param layout every tensor the model has, by Hugging Face name, with its shape
     * @param optional names that may be missing; they are read as zeros, with a warning, as Hugging Face does
     * @param tiedCopies names a tied checkpoint may carry besides {@code tiedTo}; checked against its shape, ignored
     * @param tiedTo the table the copies are tied to (a key of the layout), or null when there are no copies
     * @param architecture the model class for messages, e.g. {@code Qwen2ForCausalLM}
     * @param manager the manager that owns the arrays
     * @return the float32 arrays, by name
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException for a missing, unexpected, mis-shaped or non-float tensor; its location is the
     *     file (the shard holding the tensor, or the checkpoint's main file for a missing one) and its field the
     *     tensor's name
     */
    public static Map<String, NDArray> read(Path dir, Map<String, long[]> layout, Set<String> optional,
            List<String> tiedCopies, String tiedTo, String architecture, NDManager manager) throws IOException {
        return read(dir, layout, optional, tiedCopies, tiedTo, architecture, name -> false, manager);
    }

    /**
     * Checks and reads every tensor of the layout, storing some as float16.
     *
     * @param dir the model folder
     * @param layout every tensor the model has, by Hugging Face name, with its shape
     * @param optional names that may be missing; they are read as zeros, with a warning, as Hugging Face does
     * @param tiedCopies names a tied checkpoint may carry besides {@code tiedTo}; checked against its shape, ignored
     * @param tiedTo the table the copies are tied to (a key of the layout), or null when there are no copies
     * @param architecture the model class for messages, e.g. {@code Qwen2ForCausalLM}
     * @param float16 selects the names stored as float16; the others are float32
     * @param manager the manager that owns the arrays
     * @return the arrays, by name
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException for a missing, unexpected, mis-shaped or non-float tensor; its location is the
     *     file (the shard holding the tensor, or the checkpoint's main file for a missing one) and its field the
     *     tensor's name
     * @throws IllegalArgumentException when a tensor to store as float16 has finite values beyond its range
     *     (±65504), which would become infinite; the message names the file, the tensor and the count
     */
    public static Map<String, NDArray> read(Path dir, Map<String, long[]> layout, Set<String> optional,
            List<String> tiedCopies, String tiedTo, String architecture, Predicate<String> float16,
            NDManager manager) throws IOException {
        return read(dir, layout, optional, tiedCopies, tiedTo, architecture, float16, manager, CHUNK_BYTES);
    }

    /** {@link #read(Path, Map, Set, List, String, String, Predicate, NDManager)} with another chunk size, for tests. */
    static Map<String, NDArray> read(Path dir, Map<String, long[]> layout, Set<String> optional,
            List<String> tiedCopies, String tiedTo, String architecture, Predicate<String> float16,
            NDManager manager, int chunkBytes) throws IOException {
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
            String main = mainFile(dir).toString();
            for (Map.Entry<String, long[]> e : layout.entrySet()) {
                if (!checkpoint.contains(e.getKey()) && !optional.contains(e.getKey())) {
                    throw new MalformedDataException(main, 0, e.getKey(),
                            "missing tensor; config.json implies shape " + Arrays.toString(e.getValue()));
                }
            }
            List<String> ignored = new ArrayList<>();
            for (String name : checkpoint.names()) {
                long[] expected = layout.get(name);
                if (expected == null && tiedCopies.contains(name)) {
                    expected = layout.get(tiedTo);
                    ignored.add(name);
                }
                if (expected == null) {
                    throw new MalformedDataException(checkpoint.fileOf(name).toString(), 0, name,
                            "unexpected tensor; a " + architecture + " with this config.json has none");
                }
                check(checkpoint, name, expected);
            }
            if (!ignored.isEmpty()) {
                LOG.warn("{}: ignoring {}, tied to {}", main, ignored, tiedTo);
            }
            Map<String, NDArray> arrays = new HashMap<>();
            // One chunk buffer for every tensor, no larger than the largest needs.
            long largest = layout.values().stream().mapToLong(s -> new Shape(s).size() * Float.BYTES).max().orElse(0);
            ByteBuffer scratch = ByteBuffer.allocateDirect((int) Math.max(Float.BYTES, Math.min(chunkBytes, largest)));
            for (Map.Entry<String, long[]> e : layout.entrySet()) {
                String name = e.getKey();
                Shape shape = new Shape(e.getValue());
                DataType type = float16.test(name) ? DataType.FLOAT16 : DataType.FLOAT32;
                if (checkpoint.contains(name)) {
                    arrays.put(name, read(checkpoint, name, shape, type, scratch, manager));
                } else {
                    LOG.warn("{}: no {}; using zeros, as Hugging Face does", main, name);
                    arrays.put(name, manager.zeros(shape, type));
                }
            }
            return arrays;
        }
    }

    private static NDArray read(SafetensorsCheckpoint checkpoint, String name, Shape shape, DataType type,
            ByteBuffer scratch, NDManager manager) throws IOException {
        if (type == DataType.FLOAT32) {
            return NativeArrays.filled(manager, shape, type, scratch,
                    (from, dest) -> checkpoint.readFloats(name, from, dest.asFloatBuffer()));
        }
        long[] overflowed = {0};
        NDArray array = NativeArrays.filled(manager, shape, type, scratch,
                (from, dest) -> overflowed[0] += checkpoint.readFloat16(name, from, dest.asShortBuffer()));
        if (overflowed[0] > 0) {
            array.close();
            throw new IllegalArgumentException(checkpoint.fileOf(name) + ": " + name + ": " + overflowed[0] + " of "
                    + shape.size() + " values are beyond float16's range (±65504) and would become infinite; load "
                    + "the model with float32 storage");
        }
        return array;
    }

    private static void check(SafetensorsCheckpoint checkpoint, String name, long[] expected) {
        TensorInfo info = checkpoint.info(name);
        String file = checkpoint.fileOf(name).toString();
        if (!Arrays.equals(info.shape(), expected)) {
            throw new MalformedDataException(file, 0, name, "shape " + Arrays.toString(info.shape())
                    + " does not match config.json, which implies " + Arrays.toString(expected));
        }
        if (!FLOATS.contains(info.dtype())) {
            throw new MalformedDataException(file, 0, name,
                    "dtype " + info.dtype() + " is not a floating-point type (F32, F16, BF16, F64)");
        }
    }

    private static Path mainFile(Path dir) {
        Path single = dir.resolve("model.safetensors");
        return Files.isRegularFile(single) ? single : dir.resolve("model.safetensors.index.json");
    }
}
