package org.tcmrx.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    /** Receives one data row of a table: its 1-based line number and its values by column name, stripped. */
    @FunctionalInterface
    public interface RowHandler {
        /**
         * Handles a row.
         *
         * @param line the row's 1-based line number
         * @param values the named columns' values, stripped, in the order asked for
         */
        void row(long line, Map<String, String> values);
    }

    /**
     * Reads a UTF-8 table whose first non-comment line is the header: blank lines and lines starting with {@code #}
     * are skipped, every named column must be in the header, and every row must have the header's number of columns.
     *
     * @param in the table, read fully, not closed
     * @param location the name used in messages
     * @param columns the columns handed to the handler
     * @param handler receives each data row
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException when a column is missing, a row has the wrong number of columns, or the file
     *     has no header
     */
    public static void forEachRow(InputStream in, String location, List<String> columns, RowHandler handler)
            throws IOException {
        TsvHeader[] header = new TsvHeader[1];
        TextLines.forEach(in, location, (n, line) -> {
            if (line.isBlank() || line.startsWith("#")) {
                return;
            }
            if (header[0] == null) {
                header[0] = parse(location, n, line);
                columns.forEach(header[0]::column);
                return;
            }
            String[] cols = header[0].split(n, line);
            Map<String, String> values = new LinkedHashMap<>();
            for (String c : columns) {
                values.put(c, cols[header[0].column(c)].strip());
            }
            handler.row(n, values);
        });
        if (header[0] == null) {
            throw new MalformedDataException(location, 0, FIELD, "empty file, expected a header with "
                    + String.join(", ", columns));
        }
    }
}
