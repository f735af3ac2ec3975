package org.tcmrx.core.safetensors;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;

/**
 * One safetensors file, open for reading. {@link #open} reads and validates the header only; tensor data is
 * memory-mapped when a tensor is read, in windows of at most 1 GiB, so files and tensors larger than the 2 GiB limit
 * of one mapping read fine (with {@link #readFloats} or {@link #readFloat16} when a tensor has more elements than a
 * Java array holds).
 *
 * <p>A malformed file fails in {@link #open} with a {@link MalformedDataException} whose location is the file's path
 * as given, line 0, and whose field is the tensor's name or {@code header}. The checks are those of the reference
 * implementation ({@code read_metadata} in {@code safetensors/src/tensor.rs}): the 8-byte length prefix, a header of
 * at most 100,000,000 bytes holding one UTF-8 JSON object, a {@code "__metadata__"} of strings, and per tensor a known
 * dtype, a shape of non-negative integers whose element count times the dtype's size fits a long and equals the
 * length of its {@code data_offsets}. Like the reference, the tensors must cover the data buffer contiguously: taken
 * by increasing offsets, the first starts at byte 0, each starts where the previous ends, and the last ends at the
 * end of the file; a gap is as malformed as an overlap. Stricter than the reference, a name that appears twice in
 * the header is an error rather than silently one of the two.
 *
 * <p>Reads are thread-safe. {@link #close} releases the file; reading afterwards throws {@link
 * IllegalStateException}, while the header ({@link #names}, {@link #info}, {@link #metadata}) stays available. As
 * with any {@link FileChannel}, interrupting a thread while it reads closes the file for every thread.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The largest header accepted: 100,000,000 bytes, the reference implementation's {@code MAX_HEADER_SIZE}. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The mapping window: a multiple of 8 so no element straddles two windows, and below the 2 GiB limit. */
    static final int DEFAULT_WINDOW_BYTES = 1 << 30;
    /** The longest Java array the JVM reliably allocates. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Header header;
    private final List<String> names;
    private final int windowBytes;
    private volatile boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Header header, int windowBytes) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
        this.names = List.copyOf(header.tensors.keySet());
        this.windowBytes = windowBytes;
    }

    /**
     * Opens a file and reads and validates its header; the data is read later, tensor by tensor.
     *
     * @param file the {@code .safetensors} file
     * @return the open file; close it when done
     * @throws IllegalArgumentException when {@code file} is null
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is not a valid safetensors file
     */
    public static SafetensorsFile open(Path file) throws IOException {
        return open(file, DEFAULT_WINDOW_BYTES);
    }

    /** {@link #open(Path)} with another mapping window, so tests can cross windows with small tensors. */
    static SafetensorsFile open(Path file, int windowBytes) throws IOException {
        Checks.notNull(file, "file");
        if (windowBytes <= 0 || windowBytes % Long.BYTES != 0) {
            throw new IllegalArgumentException("windowBytes must be a positive multiple of 8, got " + windowBytes);
        }
        String location = file.toString();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        boolean opened = false;
        try {
            long size = channel.size();
            if (size < Long.BYTES) {
                throw Header.bad(location, Header.HEADER,
                        "the file has " + size + " bytes; expected at least 8 (the header length)");
            }
            long n = readFully(channel, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            long available = size - Long.BYTES;
            if (n == 0) {
                throw Header.bad(location, Header.HEADER, "header claims 0 bytes; expected a JSON object");
            }
            // The length is an unsigned 64-bit number: compare it unsigned, print it unsigned.
            if (Long.compareUnsigned(n, available) > 0) {
                throw Header.bad(location, Header.HEADER, "header claims " + Long.toUnsignedString(n)
                        + " bytes; the file has " + available + " after the length prefix");
            }
            if (n > MAX_HEADER_BYTES) {
                throw Header.bad(location, Header.HEADER, "header claims " + n + " bytes; the limit is "
                        + MAX_HEADER_BYTES + ", as in the reference implementation");
            }
            byte[] bytes = readFully(channel, Long.BYTES, (int) n).array();
            Header header = Header.parse(location, bytes, available - n);
            SafetensorsFile result = new SafetensorsFile(file, channel, Long.BYTES + n, header, windowBytes);
            opened = true;
            return result;
        } finally {
            if (!opened) {
                channel.close();
            }
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("the file ended at byte " + (position + buffer.position()) + " while reading "
                        + length + " bytes from byte " + position);
            }
        }
        return buffer;
    }

    /**
     * Returns the file.
     *
     * @return the path as given to {@link #open}
     */
    public Path path() {
        return path;
    }

    /**
     * Returns the header's {@code "__metadata__"}, in header order.
     *
     * @return an unmodifiable map, empty when the header has none
     */
    public Map<String, String> metadata() {
        return header.metadata;
    }

    /**
     * Returns the tensors' names in header order, without {@code "__metadata__"}.
     *
     * @return an unmodifiable list
     */
    public List<String> names() {
        return names;
    }

    /**
     * Tells whether the file has a tensor of this name.
     *
     * @param name the name
     * @return true when {@link #info} would find it
     */
    public boolean contains(String name) {
        return header.tensors.containsKey(name);
    }

    /**
     * Returns where a tensor lies, as its header entry says.
     *
     * @param name the tensor's name
     * @return its type, shape and offsets
     * @throws IllegalArgumentException when the file has no tensor of this name
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in " + path);
        }
        return info;
    }

    /**
     * Reads a floating-point tensor as float32: F32 as is, F16 and BF16 widened exactly, F64 rounded to nearest.
     *
     * @param name the tensor's name
     * @return the elements in row-major order
     * @throws IllegalArgumentException when the tensor is absent, not F32, F16, BF16 or F64, or has more elements
     *     than a Java array holds (use {@link #readFloats})
     * @throws IllegalStateException when the file is closed
     * @throws IOException when reading fails
     */
    public float[] floats(String name) throws IOException {
        TensorInfo info = floatInfo(name);
        float[] values = new float[arrayLength(info, "; read it in parts with readFloats")];
        readFloats(name, 0, FloatBuffer.wrap(values));
        return values;
    }

    /**
     * Reads {@code dest.remaining()} elements of a floating-point tensor from element {@code fromElement} on, as
     * {@link #floats} converts them, into {@code dest}, whose position advances to its limit. For tensors too big for
     * one array: read them in parts.
     *
     * @param name the tensor's name
     * @param fromElement the row-major index of the first element to read
     * @param dest where the elements go
     * @throws IllegalArgumentException when the tensor is absent or not F32, F16, BF16 or F64, {@code dest} is null,
     *     or the range {@code [fromElement, fromElement + dest.remaining())} is not within the tensor
     * @throws java.nio.ReadOnlyBufferException when {@code dest} is read-only
     * @throws IllegalStateException when the file is closed
     * @throws IOException when reading fails
     */
    public void readFloats(String name, long fromElement, FloatBuffer dest) throws IOException {
        forEachFloatWindow(name, fromElement, dest, (dtype, window) -> Decode.floats(dtype, window, dest));
    }

    /**
     * Reads {@code dest.remaining()} elements of a floating-point tensor from element {@code fromElement} on as IEEE
     * binary16 bits into {@code dest}, whose position advances to its limit: F16 as stored, bit for bit; F32 and BF16
     * rounded to nearest, ties to even, as PyTorch's {@code tensor.to(torch.float16)}; F64 rounded to float32 first,
     * as {@link #floats} reads it, then to binary16. NaN stays NaN; a value beyond float16's range (its largest finite
     * value is 65504, and anything from 65520 on rounds up) becomes an infinity of its sign, and is counted.
     *
     * @param name the tensor's name
     * @param fromElement the row-major index of the first element to read
     * @param dest where the bit patterns go
     * @return how many finite elements of the range became infinite; 0 for F16
     * @throws IllegalArgumentException when the tensor is absent or not F32, F16, BF16 or F64, {@code dest} is null,
     *     or the range {@code [fromElement, fromElement + dest.remaining())} is not within the tensor
     * @throws java.nio.ReadOnlyBufferException when {@code dest} is read-only
     * @throws IllegalStateException when the file is closed
     * @throws IOException when reading fails
     */
    public long readFloat16(String name, long fromElement, ShortBuffer dest) throws IOException {
        long[] overflowed = {0};
        forEachFloatWindow(name, fromElement, dest,
                (dtype, window) -> overflowed[0] += Decode.float16(dtype, window, dest));
        return overflowed[0];
    }

    /**
     * Reads an integer or boolean tensor widened to long: I64, I32, U32, I16, U16, I8, U8 and BOOL (0 or 1).
     * Unsigned values are read unsigned. U64 is refused, as its values need not fit a long: use {@link #bytes}.
     *
     * @param name the tensor's name
     * @return the elements in row-major order
     * @throws IllegalArgumentException when the tensor is absent, of another dtype, or has more elements than a Java
     *     array holds
     * @throws IllegalStateException when the file is closed
     * @throws IOException when reading fails
     */
    public long[] longs(String name) throws IOException {
        TensorInfo info = info(name);
        DType dtype = info.dtype();
        if (!dtype.isLongCompatible()) {
            throw new IllegalArgumentException("tensor '" + name + "' in " + path + " is " + dtype
                    + "; longs reads I64, I32, U32, I16, U16, I8, U8 and BOOL (use "
                    + (dtype.isFloat() ? "floats" : "bytes") + ")");
        }
        long[] values = new long[arrayLength(info, "")];
        LongBuffer dest = LongBuffer.wrap(values);
        forEachWindow(info, 0, info.end() - info.begin(), window -> Decode.longs(dtype, window, dest));
        return values;
    }

    /**
     * Returns a tensor's raw bytes: a read-only, little-endian view of the file (memory-mapped), for any dtype.
     *
     * @param name the tensor's name
     * @return a buffer whose position is 0 and whose limit is the tensor's byte count
     * @throws IllegalArgumentException when the tensor is absent or has more than 2^31-1 bytes
     * @throws IllegalStateException when the file is closed
     * @throws IOException when mapping fails
     */
    public ByteBuffer bytes(String name) throws IOException {
        TensorInfo info = info(name);
        long length = info.end() - info.begin();
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + name + "' in " + path + " has " + length
                    + " bytes, more than one ByteBuffer holds; read it in parts with readFloats");
        }
        ByteBuffer buffer = length == 0 ? ByteBuffer.allocate(0) : map(dataStart + info.begin(), (int) length);
        return buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Releases the file; reading afterwards throws {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + path, e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + names.size() + " tensors]";
    }

    private TensorInfo floatInfo(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().isFloat()) {
            throw new IllegalArgumentException("tensor '" + name + "' in " + path + " is " + info.dtype()
                    + "; floats reads F32, F16, BF16 and F64 (use "
                    + (info.dtype().isLongCompatible() ? "longs" : "bytes") + ")");
        }
        return info;
    }

    private int arrayLength(TensorInfo info, String advice) {
        long n = info.elementCount();
        if (n > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("tensor '" + info.name() + "' in " + path + " has " + n
                    + " elements, more than one Java array holds" + advice);
        }
        return (int) n;
    }

    private void checkRange(TensorInfo info, long fromElement, long count) {
        if (fromElement < 0) {
            throw new IllegalArgumentException("fromElement must not be negative, got " + fromElement);
        }
        long n = info.elementCount();
        if (fromElement > n - count) {
            throw new IllegalArgumentException("elements [" + fromElement + ", " + fromElement + " + " + count
                    + ") are not within the " + n + " elements of tensor '" + info.name() + "' in " + path);
        }
    }

    /**
     * Checks a read of {@code dest.remaining()} elements of a floating-point tensor from {@code fromElement} on, then
     * hands their bytes to {@code decode} window by window with the tensor's dtype.
     */
    private void forEachFloatWindow(String name, long fromElement, Buffer dest, BiConsumer<DType, ByteBuffer> decode)
            throws IOException {
        TensorInfo info = floatInfo(name);
        Checks.notNull(dest, "dest");
        long count = dest.remaining();
        checkRange(info, fromElement, count);
        DType dtype = info.dtype();
        int size = dtype.byteSize();
        forEachWindow(info, fromElement * size, count * size, window -> decode.accept(dtype, window));
    }

    /** Maps {@code [fromByte, fromByte + length)} of a tensor's data window by window, little-endian. */
    private void forEachWindow(TensorInfo info, long fromByte, long length, Consumer<ByteBuffer> action)
            throws IOException {
        checkOpen();
        long position = dataStart + info.begin() + fromByte;
        long remaining = length;
        while (remaining > 0) {
            int size = (int) Math.min(remaining, windowBytes);
            action.accept(map(position, size).order(ByteOrder.LITTLE_ENDIAN));
            position += size;
            remaining -= size;
        }
    }

    private ByteBuffer map(long position, int size) throws IOException {
        checkOpen();
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
        } catch (ClosedChannelException e) {
            if (closed) {
                throw closedException();
            }
            throw e;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(path + " is closed");
    }
}
