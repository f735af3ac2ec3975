package org.tcmrx.core.internal;

import java.util.List;
import org.tcmrx.core.MalformedDataException;

/**
 * Parses a field of space-separated integer ids ({@code 0 1 2}) against a mapping file's ids {@code 0..n-1}.
 *
 * <p>Ids are separated by one or more spaces; leading and trailing spaces are ignored (the SDPR split files end every
 * field with one). An id is a run of ASCII digits, optionally after a minus sign; anything else is not an integer.
 */
public final class IdListParser {
    private final String field;
    private final String kind;
    private final String mappingFile;
    private final List<String> names;

    /**
     * Creates a parser.
     *
     * @param field the field name used in messages, e.g. {@code herb ids}
     * @param kind what an id stands for, e.g. {@code herb}
     * @param mappingFile the file that defines the ids, named in messages about unknown ids
     * @param names the name of each id {@code 0..n-1}, at least one
     */
    public IdListParser(String field, String kind, String mappingFile, List<String> names) {
        this.field = Checks.name(field, "field");
        this.kind = Checks.name(kind, "kind");
        this.mappingFile = Checks.name(mappingFile, "mappingFile");
        this.names = List.copyOf(Checks.notNull(names, "names"));
        if (this.names.isEmpty()) {
            throw new IllegalArgumentException("names must not be empty");
        }
    }

    /**
     * Parses one field.
     *
     * @param text the field's text
     * @param location the file, for messages
     * @param lineNumber the 1-based line number, for messages
     * @return the ids in the order written, at least one, distinct
     * @throws MalformedDataException when the field is empty, a token is not an integer, an id is unknown or an id
     *     appears twice
     */
    public int[] parse(String text, String location, long lineNumber) {
        String[] tokens = text.strip().isEmpty() ? new String[0] : text.strip().split(" +");
        if (tokens.length == 0) {
            throw new MalformedDataException(location, lineNumber, field,
                    "empty " + kind + " set: expected at least one " + kind + " id");
        }
        int[] ids = new int[tokens.length];
        // Small sets (tens of ids): a linear scan for repeats beats allocating a set per line.
        for (int i = 0; i < tokens.length; i++) {
            int id = id(tokens[i], location, lineNumber);
            for (int j = 0; j < i; j++) {
                if (ids[j] == id) {
                    throw new MalformedDataException(location, lineNumber, field,
                            kind + " id " + id + " (" + names.get(id) + ") appears twice");
                }
            }
            ids[i] = id;
        }
        return ids;
    }

    private int id(String token, String location, long lineNumber) {
        if (!token.matches("-?[0-9]+")) {
            throw new MalformedDataException(location, lineNumber, field, "'" + token + "' is not an integer");
        }
        int id;
        try {
            id = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            id = -1; // too large for an int, so certainly unknown; the message shows the token as written
        }
        if (id < 0 || id >= names.size()) {
            throw new MalformedDataException(location, lineNumber, field, "unknown " + kind + " id " + token + "; "
                    + mappingFile + " has ids 0-" + (names.size() - 1));
        }
        return id;
    }
}
