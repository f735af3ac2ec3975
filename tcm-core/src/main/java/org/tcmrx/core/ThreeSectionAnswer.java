package org.tcmrx.core;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An answer in the paper's three-section format: 症状分析 (symptom analysis), 处方推荐 (the prescription) and
 * 处方解释 (its explanation), in that order.
 *
 * <p>{@link #render()} writes the canonical form
 * <pre>
 *   症状分析：analysis
 *   处方推荐：herb、herb、herb
 *   处方解释：explanation
 * </pre>
 * and {@link #parse(String)} reads it back, with {@code parse(a.render()).answerOrNull()} equal to {@code a} for every
 * answer {@code a}; it also reads the looser forms a model writes, by the rules given there.
 *
 * @param analysis the symptom analysis, without surrounding white space, possibly empty; no line of it may read as a
 *     section header (except its first line, which follows its own header)
 * @param herbs the prescribed herbs' names in order, at least one, no name twice; each as {@link #parse(String)}
 *     would read it: no separator or white space, no dose, no list or emphasis marks
 * @param explanation the explanation, under the same rules as {@code analysis}
 */
public record ThreeSectionAnswer(String analysis, List<String> herbs, String explanation) {
    /** The header of the symptom analysis. */
    public static final String ANALYSIS = "症状分析";
    /** The header of the prescription. */
    public static final String PRESCRIPTION = "处方推荐";
    /** The header of the explanation. */
    public static final String EXPLANATION = "处方解释";
    /** The three headers, in the order they must appear. */
    public static final List<String> SECTIONS = List.of(ANALYSIS, PRESCRIPTION, EXPLANATION);

    /**
     * A header at the start of a line: optional indentation, Markdown heading marks {@code #}, an opening emphasis
     * mark, an opening bracket, the name, a closing bracket, a closing emphasis mark and a colon.
     */
    private static final Pattern HEADER = Pattern.compile(
            "(?m)^[ \\t\\u3000]*(?<hashes>#{1,6}[ \\t]*)?(?<open>\\*\\*|__)?(?<lb>[【\\[［])?[ \\t]*"
                    + "(?<name>" + ANALYSIS + "|" + PRESCRIPTION + "|" + EXPLANATION + ")"
                    + "[ \\t]*(?<rb>[】\\]］])?(?<close>\\*\\*|__)?[ \\t]*(?<colon>[：:])?");
    /** Where the prescription is cut into items. */
    private static final Pattern SEPARATORS = Pattern.compile("[、，,；;。\\s\\u3000]+");
    /**
     * A dose at the end of an item: a number or range, an optional unit, optionally in brackets. The number starts
     * where a run of digits does: a match from inside the run would also match from its start, and trying every
     * start made a long run of digits cost time quadratic in its length.
     */
    private static final Pattern DOSE = Pattern.compile(
            "[(（\\[【]?[ \\t]*(?<![0-9０-９])[0-9０-９]+(?:[.．][0-9０-９]+)?(?:[-~～—][0-9０-９]+(?:[.．][0-9０-９]+)?)?[ \\t]*"
                    + "(?:g|G|ｇ|克|钱|两|mg|ml|mL|毫升|枚|片|个|粒|只|条|支)?[ \\t]*[)）\\]】]?$");
    /** A single dose in units of mass at the end of an item, optionally in brackets: its number and unit. */
    private static final Pattern GRAMS = Pattern.compile(
            "(?<![0-9０-９.．\\-~～—])([0-9０-９]+(?:[.．][0-9０-９]+)?)[ \\t]*(g|G|ｇ|克|mg)[ \\t]*[)）\\]】]?$");
    /** A list mark at the start of an item: a bullet, or a number followed by a dot or bracket. */
    private static final Pattern LIST_MARK = Pattern.compile("^(?:[-*•·+]+|[0-9０-９]+[.．)）])");
    /** Emphasis marks around an item. */
    private static final Pattern EMPHASIS = Pattern.compile("^[*_]+|[*_]+$");

    /**
     * Validates and copies the answer.
     *
     * @param analysis the symptom analysis
     * @param herbs the prescribed herbs' names
     * @param explanation the explanation
     * @throws IllegalArgumentException naming the field when a value breaks the rules above
     */
    public ThreeSectionAnswer {
        checkSection(analysis, "analysis");
        checkSection(explanation, "explanation");
        if (herbs == null || herbs.isEmpty()) {
            throw new IllegalArgumentException("herbs must not be empty");
        }
        herbs = List.copyOf(herbs);
        Set<String> seen = new LinkedHashSet<>();
        for (String herb : herbs) {
            if (herb == null || herb.isEmpty() || !herb.equals(herbName(herb)) || SEPARATORS.matcher(herb).find()) {
                throw new IllegalArgumentException("herbs: '" + herb + "' is not a herb name as parse reads it");
            }
            if (!seen.add(herb)) {
                throw new IllegalArgumentException("herbs: '" + herb + "' appears twice");
            }
        }
    }

    private static void checkSection(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (!text.equals(text.strip())) {
            throw new IllegalArgumentException(what + " must not start or end with white space");
        }
        // As render() writes it: after its own header, on the header's line.
        List<Header> headers = headers(ANALYSIS + "：" + text);
        if (headers.size() > 1) {
            throw new IllegalArgumentException(what + " holds a line that reads as the header "
                    + headers.get(1).name());
        }
    }

    /**
     * Writes the canonical form: {@code 症状分析：analysis\n处方推荐：herb、herb\n处方解释：explanation}, with a
     * full-width colon and the herbs joined by {@code 、}.
     *
     * @return the text
     */
    public String render() {
        return ANALYSIS + "：" + analysis + "\n" + PRESCRIPTION + "：" + String.join("、", herbs) + "\n" + EXPLANATION
                + "：" + explanation;
    }

    /**
     * The outcome of {@link #parse(String)}: the answer, or null, and every problem found, in order.
     *
     * @param answerOrNull the answer, or null when the text has no usable three-section answer
     * @param problems what was wrong, in the order found; may be non-empty when there is an answer (a repeated herb,
     *     an empty analysis or explanation)
     */
    public record Parse(ThreeSectionAnswer answerOrNull, List<String> problems) {
        /**
         * Copies the problems.
         *
         * @param answerOrNull the answer, or null
         * @param problems what was wrong, in order
         * @throws IllegalArgumentException when the problems are null, or there is neither an answer nor a problem
         */
        public Parse {
            if (problems == null) {
                throw new IllegalArgumentException("problems must not be null");
            }
            problems = List.copyOf(problems);
            if (answerOrNull == null && problems.isEmpty()) {
                throw new IllegalArgumentException("a parse without an answer needs a problem");
            }
        }

        /**
         * Tells whether an answer was read (perhaps with problems that did not prevent it).
         *
         * @return {@code answerOrNull() != null}
         */
        public boolean ok() {
            return answerOrNull != null;
        }

        /**
         * Tells whether an answer was read without any problem.
         *
         * @return {@code ok() && problems().isEmpty()}
         */
        public boolean clean() {
            return answerOrNull != null && problems.isEmpty();
        }
    }

    /**
     * Reads a three-section answer, as a model writes it; bad text is reported in the result, never thrown.
     *
     * <p>The rules:
     * <ol>
     *   <li><b>headers</b>: a header is one of {@value #ANALYSIS}, {@value #PRESCRIPTION}, {@value #EXPLANATION} at
     *       the start of a line (after spaces or tabs), optionally preceded by Markdown heading marks ({@code ###}),
     *       an emphasis mark ({@code **} or {@code __}) and an opening bracket ({@code 【}, {@code [}, {@code ［}),
     *       optionally followed by the closing bracket, the closing emphasis mark and a colon ({@code ：} or
     *       {@code :}); when the emphasis mark opened before the name follows the colon instead
     *       ({@code **症状分析：**}), it belongs to the header too. A name without a colon counts as a header only
     *       when it is decorated (heading marks, emphasis, or a bracket), so a line such as {@code 症状分析表明……}
     *       is text. So {@code 症状分析：}, {@code 症状分析:}, {@code 【症状分析】}, {@code ### 症状分析},
     *       {@code **症状分析**：} and {@code **症状分析：**} are all headers.
     *   <li><b>sections</b>: each header must appear exactly once, in the order above; the section's text runs from
     *       its header to the next header (or the end), without surrounding white space. Text before the first
     *       header is ignored. Otherwise there is no answer, and the problems are, per header in the order above,
     *       {@code missing section NAME} or {@code section NAME appears N times}, then, when each appears once but
     *       the order is wrong, {@code sections out of order: A, B, C} (the order found).
     *   <li><b>herbs</b>: the prescription is cut on {@code 、 ， , ； ; 。} and white space (newlines included).
     *       From each item, emphasis marks ({@code *}, {@code _}) at either end, a list mark at the start (a bullet
     *       {@code - * • · +}, or a number and {@code .} or {@code )}), and a dose at the end (a number or range
     *       such as {@code 9}, {@code 1.5}, {@code 6-9}, an optional unit such as {@code g} (or full-width), {@code 克}, {@code 钱},
     *       {@code 枚}, {@code 片}, all optionally in brackets: {@code 麻黄9g}, {@code 桂枝(6g)}) are removed,
     *       again until nothing changes;
     *       an item left empty (a dose written apart, as in {@code 麻黄 9克}) is dropped. A herb written twice is
     *       kept once, at its first place, with the problem {@code duplicate herb NAME} (once per name). No herb at
     *       all gives the problem {@code empty prescription} and no answer.
     *   <li><b>empty text</b>: an empty analysis or explanation gives the problem {@code empty section NAME} but
     *       still an answer.
     * </ol>
     * Problems about the sections' contents come in the order analysis, prescription, explanation. Names are not
     * normalized here (see {@link HerbNormalizer}).
     *
     * @param text the answer's text
     * @return the answer, or null, and the problems
     * @throws IllegalArgumentException when the text is null
     */
    public static Parse parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        List<Header> headers = headers(text);
        List<String> problems = new ArrayList<>();
        for (String name : SECTIONS) {
            long n = headers.stream().filter(h -> h.name().equals(name)).count();
            if (n == 0) {
                problems.add("missing section " + name);
            } else if (n > 1) {
                problems.add("section " + name + " appears " + n + " times");
            }
        }
        if (!problems.isEmpty()) {
            return new Parse(null, problems);
        }
        List<String> found = headers.stream().map(Header::name).toList();
        if (!found.equals(SECTIONS)) {
            return new Parse(null, List.of("sections out of order: " + String.join(", ", found)));
        }
        String[] bodies = bodies(text, headers);
        if (bodies[0].isEmpty()) {
            problems.add("empty section " + ANALYSIS);
        }
        List<String> herbs = new ArrayList<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (String item : SEPARATORS.split(bodies[1])) {
            String herb = herbName(item);
            if (herb.isEmpty()) {
                continue;
            }
            if (herbs.contains(herb)) {
                if (duplicates.add(herb)) {
                    problems.add("duplicate herb " + herb);
                }
            } else {
                herbs.add(herb);
            }
        }
        if (herbs.isEmpty()) {
            problems.add("empty prescription");
        }
        if (bodies[2].isEmpty()) {
            problems.add("empty section " + EXPLANATION);
        }
        return new Parse(herbs.isEmpty() ? null : new ThreeSectionAnswer(bodies[0], herbs, bodies[2]), problems);
    }

    /**
     * Reads the doses written with the prescription's herbs, e.g. {@code 麻黄9g}, {@code 桂枝(6克)} or {@code 附子 15g}, for
     * dose checks. Items are cut as in {@link #parse(String)}; a dose counts when it is a single number with a unit
     * of mass, {@code g} (also full-width), {@code 克} or {@code mg}, read as grams, at the end of the herb's item
     * or alone in the item right after it ({@code 附子 15g}). A range ({@code 6-9g}), a count ({@code 3枚}), a
     * number without a unit, or an amount that is zero grams or more than a {@code double} holds gives no dose. A
     * herb written twice keeps its first dose.
     *
     * @param text the answer's text
     * @return the doses in grams by herb name as parsed, in prescription order; empty when the text has no usable
     *     three-section answer or no dose in grams
     * @throws IllegalArgumentException when the text is null
     */
    public static Map<String, Dose> doses(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        List<Header> headers = headers(text);
        if (!headers.stream().map(Header::name).toList().equals(SECTIONS)) {
            return Map.of();
        }
        Map<String, Dose> doses = new LinkedHashMap<>();
        String last = null;
        for (String item : SEPARATORS.split(bodies(text, headers)[1])) {
            String herb = herbName(item);
            // A dose written apart (附子 15g) belongs to the herb just before it.
            String owner = herb.isEmpty() ? last : herb;
            last = herb.isEmpty() ? null : herb;
            Matcher m = GRAMS.matcher(EMPHASIS.matcher(item.strip()).replaceAll(""));
            if (owner != null && m.find()) {
                double amount = Double.parseDouble(Normalizer.normalize(m.group(1), Normalizer.Form.NFKC));
                double grams = m.group(2).equals("mg") ? amount / 1000 : amount;
                // Hundreds of digits read as infinity, or as zero in milligrams: neither is a dose.
                if (grams > 0 && Double.isFinite(grams)) {
                    doses.putIfAbsent(owner, Dose.grams(grams));
                }
            }
        }
        return Collections.unmodifiableMap(doses);
    }

    private static String[] bodies(String text, List<Header> headers) {
        String[] bodies = new String[3];
        for (int i = 0; i < 3; i++) {
            int end = i < 2 ? headers.get(i + 1).start() : text.length();
            bodies[i] = text.substring(headers.get(i).end(), end).strip();
        }
        return bodies;
    }

    /** One header found: its name and where it starts and ends in the text. */
    private record Header(String name, int start, int end) {}

    private static List<Header> headers(String text) {
        List<Header> headers = new ArrayList<>();
        Matcher m = HEADER.matcher(text);
        while (m.find()) {
            String open = m.group("open");
            boolean decorated = m.group("hashes") != null || open != null || m.group("lb") != null
                    || m.group("rb") != null || m.group("close") != null;
            if (m.group("colon") == null && !decorated) {
                continue;
            }
            int end = m.end();
            // **症状分析：** closes the emphasis after the colon.
            if (open != null && m.group("close") == null && text.startsWith(open, end)) {
                end += open.length();
            }
            headers.add(new Header(m.group("name"), m.start(), end));
        }
        return headers;
    }

    /** Reduces one item of a prescription to the herb's name, as {@link #parse(String)} describes; "" if nothing. */
    static String herbName(String item) {
        String name = item.strip();
        // Until nothing changes, so that a name read is read as itself again (麻黄9g9g → 麻黄9g → 麻黄).
        for (String before = null; !name.equals(before); ) {
            before = name;
            name = EMPHASIS.matcher(name).replaceAll("").strip();
            name = LIST_MARK.matcher(name).replaceFirst("").strip();
            name = DOSE.matcher(name).replaceFirst("").strip();
        }
        return name;
    }
}
