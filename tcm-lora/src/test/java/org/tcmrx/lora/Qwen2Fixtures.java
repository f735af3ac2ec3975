package org.tcmrx.lora;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongPredicate;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.core.safetensors.TensorInfo;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The qwen2-tiny-A and peft-lora-A golden fixtures, read from {@code tcmrx.fixtures.dir}; tests are skipped without
 * them.
 */
final class Qwen2Fixtures {
    private Qwen2Fixtures() {}

    /** Returns {@code qwen2-tiny-A/}, or skips the test. */
    static Path qwen2TinyA() {
        return fixture("qwen2-tiny-A");
    }

    /** Returns {@code peft-lora-A/} (an adapter for qwen2-tiny-A), or skips the test. */
    static Path peftLoraA() {
        return fixture("peft-lora-A");
    }

    private static Path fixture(String name) {
        String dir = System.getProperty("tcmrx.fixtures.dir");
        assumeTrue(dir != null, "tcmrx.fixtures.dir is not set");
        Path folder = Path.of(dir).resolve(name);
        assumeTrue(Files.isRegularFile(folder.resolve("expected.safetensors")), "no fixture at " + folder);
        return folder;
    }

    /** Reads an I64 tensor into an int64 array of its shape. */
    static NDArray longs(NDManager manager, SafetensorsFile file, String name) throws IOException {
        return NativeArrays.longs(manager, file.longs(name), new Shape(file.info(name).shape()));
    }

    /** Creates a [rows, values.length / rows] int64 array. */
    static NDArray longs(NDManager manager, long[] values, int rows) {
        return NativeArrays.longs(manager, values, new Shape(rows, values.length / rows));
    }

    /** Reads every tensor of a weights file as float32, in header order, for writing modified copies. */
    static Map<String, SafetensorsWriter.Tensor> tensors(Path file) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                TensorInfo info = f.info(name);
                tensors.put(name, SafetensorsWriter.Tensor.ofFloats(info.shape(), f.floats(name)));
            }
        }
        return tensors;
    }

    /** The largest absolute difference where {@code keep} is true (everywhere when null); NaN counts as infinite. */
    static float maxAbsDiff(float[] actual, float[] expected, boolean[] keep) {
        if (actual.length != expected.length) {
            throw new AssertionError("lengths differ: " + actual.length + " vs " + expected.length);
        }
        float max = 0;
        for (int i = 0; i < actual.length; i++) {
            if (keep == null || keep[i]) {
                float d = Math.abs(actual[i] - expected[i]);
                if (!(d <= max)) {
                    max = Float.isNaN(d) ? Float.POSITIVE_INFINITY : d;
                }
            }
        }
        return max;
    }

    /** Expands a [B, T] selection of positions to the entries of a [B, T, inner] array. */
    static boolean[] positions(long[] values, LongPredicate keep, int inner) {
        boolean[] entries = new boolean[values.length * inner];
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < inner; j++) {
                entries[i * inner + j] = keep.test(values[i]);
            }
        }
        return entries;
    }

    /** The column of every entry of a [rows, cols] array, row-major, for {@link #positions}. */
    static long[] columns(int rows, int cols) {
        long[] column = new long[rows * cols];
        for (int i = 0; i < column.length; i++) {
            column[i] = i % cols;
        }
        return column;
    }

    /**
     * Writes a merge-free BPE tokenizer.json over the characters given, one token each, then Qwen's three special
     * tokens as added tokens. Its {@code Fuse} decoder joins tokens without spaces, so decoding gives the text back.
     */
    static Path charTokenizer(Path file, String text) throws IOException {
        return CharacterTokenizer.write(file, text);
    }
}
