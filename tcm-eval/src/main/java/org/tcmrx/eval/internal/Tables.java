package org.tcmrx.eval.internal;

import java.util.List;
import java.util.Locale;

/** Lays out tables as aligned plain text or GitHub-flavoured Markdown; the first column is a label. */
public final class Tables {
    private Tables() {}

    /**
     * Formats a metric value with four decimals, independent of the default locale.
     *
     * @param value the value
     * @return e.g. {@code 0.1235}
     */
    public static String number(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /**
     * Lays out a plain-text table: the first column left-aligned, the others right-aligned, two spaces between
     * columns, a rule of dashes under the header, no trailing spaces.
     *
     * @param header the column titles
     * @param rows the cells, each row as long as the header
     * @return the table, each line ending with a newline
     */
    public static String text(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        measure(header, width);
        for (List<String> row : rows) {
            measure(row, width);
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        int total = 0;
        for (int w : width) {
            total += w;
        }
        sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
        for (List<String> row : rows) {
            line(sb, row, width);
        }
        return sb.toString();
    }

    /**
     * Lays out a Markdown table: the first {@code labelColumns} columns left-aligned, the others (numbers)
     * right-aligned; {@code |} in a cell is escaped.
     *
     * @param header the column titles
     * @param rows the cells, each row as long as the header
     * @param labelColumns how many leading columns hold labels rather than numbers
     * @return the table, each line ending with a newline
     */
    public static String markdown(List<String> header, List<List<String>> rows, int labelColumns) {
        StringBuilder sb = new StringBuilder();
        markdownLine(sb, header);
        sb.append('|');
        for (int i = 0; i < header.size(); i++) {
            sb.append(i < labelColumns ? "---|" : "---:|");
        }
        sb.append('\n');
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells, header " + header.size());
            }
            markdownLine(sb, row);
        }
        return sb.toString();
    }

    private static void measure(List<String> cells, int[] width) {
        if (cells.size() != width.length) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + width.length);
        }
        for (int i = 0; i < width.length; i++) {
            width[i] = Math.max(width[i], cells.get(i).length());
        }
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String pad = " ".repeat(width[i] - cell.length());
            if (i > 0) {
                line.append("  ").append(pad).append(cell);
            } else {
                line.append(cell).append(pad);
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static void markdownLine(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String cell : cells) {
            sb.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        sb.append('\n');
    }
}
