package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report as a list of blocks (headings, paragraphs, preformatted text, tables, images), written once and rendered
 * two ways: as Markdown that refers to its images by file name, and as one self-contained HTML page with inline CSS and
 * every image embedded as a {@code data:} URI. All text is plain: each renderer escapes it for its format.
 */
final class ReportDocument {
    /** A part of the report. */
    sealed interface Block permits Heading, Paragraph, Pre, Table, Image {}

    /**
     * A heading.
     *
     * @param level 1 for the title, 2 for a section, 3 for a subsection
     * @param text the text
     */
    record Heading(int level, String text) implements Block {}

    /**
     * A paragraph, optionally led by a label shown in bold.
     *
     * @param label the label, e.g. {@code True prescription:}, or null
     * @param text the text
     */
    record Paragraph(String label, String text) implements Block {}

    /**
     * Text shown as is, in a fixed-width font with its line breaks kept.
     *
     * @param text the text
     */
    record Pre(String text) implements Block {}

    /**
     * A table; columns whose cells all read as numbers are aligned right.
     *
     * @param header the column names
     * @param rows the rows, each as long as the header
     */
    record Table(List<String> header, List<List<String>> rows) implements Block {}

    /**
     * A PNG image.
     *
     * @param alt the text shown in its place
     * @param png the file
     */
    record Image(String alt, Path png) implements Block {}

    private static final Pattern NUMBER = Pattern.compile("([-+]?\\d+(\\.\\d+)?%?|NaN)([ /].*)?|n/a");
    private static final Pattern BACKTICKS = Pattern.compile("`+");
    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','PingFang SC','Microsoft YaHei',"
                    + "sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}",
            "h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}",
            "table{border-collapse:collapse;margin:1em 0;font-size:.92em}",
            "th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}th{background:#f3f3f3}",
            "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
            "pre{background:#f7f7f7;border:1px solid #e2e2e2;padding:.8em;white-space:pre-wrap;"
                    + "word-break:break-word;font-family:ui-monospace,Menlo,Consolas,monospace}",
            "img{max-width:100%;height:auto;border:1px solid #eee}");

    private final List<Block> blocks = new ArrayList<>();

    /**
     * Adds a heading.
     *
     * @param level 1, 2 or 3
     * @param text the text
     * @return this document
     */
    ReportDocument heading(int level, String text) {
        blocks.add(new Heading(level, text));
        return this;
    }

    /**
     * Adds a paragraph.
     *
     * @param text the text
     * @return this document
     */
    ReportDocument paragraph(String text) {
        blocks.add(new Paragraph(null, text));
        return this;
    }

    /**
     * Adds a paragraph led by a bold label.
     *
     * @param label the label
     * @param text the text
     * @return this document
     */
    ReportDocument labelled(String label, String text) {
        blocks.add(new Paragraph(label, text));
        return this;
    }

    /**
     * Adds preformatted text.
     *
     * @param text the text
     * @return this document
     */
    ReportDocument pre(String text) {
        blocks.add(new Pre(text));
        return this;
    }

    /**
     * Adds a table.
     *
     * @param header the column names
     * @param rows the rows
     * @return this document
     */
    ReportDocument table(List<String> header, List<List<String>> rows) {
        blocks.add(new Table(List.copyOf(header), List.copyOf(rows)));
        return this;
    }

    /**
     * Adds an image.
     *
     * @param alt the text shown in its place
     * @param png the PNG file
     * @return this document
     */
    ReportDocument image(String alt, Path png) {
        blocks.add(new Image(alt, png));
        return this;
    }

    /**
     * Returns the blocks.
     *
     * @return the blocks in order, unmodifiable
     */
    List<Block> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /**
     * Renders the document as Markdown (CommonMark with GitHub's tables); images are referred to by file name, so
     * the Markdown file belongs in the images' folder.
     *
     * @return the Markdown text
     */
    String markdown() {
        StringBuilder md = new StringBuilder();
        for (Block block : blocks) {
            if (block instanceof Heading h) {
                md.append("#".repeat(h.level())).append(' ').append(inline(h.text())).append("\n\n");
            } else if (block instanceof Paragraph p) {
                if (p.label() != null) {
                    md.append("**").append(inline(p.label())).append("**").append(p.text().isEmpty() ? "" : " ");
                }
                md.append(inline(p.text())).append("\n\n");
            } else if (block instanceof Pre p) {
                // A fence longer than any run of backticks inside cannot be closed by the text.
                int longest = 0;
                Matcher m = BACKTICKS.matcher(p.text());
                while (m.find()) {
                    longest = Math.max(longest, m.group().length());
                }
                String fence = "`".repeat(Math.max(3, longest + 1));
                md.append(fence).append("text\n").append(p.text().stripTrailing()).append('\n').append(fence)
                        .append("\n\n");
            } else if (block instanceof Table t) {
                boolean[] numeric = numericColumns(t);
                row(md, t.header());
                md.append('|');
                for (boolean n : numeric) {
                    md.append(n ? " ---: |" : " --- |");
                }
                md.append('\n');
                t.rows().forEach(r -> row(md, r));
                md.append('\n');
            } else if (block instanceof Image i) {
                md.append("![").append(inline(i.alt())).append("](").append(i.png().getFileName()).append(")\n\n");
            }
        }
        return md.toString();
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append('|');
        for (String cell : cells) {
            md.append(' ').append(inline(cell.replace('\n', ' '))).append(" |");
        }
        md.append('\n');
    }

    /**
     * Escapes what Markdown would read as markup in plain text: code spans, emphasis, HTML and table pipes, and a
     * heading or quote mark at the start. Brackets are left alone: without a following link target they are text.
     */
    private static String inline(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("\\`*<|".indexOf(c) >= 0 || (i == 0 && (c == '#' || c == '>'))) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Renders the document as one HTML page: UTF-8, inline CSS, images as {@code data:image/png;base64} URIs, no
     * scripts and no links to anything outside the page.
     *
     * @param title the page's title
     * @return the HTML text
     * @throws IOException when an image cannot be read
     */
    String html(String title) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>\n").append(CSS)
                .append("\n</style>\n</head>\n<body>\n");
        for (Block block : blocks) {
            if (block instanceof Heading hd) {
                h.append("<h").append(hd.level()).append('>').append(escape(hd.text())).append("</h")
                        .append(hd.level()).append(">\n");
            } else if (block instanceof Paragraph p) {
                h.append("<p>");
                if (p.label() != null) {
                    h.append("<strong>").append(escape(p.label())).append("</strong>")
                            .append(p.text().isEmpty() ? "" : " ");
                }
                h.append(escape(p.text())).append("</p>\n");
            } else if (block instanceof Pre p) {
                h.append("<pre>").append(escape(p.text().stripTrailing())).append("</pre>\n");
            } else if (block instanceof Table t) {
                boolean[] numeric = numericColumns(t);
                h.append("<table>\n<thead><tr>");
                t.header().forEach(c -> h.append("<th>").append(escape(c)).append("</th>"));
                h.append("</tr></thead>\n<tbody>\n");
                for (List<String> r : t.rows()) {
                    h.append("<tr>");
                    for (int i = 0; i < r.size(); i++) {
                        h.append(i < numeric.length && numeric[i] ? "<td class=\"num\">" : "<td>")
                                .append(escape(r.get(i))).append("</td>");
                    }
                    h.append("</tr>\n");
                }
                h.append("</tbody>\n</table>\n");
            } else if (block instanceof Image i) {
                String data = Base64.getEncoder().encodeToString(Files.readAllBytes(i.png()));
                h.append("<p><img alt=\"").append(escape(i.alt())).append("\" src=\"data:image/png;base64,")
                        .append(data).append("\"></p>\n");
            }
        }
        return h.append("</body>\n</html>\n").toString();
    }

    /**
     * Escapes text for HTML content and attribute values.
     *
     * @param text the text
     * @return the text with {@code & < > " '} replaced by character references
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A column is numeric when it has cells and every one of them reads as a number (or n/a). */
    private static boolean[] numericColumns(Table t) {
        boolean[] numeric = new boolean[t.header().size()];
        for (int i = 0; i < numeric.length; i++) {
            final int column = i;
            numeric[i] = !t.rows().isEmpty() && t.rows().stream()
                    .allMatch(r -> column < r.size() && NUMBER.matcher(r.get(column)).matches());
        }
        return numeric;
    }
}
