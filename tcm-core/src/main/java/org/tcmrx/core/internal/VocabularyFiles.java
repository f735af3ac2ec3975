package org.tcmrx.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.MalformedDataException;

/** The vocabulary file format: UTF-8 lines {@code id<TAB>name}, ids consecutive from 0. */
public final class VocabularyFiles {
    private VocabularyFiles() {}

    /**
     * Reads the names in id order.
     *
     * @param file the file
     * @return the names
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException on a malformed line, a gap in the ids or a repeated name
     */
    public static List<String> read(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String location = file.toString();
        TextLines.forEach(file, (lineNumber, line) -> {
            if (line.isEmpty()) {
                return;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new MalformedDataException(location, lineNumber, null,
                        "expected 'id<TAB>name', found '" + line + "'");
            }
            String idText = line.substring(0, tab);
            String name = line.substring(tab + 1).strip();
            int id;
            try {
                id = Integer.parseInt(idText);
            } catch (NumberFormatException e) {
                throw new MalformedDataException(location, lineNumber, "id", "not an integer: '" + idText + "'");
            }
            if (id != names.size()) {
                throw new MalformedDataException(location, lineNumber, "id",
                        "expected id " + names.size() + ", found " + id);
            }
            if (name.isEmpty()) {
                throw new MalformedDataException(location, lineNumber, "name", "empty name");
            }
            if (!seen.add(name)) {
                throw new MalformedDataException(location, lineNumber, "name", "'" + name + "' appears twice");
            }
            names.add(name);
        });
        return names;
    }

    /**
     * Writes names in id order, atomically.
     *
     * @param file the file
     * @param names the names
     * @throws IOException on failure
     */
    public static void write(Path file, List<String> names) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sb.append(i).append('\t').append(names.get(i)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
