package org.tcmrx.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.core.internal.TextLines;

/**
 * The project's own JSON Lines format for clinical cases, one case per line:
 *
 * <pre>{@code
 * {"id":"shl-012","formula":"桂枝汤","source":"《伤寒论》第12条","text":"太阳中风……",
 *  "symptoms":["发热","恶风","汗出"],"tongue":"苔薄白","pulse":"脉浮缓","syndromes":["太阳中风证"],
 *  "herbs":[{"name":"桂枝","amount":9,"unit":"g"},{"name":"大枣","amount":4,"unit":"枚"},"炙甘草"],
 *  "split":"train"}
 * }</pre>
 *
 * <p>{@code id}, {@code symptoms} (or {@code text}) and {@code herbs} are required; the others may be absent or
 * null. A herb is a name, or an object with {@code name} and optionally {@code amount} with {@code unit}.
 * {@code split} names the record's split when the file holds a whole data set. Unknown fields are rejected, so a
 * misspelt field name is never silently ignored.
 */
public final class CaseJsonl {
    /** The field names, in the order they are written. */
    public static final List<String> FIELDS = List.of(
            "id", "formula", "source", "text", "symptoms", "tongue", "pulse", "syndromes", "herbs", "split");

    /** The split given to records without a {@code split} field. */
    public static final String DEFAULT_SPLIT = "all";

    private CaseJsonl() {}

    /**
     * Reads the cases of a file, ignoring their {@code split} fields.
     *
     * @param file the file
     * @return the cases in file order
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is malformed; the message gives file, line and field
     */
    public static List<ClinicalCase> read(Path file) throws IOException {
        List<ClinicalCase> cases = new ArrayList<>();
        new Parser(file.toString()).forEach(file, (c, split) -> cases.add(c));
        return cases;
    }

    /**
     * Reads a file as a data set whose splits are given by the records' {@code split} fields ({@value
     * #DEFAULT_SPLIT} for records without one): train, valid and test first, then others in order of appearance.
     *
     * @param file the file
     * @param name the data set's name
     * @return the data set
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is malformed
     */
    public static Dataset readDataset(Path file, String name) throws IOException {
        Map<String, List<ClinicalCase>> splits = new LinkedHashMap<>();
        new Parser(file.toString()).forEach(file,
                (c, split) -> splits.computeIfAbsent(split, s -> new ArrayList<>()).add(c));
        long records = splits.values().stream().mapToLong(List::size).sum();
        DataSource source = new DataSource(file.getFileName().toString(), file.toString(), Sha256.of(file), records);
        return toDataset(name, splits, source);
    }

    /**
     * Reads a data set from a stream, e.g. a class-path resource.
     *
     * @param stream the stream, read fully, not closed
     * @param location the name used in messages and provenance
     * @param name the data set's name
     * @return the data set
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a line is malformed
     */
    public static Dataset readDataset(InputStream stream, String location, String name) throws IOException {
        byte[] bytes = stream.readAllBytes();
        Map<String, List<ClinicalCase>> splits = new LinkedHashMap<>();
        new Parser(location).forEach(new java.io.ByteArrayInputStream(bytes),
                (c, split) -> splits.computeIfAbsent(split, s -> new ArrayList<>()).add(c));
        long records = splits.values().stream().mapToLong(List::size).sum();
        return toDataset(name, splits, new DataSource(location, location, bytesSha256(bytes), records));
    }

    private static String bytesSha256(byte[] bytes) {
        java.security.MessageDigest digest = Sha256.newDigest();
        digest.update(bytes);
        return Sha256.hex(digest);
    }

    private static Dataset toDataset(String name, Map<String, List<ClinicalCase>> splits, DataSource source) {
        Map<String, CaseSet> sets = new LinkedHashMap<>();
        // The conventional splits come first, in their usual order; others follow in order of appearance.
        for (String known : List.of(Dataset.TRAIN, Dataset.VALID, Dataset.TEST)) {
            if (splits.containsKey(known)) {
                sets.put(known, CaseSet.of(known, splits.get(known)));
            }
        }
        splits.forEach((split, cases) -> sets.putIfAbsent(split, CaseSet.of(split, cases)));
        if (sets.isEmpty()) {
            sets.put(DEFAULT_SPLIT, CaseSet.of(DEFAULT_SPLIT, List.of()));
        }
        return Dataset.of(name, sets, List.of(source));
    }

    /**
     * Writes cases, atomically, without {@code split} fields.
     *
     * @param file the file
     * @param cases the cases
     * @throws IOException when writing fails
     */
    public static void write(Path file, Iterable<ClinicalCase> cases) throws IOException {
        AtomicFiles.write(file, out -> {
            for (ClinicalCase c : cases) {
                out.write(Jsonl.toLine(toJson(c, null)));
            }
        });
    }

    /**
     * Writes every split of a data set, atomically, each record with its {@code split} field.
     *
     * @param file the file
     * @param dataset the data set
     * @throws IOException when writing fails
     */
    public static void write(Path file, Dataset dataset) throws IOException {
        AtomicFiles.write(file, out -> {
            for (Map.Entry<String, CaseSet> e : dataset.splits().entrySet()) {
                for (ClinicalCase c : e.getValue()) {
                    out.write(Jsonl.toLine(toJson(c, e.getKey())));
                }
            }
        });
    }

    /**
     * Converts a case to its JSON object.
     *
     * @param c the case
     * @param split the split to record, or null for none
     * @return the JSON object, fields in {@link #FIELDS} order, absent parts left out
     */
    public static ObjectNode toJson(ClinicalCase c, String split) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", c.id());
        putIfPresent(o, "formula", c.formula());
        putIfPresent(o, "source", c.source());
        putIfPresent(o, "text", c.text());
        ArrayNode symptoms = o.putArray("symptoms");
        c.symptoms().forEach(s -> symptoms.add(s.name()));
        putIfPresent(o, "tongue", c.tongue());
        putIfPresent(o, "pulse", c.pulse());
        if (!c.syndromes().isEmpty()) {
            ArrayNode syndromes = o.putArray("syndromes");
            c.syndromes().forEach(syndromes::add);
        }
        ArrayNode herbs = o.putArray("herbs");
        for (Herb h : c.herbs()) {
            Dose d = c.prescription().doses().get(h);
            if (d == null) {
                herbs.add(h.name());
            } else {
                herbs.addObject().put("name", h.name()).put("amount", d.amount()).put("unit", d.unit());
            }
        }
        putIfPresent(o, "split", split);
        return o;
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    /** Receives a parsed case and its split. */
    @FunctionalInterface
    private interface CaseHandler {
        void accept(ClinicalCase c, String split) throws IOException;
    }

    /** Parses lines of one file, remembering ids to reject repeats. */
    private static final class Parser {
        private final String location;
        private final Map<String, Long> idLines = new HashMap<>();

        Parser(String location) {
            this.location = location;
        }

        void forEach(Path file, CaseHandler handler) throws IOException {
            TextLines.forEach(file, (n, line) -> handleLine(n, line, handler));
        }

        void forEach(InputStream in, CaseHandler handler) throws IOException {
            TextLines.forEach(in, location, (n, line) -> handleLine(n, line, handler));
        }

        private void handleLine(long n, String line, CaseHandler handler) throws IOException {
            if (line.isBlank()) {
                return;
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw fail(n, null, "not valid JSON: " + e.getOriginalMessage());
            }
            if (!node.isObject()) {
                throw fail(n, null, "expected a JSON object, found " + node.getNodeType().name().toLowerCase());
            }
            ClinicalCase c = parse(n, node);
            Long previous = idLines.putIfAbsent(c.id(), n);
            if (previous != null) {
                throw fail(n, "id", "'" + c.id() + "' already used on line " + previous);
            }
            String split = optionalString(n, node, "split");
            handler.accept(c, split == null ? DEFAULT_SPLIT : split);
        }

        private ClinicalCase parse(long n, JsonNode node) {
            node.fieldNames().forEachRemaining(f -> {
                if (!FIELDS.contains(f)) {
                    throw fail(n, f, "unknown field; expected one of " + String.join(", ", FIELDS));
                }
            });
            String id = optionalString(n, node, "id");
            if (id == null) {
                throw fail(n, "id", "missing");
            }
            String text = optionalString(n, node, "text");
            List<Symptom> symptoms = names(n, node, "symptoms", "symptom", Symptom::new);
            if (symptoms.isEmpty() && text == null) {
                throw fail(n, "symptoms", "empty symptom set (a record needs at least one symptom or a text)");
            }
            Prescription prescription = herbs(n, node);
            return ClinicalCase.builder()
                    .setId(id)
                    .setSymptoms(symptoms)
                    .setPrescription(prescription)
                    .optText(text)
                    .optTongue(optionalString(n, node, "tongue"))
                    .optPulse(optionalString(n, node, "pulse"))
                    .optSyndromes(names(n, node, "syndromes", "syndrome", Function.identity()))
                    .optFormula(optionalString(n, node, "formula"))
                    .optSource(optionalString(n, node, "source"))
                    .build();
        }

        private String optionalString(long n, JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw fail(n, field, "expected a string, found " + v);
            }
            String s = v.asText().strip();
            if (s.isEmpty()) {
                throw fail(n, field, "empty string");
            }
            return s;
        }

        private <T> List<T> names(long n, JsonNode node, String field, String what, Function<String, T> make) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw fail(n, field, "expected an array of strings, found " + v);
            }
            List<T> out = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                String path = field + "[" + i + "]";
                if (!e.isTextual() || e.asText().isBlank()) {
                    throw fail(n, path, "expected a non-empty string, found " + e);
                }
                String name = e.asText().strip();
                Integer first = seen.putIfAbsent(name, i);
                if (first != null) {
                    throw fail(n, path, "duplicate " + what + " '" + name + "' (also at " + field + "[" + first + "])");
                }
                out.add(make.apply(name));
            }
            return out;
        }

        private Prescription herbs(long n, JsonNode node) {
            JsonNode v = node.get("herbs");
            if (v == null || v.isNull()) {
                throw fail(n, "herbs", "missing");
            }
            if (!v.isArray()) {
                throw fail(n, "herbs", "expected an array, found " + v);
            }
            if (v.isEmpty()) {
                throw fail(n, "herbs", "empty herb set");
            }
            List<Herb> herbs = new ArrayList<>();
            Map<Herb, Dose> doses = new LinkedHashMap<>();
            Map<Herb, Integer> seen = new HashMap<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                String path = "herbs[" + i + "]";
                Herb herb;
                if (e.isTextual() && !e.asText().isBlank()) {
                    herb = new Herb(e.asText().strip());
                } else if (e.isObject()) {
                    herb = herbObject(n, e, path, doses);
                } else {
                    throw fail(n, path, "expected a herb name or an object with name, amount and unit, found " + e);
                }
                Integer first = seen.putIfAbsent(herb, i);
                if (first != null) {
                    throw fail(n, path, "duplicate herb '" + herb + "' (also at herbs[" + first + "])");
                }
                herbs.add(herb);
            }
            return new Prescription(herbs, doses);
        }

        private Herb herbObject(long n, JsonNode e, String path, Map<Herb, Dose> doses) {
            e.fieldNames().forEachRemaining(f -> {
                if (!List.of("name", "amount", "unit").contains(f)) {
                    throw fail(n, path + "." + f, "unknown field; expected one of name, amount, unit");
                }
            });
            JsonNode name = e.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw fail(n, path + ".name", "expected a non-empty string, found " + name);
            }
            Herb herb = new Herb(name.asText().strip());
            JsonNode amount = e.get("amount");
            JsonNode unit = e.get("unit");
            boolean hasAmount = amount != null && !amount.isNull();
            boolean hasUnit = unit != null && !unit.isNull();
            if (hasAmount != hasUnit) {
                throw fail(n, path + (hasAmount ? ".unit" : ".amount"), "amount and unit go together; "
                        + (hasAmount ? "unit" : "amount") + " is missing");
            }
            if (hasAmount) {
                if (!amount.isNumber() || !Double.isFinite(amount.asDouble()) || amount.asDouble() <= 0) {
                    throw fail(n, path + ".amount", "expected a positive number, found " + amount);
                }
                if (!unit.isTextual() || unit.asText().isBlank()) {
                    throw fail(n, path + ".unit", "expected a non-empty string, found " + unit);
                }
                doses.put(herb, new Dose(amount.asDouble(), unit.asText().strip()));
            }
            return herb;
        }

        private MalformedDataException fail(long line, String field, String problem) {
            return new MalformedDataException(location, line, field, problem);
        }
    }
}
