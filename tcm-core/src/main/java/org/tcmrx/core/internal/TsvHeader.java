package org.tcmrx.core.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.MalformedDataException;

/**
 * The header row of a tab-separated file: columns are found by name, so a reader does not depend on their order, and
 * every data row must have as many columns as the header.
 */
public final class TsvHeader {
    /** The field name used in messages about the header row. */
    public static final String FIELD = "header";

    private final String location;
    private final long lineNumber;
    private final List<String> names;
    private final Map<String, Integer> columns;

    private TsvHeader(String location, long lineNumber, List<String> names) {
        this.location = location;
        this.lineNumber = lineNumber;
        this.names = names;
        this.columns = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            // Nameless columns (e.g. an index column exported by pandas) are allowed but cannot be looked up.
            if (!name.isEmpty() && columns.putIfAbsent(name, i) != null) {
                throw new MalformedDataException(location, lineNumber, FIELD,
                        "column '" + name + "' appears twice (columns " + (columns.get(name) + 1) + " and " + (i + 1)
                                + ")");
            }
        }
    }

    /**
     * Parses a header row.
     *
     * @param location the file, for messages
     * @param lineNumber the header's 1-based line number
     * @param line the header row
     * @return the header
     * @throws MalformedDataException when a column name appears twice
     */
    public static TsvHeader parse(String location, long lineNumber, String line) {
        return new TsvHeader(location, lineNumber, List.of(line.split("\t", -1)));
    }

    /**
     * Returns the index of a column.
     *
     * @param name the column's name, exactly as in the header
     * @return its 0-based index
     * @throws MalformedDataException when the header has no such column; the message lists the columns it has
     */
    public int column(String name) {
        Integer index = columns.get(name);
        if (index == null) {
            throw new MalformedDataException(location, lineNumber, FIELD,
                    "missing column '" + name + "'; found columns: " + String.join(", ", names));
        }
        return index;
    }

    /**
     * Returns the number of columns.
     *
     * @return the number of columns
     */
    public int size() {
        return names.size();
    }

    /**
     * Splits a data row into its columns.
     *
     * @param lineNumber the row's 1-based line number
     * @param line the row
     * @return exactly {@link #size()} values
     * @throws MalformedDataException when the row has a different number of columns
     */
    public String[] split(long lineNumber, String line) {
        if (line.isEmpty()) {
            throw new MalformedDataException(location, lineNumber, null,
                    "empty line; expected " + names.size() + " tab-separated columns as in the header");
        }
        String[] values = line.split("\t", -1);
        if (values.length != names.size()) {
            throw new MalformedDataException(location, lineNumber, null, "expected " + names.size()
                    + " tab-separated columns as in the header, found " + values.length);
        }
        return values;
    }
}
