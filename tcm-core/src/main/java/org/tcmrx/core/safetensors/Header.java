package org.tcmrx.core.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;

/**
 * The parsed and validated JSON header of a safetensors file: the metadata and the tensors, both in header order.
 *
 * <p>Validation follows the reference implementation ({@code safetensors/src/tensor.rs}, {@code read_metadata} and
 * {@code Metadata::validate}): the header is UTF-8 JSON holding one object; {@code "__metadata__"}, when present, maps
 * strings to strings; every other entry has a known {@code dtype}, a {@code shape} of non-negative integers and
 * {@code data_offsets [begin, end]} whose length is the shape's element count times the dtype's size; and the
 * tensors, taken in offset order, cover the data buffer from its first byte to its last without gap or overlap.
 * Entries' other keys are ignored, as serde does. Two things are stricter than the reference: a tensor named twice
 * is an error (serde keeps one silently), and each message says which tensor and which bytes are wrong.
 */
final class Header {
    /** The field named in messages about the header as a whole. */
    static final String HEADER = "header";
    /** The reserved key of the metadata object. */
    static final String METADATA = "__metadata__";
    private static final int MAX_JSON_IN_MESSAGE = 60;
    /** Reads one value mid-stream; the shared mapper's FAIL_ON_TRAILING_TOKENS would see the rest as trailing. */
    static final ObjectReader VALUE_READER = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    final Map<String, String> metadata;
    final Map<String, TensorInfo> tensors;

    private Header(Map<String, String> metadata, Map<String, TensorInfo> tensors) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Parses and validates a header.
     *
     * @param location the file, for messages
     * @param bytes the header's bytes (after the 8-byte length)
     * @param dataLength the length of the data buffer: the file's size minus 8 minus the header's length
     * @throws MalformedDataException when the header is malformed
     */
    static Header parse(String location, byte[] bytes, long dataLength) {
        String text = utf8(location, bytes);
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        boolean sawMetadata = false;
        try (JsonParser p = Json.MAPPER.createParser(text)) {
            JsonToken token = p.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw bad(location, HEADER, "expected a JSON object, found " + describe(token));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                JsonNode value = VALUE_READER.readTree(p);
                if (METADATA.equals(name)) {
                    if (sawMetadata) {
                        throw bad(location, METADATA, "appears twice in the header");
                    }
                    sawMetadata = true;
                    readMetadata(location, value, metadata);
                } else if (entries.putIfAbsent(name, value) != null) {
                    throw bad(location, name, "appears twice in the header");
                }
            }
            if (p.nextToken() != null) {
                throw bad(location, HEADER,
                        "text after the JSON object, at column " + p.currentTokenLocation().getColumnNr());
            }
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(location, 0, HEADER, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a string", e);
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Entry<String, JsonNode> e : entries.entrySet()) {
            tensors.put(e.getKey(), tensor(location, e.getKey(), e.getValue(), dataLength));
        }
        checkContiguous(location, tensors.values(), dataLength);
        return new Header(metadata, tensors);
    }

    private static String utf8(String location, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never needs more chars than bytes.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw bad(location, HEADER, "not valid UTF-8 at byte " + in.position() + " of the header");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static void readMetadata(String location, JsonNode node, Map<String, String> metadata) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw bad(location, METADATA, "expected an object of strings, found " + json(node));
        }
        for (Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw bad(location, METADATA,
                        "\"" + e.getKey() + "\" is " + json(e.getValue()) + "; expected a string");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo tensor(String location, String name, JsonNode node, long dataLength) {
        if (node == null || !node.isObject()) {
            throw bad(location, name, "expected an object with dtype, shape and data_offsets, found " + json(node));
        }
        JsonNode dtypeNode = required(location, name, node, "dtype");
        if (!dtypeNode.isTextual()) {
            throw bad(location, name, "\"dtype\" is " + json(dtypeNode) + "; expected a string");
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw bad(location, name, e.getMessage());
        }
        JsonNode shapeNode = required(location, name, node, "shape");
        if (!shapeNode.isArray()) {
            throw bad(location, name, "\"shape\" is " + json(shapeNode) + "; expected an array of integers");
        }
        long[] shape = longs(location, name, "shape", shapeNode);
        JsonNode offsetsNode = required(location, name, node, "data_offsets");
        if (!offsetsNode.isArray() || offsetsNode.size() != 2) {
            throw bad(location, name, "\"data_offsets\" is " + json(offsetsNode) + "; expected [begin, end]");
        }
        long[] offsets = longs(location, name, "data_offsets", offsetsNode);
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (end < begin) {
            throw bad(location, name, range + " end before they begin");
        }
        if (end > dataLength) {
            throw bad(location, name, range + " go past the end of the data buffer (" + dataLength + " bytes)");
        }
        long elements;
        try {
            elements = Shapes.elementCount(shape);
        } catch (ArithmeticException e) {
            throw bad(location, name, "shape " + Shapes.format(shape) + " has more elements than a long can count");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw bad(location, name, dtype + " " + Shapes.format(shape) + " takes more bytes than a long can count");
        }
        if (bytes != end - begin) {
            throw bad(location, name, dtype + " " + Shapes.format(shape) + " takes " + bytes + " bytes, but " + range
                    + " hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonNode required(String location, String name, JsonNode entry, String key) {
        JsonNode value = entry.get(key);
        if (value == null) {
            throw bad(location, name, "missing \"" + key + "\"");
        }
        return value;
    }

    /** Reads an array of integers in [0, 2^63), as serde reads a {@code usize} on a 64-bit machine. */
    private static long[] longs(String location, String name, String key, JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw bad(location, name, "\"" + key + "\"[" + i + "] is " + json(v)
                        + "; expected an integer from 0 to 2^63-1");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /**
     * Requires the tensors, taken by increasing offsets, to cover {@code [0, dataLength)} exactly: the reference
     * implementation rejects gaps and overlaps alike.
     */
    private static void checkContiguous(String location, Iterable<TensorInfo> tensors, long dataLength) {
        List<TensorInfo> sorted = new ArrayList<>();
        tensors.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw bad(location, t.name(), "data_offsets " + offsets(t) + " overlap tensor '" + previous.name()
                        + "' at " + offsets(previous));
            }
            if (t.begin() > covered) {
                throw bad(location, t.name(), "data_offsets " + offsets(t) + " leave bytes [" + covered + ", "
                        + t.begin() + ") of the data buffer unused; tensors must cover it contiguously");
            }
            covered = t.end();
            previous = t;
        }
        if (covered != dataLength) {
            throw bad(location, HEADER, "bytes [" + covered + ", " + dataLength
                    + ") of the data buffer belong to no tensor; tensors must cover it contiguously");
        }
    }

    private static String offsets(TensorInfo t) {
        return "[" + t.begin() + ", " + t.end() + "]";
    }

    static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    /** The JSON text of a value, shortened for a message. */
    static String json(JsonNode node) {
        String s = node == null ? "null" : node.toString();
        return s.length() <= MAX_JSON_IN_MESSAGE ? s : s.substring(0, MAX_JSON_IN_MESSAGE - 3) + "...";
    }

    static MalformedDataException bad(String location, String field, String problem) {
        return new MalformedDataException(location, 0, field, problem);
    }
}
