package org.tcmrx.core.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;

/**
 * The weights of a Hugging Face model folder, read by name wherever they lie: either one {@code model.safetensors}
 * or, as {@code save_pretrained} writes large models, shards listed by {@code model.safetensors.index.json}
 * ({@code {"metadata": {...}, "weight_map": {tensor name: shard file}}}). Like {@code from_pretrained}, a folder with
 * both reads {@code model.safetensors}.
 *
 * <p>{@link #open} opens every shard and validates its header (see {@link SafetensorsFile}) and the index: each
 * shard it names exists inside the folder, each tensor it lists is in the shard it names, no tensor is listed twice,
 * and no tensor it lists is also in another shard. Problems with the index are reported by a {@link
 * MalformedDataException} whose location is the index's path and whose field is the tensor's name, or
 * {@code weight_map}. Tensors of a shard that the index does not list are not visible. The index's
 * {@code metadata} is not read.
 *
 * <p>Reads are thread-safe; {@link #close} closes every shard.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    /** The file of an unsharded checkpoint. */
    static final String SINGLE = "model.safetensors";
    /** The index of a sharded checkpoint. */
    static final String INDEX = "model.safetensors.index.json";
    private static final String WEIGHT_MAP = "weight_map";

    private final Path dir;
    private final List<String> names;
    private final Map<String, SafetensorsFile> fileOfName;
    private final List<SafetensorsFile> files;
    private volatile boolean closed;

    private SafetensorsCheckpoint(Path dir, Map<String, SafetensorsFile> fileOfName, List<SafetensorsFile> files) {
        this.dir = dir;
        this.names = List.copyOf(fileOfName.keySet());
        this.fileOfName = Collections.unmodifiableMap(new HashMap<>(fileOfName));
        this.files = List.copyOf(files);
    }

    /**
     * Opens a model folder.
     *
     * @param dir the folder holding {@code model.safetensors}, or {@code model.safetensors.index.json} and its shards
     * @return the checkpoint; close it when done
     * @throws IllegalArgumentException when {@code dir} is null
     * @throws NoSuchFileException when the folder has neither {@code model.safetensors} nor
     *     {@code model.safetensors.index.json}
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when the index or a safetensors file is malformed
     */
    public static SafetensorsCheckpoint open(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        Path single = dir.resolve(SINGLE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> fileOfName = new LinkedHashMap<>();
            file.names().forEach(name -> fileOfName.put(name, file));
            return new SafetensorsCheckpoint(dir, fileOfName, List.of(file));
        }
        Path index = dir.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            throw new NoSuchFileException(dir.toString(), null, "no " + SINGLE + " or " + INDEX);
        }
        return sharded(dir, index);
    }

    private static SafetensorsCheckpoint sharded(Path dir, Path index) throws IOException {
        String location = index.toString();
        Map<String, String> weightMap = readWeightMap(location, Files.readAllBytes(index));
        Map<String, Path> shardPaths = new LinkedHashMap<>();
        for (Entry<String, String> e : weightMap.entrySet()) {
            Path shard = shardPaths.computeIfAbsent(e.getValue(), s -> resolveShard(location, dir, e.getKey(), s));
            if (!Files.isRegularFile(shard)) {
                throw Header.bad(location, e.getKey(), "shard " + e.getValue() + " does not exist");
            }
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        boolean opened = false;
        try {
            for (Entry<String, Path> e : shardPaths.entrySet()) {
                shards.put(e.getKey(), SafetensorsFile.open(e.getValue()));
            }
            Map<String, SafetensorsFile> fileOfName = new LinkedHashMap<>();
            for (Entry<String, String> e : weightMap.entrySet()) {
                SafetensorsFile file = shards.get(e.getValue());
                if (!file.contains(e.getKey())) {
                    throw Header.bad(location, e.getKey(), "listed in " + e.getValue() + ", which has no such tensor");
                }
                fileOfName.put(e.getKey(), file);
            }
            for (Entry<String, SafetensorsFile> e : shards.entrySet()) {
                for (String name : e.getValue().names()) {
                    String listed = weightMap.get(name);
                    if (listed != null && !listed.equals(e.getKey())) {
                        throw Header.bad(location, name, "is in both " + listed + " and " + e.getKey()
                                + "; the index lists it in " + listed);
                    }
                }
            }
            SafetensorsCheckpoint result = new SafetensorsCheckpoint(dir, fileOfName, new ArrayList<>(shards.values()));
            opened = true;
            return result;
        } finally {
            if (!opened) {
                shards.values().forEach(SafetensorsFile::close);
            }
        }
    }

    /** Reads {@code weight_map} in file order, rejecting a tensor listed twice, which a JSON tree would hide. */
    private static Map<String, String> readWeightMap(String location, byte[] json) {
        Map<String, String> weightMap = null;
        try (JsonParser p = Json.MAPPER.createParser(json)) {
            JsonToken token = p.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw new MalformedDataException(location, 0, null, "expected a JSON object, found "
                        + Header.describe(token));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                token = p.nextToken();
                if (!WEIGHT_MAP.equals(key)) {
                    p.skipChildren();
                    continue;
                }
                if (weightMap != null) {
                    throw Header.bad(location, WEIGHT_MAP, "appears twice in the index");
                }
                if (token != JsonToken.START_OBJECT) {
                    throw Header.bad(location, WEIGHT_MAP, "expected an object {tensor name: shard file}, found "
                            + Header.describe(token));
                }
                weightMap = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        throw Header.bad(location, name, "shard is " + Header.json(Header.VALUE_READER.readTree(p))
                                + "; expected a file name");
                    }
                    String before = weightMap.putIfAbsent(name, p.getText());
                    if (before != null) {
                        throw Header.bad(location, name, "listed twice in weight_map (" + before + " and "
                                + p.getText() + ")");
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new MalformedDataException(location, 0, null, "text after the JSON object, at column "
                        + p.currentTokenLocation().getColumnNr());
            }
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(location, 0, null, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory", e);
        }
        if (weightMap == null) {
            throw Header.bad(location, WEIGHT_MAP, "missing; expected an object {tensor name: shard file}");
        }
        return weightMap;
    }

    /** Resolves a shard's file name, which must name a file inside the folder. */
    private static Path resolveShard(String location, Path dir, String tensor, String shard) {
        try {
            Path relative = Path.of(shard);
            Path resolved = dir.resolve(relative).normalize();
            if (!shard.isEmpty() && !relative.isAbsolute() && resolved.startsWith(dir.normalize())
                    && !resolved.equals(dir.normalize())) {
                return resolved;
            }
        } catch (InvalidPathException e) {
            // Reported below like any other name outside the folder.
        }
        throw Header.bad(location, tensor, "shard \"" + shard + "\" is not a file name inside " + dir);
    }

    /**
     * Returns the folder.
     *
     * @return the path as given to {@link #open}
     */
    public Path dir() {
        return dir;
    }

    /**
     * Returns the tensors' names: in header order for {@code model.safetensors}, in {@code weight_map} order for
     * shards.
     *
     * @return an unmodifiable list
     */
    public List<String> names() {
        return names;
    }

    /**
     * Tells whether the checkpoint has a tensor of this name.
     *
     * @param name the name
     * @return true when {@link #info} would find it
     */
    public boolean contains(String name) {
        return fileOfName.containsKey(name);
    }

    /**
     * Returns where a tensor lies; its offsets are relative to the data buffer of {@link #fileOf its file}.
     *
     * @param name the tensor's name
     * @return its type, shape and offsets
     * @throws IllegalArgumentException when the checkpoint has no tensor of this name
     */
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /**
     * Reads a floating-point tensor as float32; see {@link SafetensorsFile#floats}.
     *
     * @param name the tensor's name
     * @return the elements in row-major order
     * @throws IllegalArgumentException when the tensor is absent, not F32, F16, BF16 or F64, or too big for an array
     * @throws IllegalStateException when the checkpoint is closed
     * @throws IOException when reading fails
     */
    public float[] floats(String name) throws IOException {
        return openFile(name).floats(name);
    }

    /**
     * Reads part of a floating-point tensor as float32; see {@link SafetensorsFile#readFloats}.
     *
     * @param name the tensor's name
     * @param fromElement the row-major index of the first element to read
     * @param dest where the elements go; {@code dest.remaining()} of them are read
     * @throws IllegalArgumentException when the tensor is absent or not F32, F16, BF16 or F64, {@code dest} is null,
     *     or the range is not within the tensor
     * @throws IllegalStateException when the checkpoint is closed
     * @throws IOException when reading fails
     */
    public void readFloats(String name, long fromElement, FloatBuffer dest) throws IOException {
        openFile(name).readFloats(name, fromElement, dest);
    }

    /**
     * Reads part of a floating-point tensor as IEEE binary16 bits; see {@link SafetensorsFile#readFloat16}.
     *
     * @param name the tensor's name
     * @param fromElement the row-major index of the first element to read
     * @param dest where the bit patterns go; {@code dest.remaining()} of them are read
     * @return how many finite elements of the range became infinite, being beyond float16's range
     * @throws IllegalArgumentException when the tensor is absent or not F32, F16, BF16 or F64, {@code dest} is null,
     *     or the range is not within the tensor
     * @throws IllegalStateException when the checkpoint is closed
     * @throws IOException when reading fails
     */
    public long readFloat16(String name, long fromElement, ShortBuffer dest) throws IOException {
        return openFile(name).readFloat16(name, fromElement, dest);
    }

    /**
     * Reads an integer or boolean tensor widened to long; see {@link SafetensorsFile#longs}.
     *
     * @param name the tensor's name
     * @return the elements in row-major order
     * @throws IllegalArgumentException when the tensor is absent, of a dtype longs does not read, or too big
     * @throws IllegalStateException when the checkpoint is closed
     * @throws IOException when reading fails
     */
    public long[] longs(String name) throws IOException {
        return openFile(name).longs(name);
    }

    /**
     * Returns the file holding a tensor.
     *
     * @param name the tensor's name
     * @return {@code model.safetensors} or the shard the index names
     * @throws IllegalArgumentException when the checkpoint has no tensor of this name
     */
    public Path fileOf(String name) {
        return file(name).path();
    }

    /** Closes every file; reading afterwards throws {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public void close() {
        closed = true;
        RuntimeException failure = null;
        for (SafetensorsFile file : files) {
            try {
                file.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "SafetensorsCheckpoint[" + dir + ", " + names.size() + " tensors in " + files.size() + " files]";
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile file = name == null ? null : fileOfName.get(name);
        if (file == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in " + dir);
        }
        return file;
    }

    private SafetensorsFile openFile(String name) {
        SafetensorsFile file = file(name);
        if (closed) {
            throw new IllegalStateException(dir + " is closed");
        }
        return file;
    }
}
