package org.tcmrx.core.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.TsvHeader;

/**
 * A rule table and the alias table its names are matched through.
 *
 * <p>{@link #embedded()} is the table shipped with TCM-Rx ({@value #RULES} and {@value #ALIASES}), written for
 * the project from the classical verses and the Chinese Pharmacopoeia (2020) monographs each rule cites. It has not
 * been reviewed by a practitioner; load your own with {@link #load(Path, Path)}.
 *
 * <p>The rule file is UTF-8 tab-separated with the header
 * {@code id kind herbs with severity max_g source note} (columns in any order; lines starting with {@code #} and
 * blank lines are skipped). {@code kind} and {@code severity} are the names of {@link RuleKind} and
 * {@link Severity}; {@code herbs} and {@code with} list names separated by {@code 、}; {@code max_g} is the
 * upper daily dose in grams of a {@code DOSE_LIMIT} rule and empty otherwise. The alias file has the header
 * {@code name counts_as note}: a herb named {@code name} also counts as {@code counts_as}. Aliases are not
 * transitive.
 */
public final class SafetyRules {
    /** The class-path resource of the embedded rules. */
    public static final String RULES = "/org/tcmrx/core/safety/safety-rules.tsv";
    /** The class-path resource of the embedded aliases. */
    public static final String ALIASES = "/org/tcmrx/core/safety/herb-aliases.tsv";
    /** The rule file's columns. */
    public static final List<String> RULE_COLUMNS = List.of("id", "kind", "herbs", "with", "severity", "max_g",
            "source", "note");
    /** The alias file's columns. */
    public static final List<String> ALIAS_COLUMNS = List.of("name", "counts_as", "note");

    private static volatile SafetyRules embedded;

    private final List<SafetyRule> rules;
    private final Map<String, SafetyRule> byId;
    private final List<HerbAlias> aliases;
    private final Map<String, Set<String>> countsAs;

    private SafetyRules(List<SafetyRule> rules, List<HerbAlias> aliases) {
        this.rules = List.copyOf(rules);
        this.aliases = List.copyOf(aliases);
        Map<String, SafetyRule> ids = new LinkedHashMap<>();
        for (SafetyRule r : this.rules) {
            if (ids.putIfAbsent(r.id(), r) != null) {
                throw new IllegalArgumentException("rule id '" + r.id() + "' appears twice");
            }
        }
        this.byId = Collections.unmodifiableMap(ids);
        Map<String, Set<String>> map = new LinkedHashMap<>();
        for (HerbAlias a : this.aliases) {
            map.computeIfAbsent(a.name(), k -> new LinkedHashSet<>(List.of(k))).add(a.countsAs());
        }
        map.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        this.countsAs = Collections.unmodifiableMap(map);
    }

    /**
     * Creates a table from rules and aliases.
     *
     * @param rules the rules, ids unique
     * @param aliases the aliases
     * @return the table
     * @throws IllegalArgumentException when a rule id appears twice
     */
    public static SafetyRules of(List<SafetyRule> rules, List<HerbAlias> aliases) {
        return new SafetyRules(Checks.notNull(rules, "rules"), Checks.notNull(aliases, "aliases"));
    }

    /**
     * Returns the table shipped with TCM-Rx, read once.
     *
     * @return the table
     */
    public static SafetyRules embedded() {
        SafetyRules t = embedded;
        if (t == null) {
            synchronized (SafetyRules.class) {
                t = embedded;
                if (t == null) {
                    try (InputStream r = resource(RULES); InputStream a = resource(ALIASES)) {
                        t = new SafetyRules(readRules(r, "safety-rules.tsv"), readAliases(a, "herb-aliases.tsv"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    embedded = t;
                }
            }
        }
        return t;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = SafetyRules.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " is missing from the class path");
        }
        return in;
    }

    /**
     * Loads a rule file and an alias file.
     *
     * @param rules the rule file
     * @param aliases the alias file
     * @return the table
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException on a malformed line, naming file, line and column
     */
    public static SafetyRules load(Path rules, Path aliases) throws IOException {
        try (InputStream r = Files.newInputStream(rules); InputStream a = Files.newInputStream(aliases)) {
            return new SafetyRules(readRules(r, rules.toString()), readAliases(a, aliases.toString()));
        }
    }

    /**
     * Reads a rule file.
     *
     * @param in the file's bytes, read fully, not closed
     * @param location the name used in messages
     * @return the rules in file order
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException on a malformed line or a repeated id
     */
    public static List<SafetyRule> readRules(InputStream in, String location) throws IOException {
        List<SafetyRule> rules = new ArrayList<>();
        Map<String, Long> ids = new LinkedHashMap<>();
        TsvHeader.forEachRow(in, location, RULE_COLUMNS, (n, v) -> {
            for (String required : List.of("id", "kind", "herbs", "severity", "source")) {
                if (v.get(required).isEmpty()) {
                    throw new MalformedDataException(location, n, required, "empty value");
                }
            }
            Long first = ids.putIfAbsent(v.get("id"), n);
            if (first != null) {
                throw new MalformedDataException(location, n, "id", "'" + v.get("id") + "' already used on line "
                        + first);
            }
            RuleKind kind = constant(RuleKind.class, v.get("kind"), location, n, "kind");
            Severity severity = constant(Severity.class, v.get("severity"), location, n, "severity");
            double max = grams(v.get("max_g"), kind, location, n);
            try {
                rules.add(new SafetyRule(v.get("id"), kind, split(v.get("herbs")), split(v.get("with")), severity,
                        max, v.get("source"), v.get("note")));
            } catch (IllegalArgumentException e) {
                throw new MalformedDataException(location, n, kind.pair() ? "with" : "herbs", e.getMessage(), e);
            }
        });
        return List.copyOf(rules);
    }

    /**
     * Reads an alias file.
     *
     * @param in the file's bytes, read fully, not closed
     * @param location the name used in messages
     * @return the aliases in file order
     * @throws IOException when the stream cannot be read
     * @throws MalformedDataException on a malformed line, an alias of a name to itself, or a repeated alias
     */
    public static List<HerbAlias> readAliases(InputStream in, String location) throws IOException {
        List<HerbAlias> aliases = new ArrayList<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        TsvHeader.forEachRow(in, location, ALIAS_COLUMNS, (n, v) -> {
            for (String required : List.of("name", "counts_as")) {
                if (v.get(required).isEmpty()) {
                    throw new MalformedDataException(location, n, required, "empty value");
                }
            }
            if (v.get("name").equals(v.get("counts_as"))) {
                throw new MalformedDataException(location, n, "counts_as", "'" + v.get("name")
                        + "' is aliased to itself");
            }
            Long first = seen.putIfAbsent(v.get("name") + "\t" + v.get("counts_as"), n);
            if (first != null) {
                throw new MalformedDataException(location, n, "counts_as", "'" + v.get("name") + "' → '"
                        + v.get("counts_as") + "' already given on line " + first);
            }
            aliases.add(new HerbAlias(v.get("name"), v.get("counts_as"), v.get("note")));
        });
        return List.copyOf(aliases);
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String value, String location, long line,
            String field) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        throw new MalformedDataException(location, line, field, "unknown value '" + value + "'; expected one of "
                + Arrays.toString(type.getEnumConstants()));
    }

    private static double grams(String value, RuleKind kind, String location, long line) {
        if (kind != RuleKind.DOSE_LIMIT) {
            if (!value.isEmpty()) {
                throw new MalformedDataException(location, line, "max_g", "only DOSE_LIMIT rules have a dose limit, "
                        + "found '" + value + "' on a " + kind + " rule");
            }
            return 0;
        }
        double g;
        try {
            g = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            g = Double.NaN;
        }
        if (!(g > 0) || !Double.isFinite(g)) {
            throw new MalformedDataException(location, line, "max_g", "expected a positive number of grams, found '"
                    + value + "'");
        }
        return g;
    }

    private static List<String> split(String names) {
        if (names.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(names.split("、", -1)).map(String::strip).toList();
    }

    /**
     * Returns the rules in table order.
     *
     * @return the rules
     */
    public List<SafetyRule> rules() {
        return rules;
    }

    /**
     * Returns the rule with an id.
     *
     * @param id the id
     * @return the rule
     * @throws IllegalArgumentException when there is no such rule
     */
    public SafetyRule rule(String id) {
        SafetyRule r = byId.get(id);
        if (r == null) {
            throw new IllegalArgumentException("no safety rule with id '" + id + "'");
        }
        return r;
    }

    /**
     * Returns the aliases in table order.
     *
     * @return the aliases
     */
    public List<HerbAlias> aliases() {
        return aliases;
    }

    /**
     * Returns the names a herb counts as: its own name and the names the alias table gives it, nothing further.
     *
     * @param name the herb's (normalized) name
     * @return the names, its own first
     */
    public Set<String> countsAs(String name) {
        Set<String> names = countsAs.get(name);
        return names != null ? names : Set.of(name);
    }

    /**
     * Returns a copy restricted to some kinds of rule.
     *
     * @param kinds the kinds kept
     * @return the restricted table, same aliases
     */
    public SafetyRules only(Set<RuleKind> kinds) {
        Checks.notNull(kinds, "kinds");
        return new SafetyRules(rules.stream().filter(r -> kinds.contains(r.kind())).toList(), aliases);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SafetyRules[%d rules, %d aliases]", rules.size(), aliases.size());
    }
}
