package org.tcmrx.eval;

import java.util.List;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.eval.internal.Tables;

/**
 * A table's cells, for reports that lay tables out themselves (Markdown, HTML, a terminal).
 *
 * @param header the column titles
 * @param rows the rows, each as long as the header
 */
public record ReportTable(List<String> header, List<List<String>> rows) {
    /**
     * Validates and copies the cells.
     *
     * @param header the column titles
     * @param rows the rows
     * @throws IllegalArgumentException when a row's length differs from the header's
     */
    public ReportTable {
        header = List.copyOf(Checks.notNull(header, "header"));
        rows = Checks.notNull(rows, "rows").stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells, header " + header.size());
            }
        }
    }

    /**
     * Lays the table out in Markdown, the first column as labels.
     *
     * @return the Markdown, each line ending with a newline
     */
    public String markdown() {
        return Tables.markdown(header, rows, 1);
    }

    /**
     * Lays the table out as aligned plain text.
     *
     * @return the text, each line ending with a newline
     */
    public String text() {
        return Tables.text(header, rows);
    }
}
