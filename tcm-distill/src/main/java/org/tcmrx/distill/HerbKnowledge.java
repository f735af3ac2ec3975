package org.tcmrx.distill;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbProperties;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.TsvHeader;

/**
 * A herb knowledge table: name → {@link HerbProfile}, read from a tab-separated file with the columns
 * {@code name}, {@code nature}, {@code flavour}, {@code meridian} and {@code efficacy} (in any order; flavours and
 * meridians separated by {@code 、}); lines starting with {@code #} and blank lines are skipped.
 *
 * <pre>
 * name	nature	flavour	meridian	efficacy
 * 麻黄	温	辛、微苦	肺、膀胱	发汗散寒，宣肺平喘，利水消肿
 * </pre>
 *
 * <p>{@link #embedded()} holds the herbs of the embedded corpus, written for this project from classical materia
 * medica (神农本草经, 本草纲目) as the standard textbooks summarize it.
 */
public final class HerbKnowledge {
    /** The class-path resource of the embedded table. */
    public static final String RESOURCE = "/org/tcmrx/distill/herb-knowledge.tsv";
    /** The columns a table must have. */
    public static final List<String> COLUMNS = List.of("name", "nature", "flavour", "meridian", "efficacy");

    private static volatile HerbKnowledge embedded;

    private final String name;
    private final Map<String, HerbProfile> profiles;

    private HerbKnowledge(String name, Map<String, HerbProfile> profiles) {
        this.name = name;
        this.profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /**
     * Returns the table shipped with TCM-Rx.
     *
     * @return the table, read once
     */
    public static HerbKnowledge embedded() {
        HerbKnowledge k = embedded;
        if (k == null) {
            try (InputStream in = HerbKnowledge.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                k = read(in, RESOURCE, "embedded");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            embedded = k;
        }
        return k;
    }

    /**
     * Reads a table from a file.
     *
     * @param file the TSV file
     * @return the table, named after the file
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a row is malformed; the message gives {@code file:line: column: problem}
     */
    public static HerbKnowledge load(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), String.valueOf(file.getFileName()));
        }
    }

    /**
     * Reads a table from a stream.
     *
     * @param in the stream, not closed here
     * @param location the name used in messages
     * @param name the table's name, for provenance
     * @return the table
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a row is malformed
     */
    public static HerbKnowledge read(InputStream in, String location, String name) throws IOException {
        Map<String, HerbProfile> profiles = new LinkedHashMap<>();
        TsvHeader.forEachRow(in, location, COLUMNS, (n, values) -> {
            String[] v = new String[COLUMNS.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values.get(COLUMNS.get(i));
                if (v[i].isEmpty()) {
                    throw new MalformedDataException(location, n, COLUMNS.get(i), "empty value");
                }
            }
            if (profiles.containsKey(v[0])) {
                throw new MalformedDataException(location, n, "name", "herb '" + v[0] + "' appears twice");
            }
            profiles.put(v[0], new HerbProfile(v[0], v[1], split(v[2], location, n, COLUMNS.get(2)),
                    split(v[3], location, n, COLUMNS.get(3)), v[4]));
        });
        return new HerbKnowledge(name, profiles);
    }

    private static List<String> split(String s, String location, long line, String column) {
        List<String> names = Arrays.stream(s.split("、")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new MalformedDataException(location, line, column, "no name in '" + s
                    + "'; expected names separated by 、");
        }
        return names;
    }

    /**
     * Returns the table's name, for provenance.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Looks a herb up.
     *
     * @param herb the herb's name
     * @return its profile, or empty when the table does not have it
     */
    public Optional<HerbProfile> get(String herb) {
        return Optional.ofNullable(profiles.get(herb));
    }

    /**
     * Returns the names of the herbs in the table.
     *
     * @return the names, in file order
     */
    public Set<String> names() {
        return profiles.keySet();
    }

    /**
     * Returns every herb's nature, flavours and meridians, keyed by the herb named as in the table.
     *
     * @return an unmodifiable map, in file order
     */
    public Map<Herb, HerbProperties> properties() {
        Map<Herb, HerbProperties> out = new LinkedHashMap<>();
        profiles.forEach((herb, profile) -> out.put(new Herb(herb), profile.properties()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Returns the number of herbs.
     *
     * @return the size
     */
    public int size() {
        return profiles.size();
    }
}
