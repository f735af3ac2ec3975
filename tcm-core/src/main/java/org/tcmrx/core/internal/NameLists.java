package org.tcmrx.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.MalformedDataException;

/** Splits a cell holding names joined by a separator ({@code 头痛|咳嗽}, {@code 僵蚕,黄芩}). */
public final class NameLists {
    private NameLists() {}

    /**
     * Splits a cell into names, in order, repeats included.
     *
     * @param text the cell; empty means no names
     * @param separator the character between names
     * @param location the file, for messages
     * @param lineNumber the 1-based line number, for messages
     * @param field the column, for messages
     * @return the names, possibly empty
     * @throws MalformedDataException when a name is empty or has surrounding white space
     */
    public static List<String> split(String text, char separator, String location, long lineNumber, String field) {
        List<String> names = new ArrayList<>();
        if (text.isEmpty()) {
            return names;
        }
        int start = 0;
        while (true) {
            int end = text.indexOf(separator, start);
            String name = end < 0 ? text.substring(start) : text.substring(start, end);
            int position = names.size() + 1;
            if (name.isBlank()) {
                throw new MalformedDataException(location, lineNumber, field,
                        "empty name at position " + position + " of '" + text + "'");
            }
            if (!name.strip().equals(name)) {
                throw new MalformedDataException(location, lineNumber, field,
                        "name '" + name + "' at position " + position + " has surrounding white space");
            }
            names.add(name);
            if (end < 0) {
                return names;
            }
            start = end + 1;
        }
    }
}
