package org.tcmrx.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.TextLines;

/**
 * Brings herb names written in different ways to one spelling, in explicit, traceable steps:
 *
 * <ol>
 *   <li><b>width</b>: Unicode NFKC, so full-width letters, digits and brackets become half-width and CJK
 *       compatibility ideographs become their unified forms;
 *   <li><b>space</b>: all white space is removed (Chinese herb names contain none);
 *   <li><b>mark</b>: a trailing processing mark in brackets is written as the usual prefix, e.g. {@code 甘草(炙)} →
 *       {@code 炙甘草} (the same medicine spelt the usual way, not a merge);
 *   <li><b>rule</b>: a rule table maps written forms to canonical herbs, e.g. {@code 炒白术 → 白术}. Only names in
 *       the table are merged; nothing else is. No table is applied unless one is given.
 * </ol>
 *
 * <p>{@link #standard()} applies the first three steps only. {@link Builder#optDefaultProcessingRules()} adds the
 * rule table shipped with TCM-Rx ({@value #DEFAULT_RULES}), whose every line gives its reason. Processed forms that
 * are different medicines (生姜/干姜/炮姜, 生地黄/熟地黄, 煅龙骨/龙骨, ...) are never merged by it.
 */
public final class HerbNormalizer {
    /** The class-path resource of the default processing-mark rules. */
    public static final String DEFAULT_RULES = "/org/tcmrx/core/herb-processing-rules.tsv";

    /** Processing marks recognized in brackets after a name. */
    public static final List<String> MARKS = List.of(
            "炒", "炙", "生", "制", "炮", "煅", "焦", "蜜", "酒", "醋", "盐", "姜", "麸炒", "蜜炙", "酒炒", "醋炒", "盐炒",
            "姜炙", "酒炙", "醋炙", "盐炙");

    private static final Pattern BRACKETED_MARK = Pattern.compile(
            "^(.+?)\\((" + String.join("|", MARKS.stream().sorted((a, b) -> b.length() - a.length()).toList())
                    + ")\\)$");
    private static final Pattern WHITE_SPACE = Pattern.compile("[\\s\\u3000\\u00A0]+");

    private final Map<String, Rule> rules;

    private HerbNormalizer(Map<String, Rule> rules) {
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    /**
     * One rule of the table.
     *
     * @param written the form as written
     * @param canonical the herb it is mapped to
     * @param reason why the two are the same herb
     */
    public record Rule(String written, String canonical, String reason) {
        /**
         * Validates the rule.
         *
         * @param written the form as written
         * @param canonical the herb it is mapped to
         * @param reason why the two are the same herb
         * @throws IllegalArgumentException when a field is blank or the rule maps a name to itself
         */
        public Rule {
            Checks.name(written, "written");
            Checks.name(canonical, "canonical");
            reason = reason == null ? "" : reason.strip();
            if (written.equals(canonical)) {
                throw new IllegalArgumentException("rule maps '" + written + "' to itself");
            }
        }
    }

    /**
     * The outcome of normalizing one name, with every step that changed it.
     *
     * @param written the name as given
     * @param herb the normalized herb
     * @param steps what changed, in order, e.g. {@code width: 甘草（炙） → 甘草(炙)}; empty when nothing did
     */
    public record Normalization(String written, Herb herb, List<String> steps) {
        /**
         * Copies the steps.
         *
         * @param written the name as given
         * @param herb the normalized herb
         * @param steps what changed, in order
         */
        public Normalization {
            steps = List.copyOf(steps);
        }
    }

    /**
     * Returns the normalizer with width, space and mark steps and no rule table.
     *
     * @return the normalizer
     */
    public static HerbNormalizer standard() {
        return new HerbNormalizer(Map.of());
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Normalizes a name.
     *
     * @param written the name as written
     * @return the herb
     * @throws IllegalArgumentException when the name is null or nothing is left after removing white space
     */
    public Herb normalize(String written) {
        return explain(written).herb();
    }

    /**
     * Normalizes a name and tells which steps changed it.
     *
     * @param written the name as written
     * @return the outcome
     * @throws IllegalArgumentException when the name is null or nothing is left after removing white space
     */
    public Normalization explain(String written) {
        Checks.notNull(written, "written");
        List<String> steps = new ArrayList<>();
        String name = step(steps, "width", written, Normalizer.normalize(written, Normalizer.Form.NFKC));
        name = step(steps, "space", name, WHITE_SPACE.matcher(name).replaceAll(""));
        if (name.isEmpty()) {
            throw new IllegalArgumentException("herb name is blank: '" + written + "'");
        }
        Matcher m = BRACKETED_MARK.matcher(name);
        if (m.matches()) {
            name = step(steps, "mark", name, m.group(2) + m.group(1));
        }
        Rule rule = rules.get(name);
        if (rule != null) {
            name = step(steps, "rule", name, rule.canonical());
        }
        return new Normalization(written, new Herb(name), steps);
    }

    /**
     * Returns the rule table.
     *
     * @return the rules by written form
     */
    public Map<String, Rule> rules() {
        return rules;
    }

    private static String step(List<String> steps, String what, String before, String after) {
        if (!before.equals(after)) {
            steps.add(what + ": " + before + " → " + after);
        }
        return after;
    }

    /**
     * Reads a rule table: UTF-8 lines {@code written<TAB>canonical[<TAB>reason]}; blank lines and lines starting
     * with {@code #} are skipped. Rules may not chain (a canonical name may not itself be rewritten) and a written
     * form may appear once.
     *
     * @param in the table, read fully, not closed
     * @param location the name used in messages
     * @return the rules in order
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException on a malformed line, a repeated written form or a chain
     */
    public static List<Rule> readRules(InputStream in, String location) throws IOException {
        Map<String, Rule> byWritten = new LinkedHashMap<>();
        Map<String, Long> lines = new LinkedHashMap<>();
        TextLines.forEach(in, location, (n, line) -> {
            if (line.isBlank() || line.startsWith("#")) {
                return;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length < 2 || cols.length > 3) {
                throw new MalformedDataException(location, n, null,
                        "expected 'written<TAB>canonical[<TAB>reason]', found " + cols.length + " column(s)");
            }
            String written = cols[0].strip();
            String canonical = cols[1].strip();
            if (written.isEmpty() || canonical.isEmpty()) {
                throw new MalformedDataException(location, n, written.isEmpty() ? "written" : "canonical",
                        "empty name");
            }
            if (written.equals(canonical)) {
                throw new MalformedDataException(location, n, "canonical", "'" + written + "' is mapped to itself");
            }
            Long first = lines.putIfAbsent(written, n);
            if (first != null) {
                throw new MalformedDataException(location, n, "written",
                        "'" + written + "' already has a rule on line " + first);
            }
            byWritten.put(written, new Rule(written, canonical, cols.length == 3 ? cols[2] : ""));
        });
        for (Rule r : byWritten.values()) {
            if (byWritten.containsKey(r.canonical())) {
                throw new MalformedDataException(location, lines.get(r.written()), "canonical", "'"
                        + r.canonical() + "' is itself rewritten on line " + lines.get(r.canonical())
                        + "; rules may not chain");
            }
        }
        return List.copyOf(byWritten.values());
    }

    /** Builds a {@link HerbNormalizer}. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();

        private Builder() {}

        /**
         * Adds the rule table shipped with TCM-Rx.
         *
         * @return this builder
         */
        public Builder optDefaultProcessingRules() {
            try (InputStream in = HerbNormalizer.class.getResourceAsStream(DEFAULT_RULES)) {
                if (in == null) {
                    throw new IOException("resource " + DEFAULT_RULES + " is missing from the class path");
                }
                rules.addAll(readRules(in, "herb-processing-rules.tsv"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /**
         * Adds the rules of a table file (see {@link #readRules(InputStream, String)}).
         *
         * @param file the table
         * @return this builder
         * @throws IOException when the file cannot be read
         */
        public Builder optRules(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            rules.addAll(readRules(new ByteArrayInputStream(bytes), file.toString()));
            return this;
        }

        /**
         * Adds one rule.
         *
         * @param written the form as written
         * @param canonical the herb it means
         * @param reason why
         * @return this builder
         */
        public Builder addRule(String written, String canonical, String reason) {
            rules.add(new Rule(written, canonical, reason));
            return this;
        }

        /**
         * Builds the normalizer.
         *
         * @return the normalizer
         * @throws IllegalArgumentException when two rules rewrite the same form differently, or rules chain
         */
        public HerbNormalizer build() {
            Map<String, Rule> byWritten = new LinkedHashMap<>();
            for (Rule r : rules) {
                Rule old = byWritten.put(r.written(), r);
                if (old != null && !old.canonical().equals(r.canonical())) {
                    throw new IllegalArgumentException("conflicting rules for '" + r.written() + "': '"
                            + old.canonical() + "' and '" + r.canonical() + "'");
                }
            }
            for (Rule r : byWritten.values()) {
                if (byWritten.containsKey(r.canonical())) {
                    throw new IllegalArgumentException("rules chain: '" + r.written() + "' → '" + r.canonical()
                            + "' → '" + byWritten.get(r.canonical()).canonical() + "'");
                }
            }
            return new HerbNormalizer(byWritten);
        }
    }
}
