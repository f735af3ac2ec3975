package org.tcmrx.lora;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.Herb;
import org.tcmrx.core.safety.SafetyChecker;

/**
 * Keeps the prescription section of a generated answer inside a herb vocabulary: a {@link LogitsProcessor} that masks
 * every token that would write a herb not in the list.
 *
 * <p>The rule, on the decoded text of the generated ids (special tokens skipped). Until that text contains the header
 * {@value #SECTION_HEADER}, nothing is masked. After the header's first occurrence, the text must stay a prefix of
 * <pre>
 *   tail* herb (separator herb)* "\n" anything
 * </pre>
 * where {@code tail} is one character of {@value #HEADER_TAIL_CHARS} or a newline (what follows a header, such as
 * {@code "：\n"}), {@code herb} is one of the herb names and {@code separator} one of the separators (by default
 * {@code 、}, {@code ，}, {@code ,} and a space). The newline after a herb ends the section: from there on, the next
 * header ({@value #NEXT_HEADER}) included, nothing is masked. A token is allowed when the section's text followed by
 * the token's decoded string is still such a prefix, or completes the section with its newline; so each herb is
 * checked character by character through a trie, whatever BPE pieces spell it. No herb is written twice: once a herb
 * is followed by a separator, the trie no longer completes it, and a prefix that leads only to herbs already written
 * is masked too; when every listed herb is written, only the section's end (a newline or EOS) is left. An EOS id
 * (the tokenizer's {@link QwenTokenizer#eosTokenIds()}) is allowed only right after a complete herb, where it ends
 * the section. Every
 * other added token, any token whose decoded string is empty or holds U+FFFD (a piece of a character's bytes, whose
 * character cannot be checked) and any id outside the tokenizer's vocabulary (a model's padding rows) is masked inside
 * the section. When the section's text already breaks the rule (only possible when the token that completed the
 * header carried more text), nothing is masked.
 *
 * <p>With a {@link SafetyChecker} ({@link #of(Collection, List, QwenTokenizer, SafetyChecker)}), the herbs its
 * single-herb rules flag (say 妊娠禁用, when it checks that kind) are never allowed, and once a herb is written, every
 * herb that a pair rule forbids with it (十八反, 十九畏) is excluded like a herb already written; so a constrained
 * prescription never holds a flagged pair. Dose rules do not apply: the section names herbs only.
 *
 * <p>Each token's string is decoded once, when the constraint is created.
 */
public final class PrescriptionConstraint implements LogitsProcessor {
    /** The header of the prescription section. */
    public static final String SECTION_HEADER = "处方推荐";
    /** The header of the next section, which the section's final newline leads to. */
    public static final String NEXT_HEADER = "处方解释";
    /** The characters, besides a newline, allowed between the header and the first herb. */
    public static final String HEADER_TAIL_CHARS = "：:】]）) *#";
    /** The default separators between herbs. */
    public static final List<String> DEFAULT_SEPARATORS = List.of("、", "，", ",", " ");

    private static final int HERB_ROOT = 0;
    private static final int SEPARATOR_ROOT = 1;
    private static final int TAIL = -1;
    private static final int DONE = -2;
    private static final int SEPARATOR = 1;
    private static final int SECTION_END = 2;

    private final QwenTokenizer tokenizer;
    private final String[] pieces;
    private final boolean[] added;
    private final Set<Long> eos;
    private final List<Map<Character, Integer>> children = new ArrayList<>();
    /** Per node: a herb ends here (herb trie), or {@link #SEPARATOR} / {@link #SECTION_END} (separator trie). */
    private final List<Integer> ends = new ArrayList<>();
    /** The nodes of the separator trie. */
    private final Set<Integer> separatorNodes = new HashSet<>();
    /** Per herb-trie node: how many herbs end in its subtree (itself included). */
    private final List<Integer> herbsBelow = new ArrayList<>();
    /** Per node: the character that leads to it, and its parent node. */
    private final Map<Integer, Character> parents = new HashMap<>();
    private final Map<Integer, Integer> parentNodes = new HashMap<>();
    /** Per herb end node: the end nodes of the herbs a pair rule forbids with it. */
    private final Map<Integer, Set<Integer>> clashes = new HashMap<>();
    /** The end nodes of the herbs a single-herb rule flags: never allowed. */
    private final Set<Integer> barred = new HashSet<>();

    private PrescriptionConstraint(Collection<String> herbs, List<String> separators, QwenTokenizer tokenizer,
            SafetyChecker safety) {
        this.tokenizer = tokenizer;
        node();
        node();
        for (String herb : herbs) {
            insert(HERB_ROOT, herb, 1);
        }
        if (safety != null) {
            excludeUnsafe(herbs, safety);
        }
        for (String separator : separators) {
            insert(SEPARATOR_ROOT, separator, SEPARATOR);
        }
        insert(SEPARATOR_ROOT, "\n", SECTION_END);
        int vocab = tokenizer.vocabSize();
        pieces = new String[vocab];
        added = new boolean[vocab];
        for (int id : tokenizer.addedTokens().values()) {
            added[id] = true;
        }
        for (int id = 0; id < vocab; id++) {
            pieces[id] = added[id] ? "" : tokenizer.decode(new long[] {id}, false);
        }
        eos = new HashSet<>();
        for (int id : tokenizer.eosTokenIds()) {
            eos.add((long) id);
        }
    }

    /**
     * Creates the constraint with the default separators.
     *
     * @param herbs the herb names, each non-empty and without a separator or newline
     * @param tokenizer the model's tokenizer
     * @return the constraint
     * @throws IllegalArgumentException naming the argument when the herbs are empty, or a herb is null, empty or holds a
     *     separator or a newline
     */
    public static PrescriptionConstraint of(Collection<String> herbs, QwenTokenizer tokenizer) {
        return of(herbs, DEFAULT_SEPARATORS, tokenizer);
    }

    /**
     * Creates the constraint.
     *
     * @param herbs the herb names, each non-empty and without a separator or newline
     * @param separators the strings allowed between two herbs, each non-empty and without a newline
     * @param tokenizer the model's tokenizer
     * @return the constraint
     * @throws IllegalArgumentException naming the argument when a list is empty or holds an invalid entry, or the
     *     tokenizer is null
     */
    public static PrescriptionConstraint of(Collection<String> herbs, List<String> separators,
            QwenTokenizer tokenizer) {
        return of(herbs, separators, tokenizer, null);
    }

    /**
     * Creates the constraint, keeping what a safety checker flags out of the prescription.
     *
     * @param herbs the herb names, each non-empty and without a separator or newline
     * @param separators the strings allowed between two herbs, each non-empty and without a newline
     * @param tokenizer the model's tokenizer
     * @param safety the checker whose pair and single-herb rules apply, or null for none
     * @return the constraint
     * @throws IllegalArgumentException naming the argument when a list is empty or holds an invalid entry, or the
     *     tokenizer is null
     */
    public static PrescriptionConstraint of(Collection<String> herbs, List<String> separators,
            QwenTokenizer tokenizer, SafetyChecker safety) {
        if (tokenizer == null) {
            throw new IllegalArgumentException("tokenizer must not be null");
        }
        if (separators == null || separators.isEmpty()) {
            throw new IllegalArgumentException("separators must not be empty");
        }
        for (String s : separators) {
            if (s == null || s.isEmpty() || s.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("separators: '" + s + "' must be non-empty and without a newline");
            }
        }
        if (herbs == null || herbs.isEmpty()) {
            throw new IllegalArgumentException("herbs must not be empty");
        }
        for (String herb : herbs) {
            if (herb == null || herb.isEmpty() || herb.indexOf('\n') >= 0
                    || separators.stream().anyMatch(herb::contains)) {
                throw new IllegalArgumentException("herbs: '" + herb + "' must be non-empty and hold no separator "
                        + "or newline");
            }
        }
        return new PrescriptionConstraint(herbs, separators, tokenizer, safety);
    }

    /** Fills {@link #clashes} and {@link #barred} from the checker's rules. */
    private void excludeUnsafe(Collection<String> herbs, SafetyChecker safety) {
        List<Herb> all = herbs.stream().map(Herb::new).toList();
        for (Herb h : all) {
            if (!safety.herbRules(h).isEmpty()) {
                barred.add(path(h.name()));
            }
        }
        safety.conflicts(all).forEach((h, others) -> {
            Set<Integer> ends = clashes.computeIfAbsent(path(h.name()), k -> new HashSet<>());
            others.forEach(o -> ends.add(path(o.name())));
        });
    }

    @Override
    public void process(long[] promptIds, long[] generatedIds, float[] logits) {
        String text = tokenizer.decode(generatedIds, true);
        int header = text.indexOf(SECTION_HEADER);
        if (header < 0) {
            return;
        }
        String section = text.substring(header + SECTION_HEADER.length());
        Written written = written(section);
        // The text so far holds the finished herbs themselves; only what comes next must avoid them.
        Set<Integer> states = run(Set.of(TAIL), section, Written.NONE);
        if (states.isEmpty() || states.contains(DONE)) {
            return;
        }
        boolean atHerbEnd = states.contains(SEPARATOR_ROOT);
        boolean[] allow = new boolean[logits.length];
        boolean any = false;
        for (int id = 0; id < logits.length; id++) {
            allow[id] = allowed(id, states, atHerbEnd, written);
            any |= allow[id];
        }
        if (!any) {
            // Every listed herb is written or excluded already: the section can only end.
            for (int id = 0; id < Math.min(logits.length, pieces.length); id++) {
                allow[id] = eos.contains((long) id) || "\n".equals(pieces[id]);
            }
        }
        for (int id = 0; id < logits.length; id++) {
            if (!allow[id]) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * The herbs the section may no longer complete (those finished, each followed by a separator, and those the
     * safety rules exclude), and the herb-trie nodes every herb below which is among them.
     *
     * @param ends the end nodes of the excluded herbs
     * @param dead the nodes whose every herb is excluded
     */
    private record Written(Set<Integer> ends, Set<Integer> dead) {
        static final Written NONE = new Written(Set.of(), Set.of());
    }

    private Written written(String section) {
        Set<Integer> finished = new HashSet<>();
        StringBuilder item = new StringBuilder();
        int i = 0;
        while (i < section.length()
                && (section.charAt(i) == '\n' || HEADER_TAIL_CHARS.indexOf(section.charAt(i)) >= 0)) {
            i++;
        }
        for (; i < section.length(); i++) {
            char c = section.charAt(i);
            if (c == '\n') {
                break;
            }
            if (children.get(SEPARATOR_ROOT).containsKey(c) && separatorStart(section, i)) {
                int node = path(item.toString());
                if (node != HERB_ROOT && ends.get(node) != 0) {
                    finished.add(node);
                }
                item.setLength(0);
            } else {
                item.append(c);
            }
        }
        Set<Integer> excluded = new HashSet<>(finished);
        excluded.addAll(barred);
        for (int end : finished) {
            excluded.addAll(clashes.getOrDefault(end, Set.of()));
        }
        if (excluded.isEmpty()) {
            return Written.NONE;
        }
        Map<Integer, Integer> below = new HashMap<>();
        for (int end : excluded) {
            String herb = herbAt(end);
            int at = HERB_ROOT;
            for (int k = 0; k < herb.length(); k++) {
                at = children.get(at).get(herb.charAt(k));
                below.merge(at, 1, Integer::sum);
            }
        }
        Set<Integer> dead = new HashSet<>();
        below.forEach((node, n) -> {
            if (n.intValue() == herbsBelow.get(node).intValue()) {
                dead.add(node);
            }
        });
        return new Written(excluded, dead);
    }

    /** Whether a separator starts at {@code i} (separators of more than one character are checked whole). */
    private boolean separatorStart(String text, int i) {
        int at = SEPARATOR_ROOT;
        for (int k = i; k < text.length(); k++) {
            Integer child = children.get(at).get(text.charAt(k));
            if (child == null) {
                return false;
            }
            if (ends.get(child) == SEPARATOR) {
                return true;
            }
            at = child;
        }
        return false;
    }

    /** The herb whose name ends at a node. */
    private String herbAt(int end) {
        StringBuilder word = new StringBuilder();
        int at = end;
        while (at != HERB_ROOT) {
            word.append(parents.get(at).charValue());
            at = parentNodes.get(at);
        }
        return word.reverse().toString();
    }

    /**
     * Whether a token may follow the section's text.
     *
     * @param id the token
     * @param states the automaton's states after the section's text, neither empty nor done
     * @param atHerbEnd whether the text ends with a complete herb
     */
    private boolean allowed(int id, Set<Integer> states, boolean atHerbEnd, Written written) {
        if (id >= pieces.length) {
            return false;
        }
        if (added[id]) {
            return atHerbEnd && eos.contains((long) id);
        }
        String piece = pieces[id];
        if (piece.isEmpty() || piece.indexOf('\uFFFD') >= 0) {
            return false;
        }
        return !run(states, piece, written).isEmpty();
    }

    /** Steps the automaton through the text; a set holding {@link #DONE} means the section has ended. */
    private Set<Integer> run(Set<Integer> start, String text, Written written) {
        Set<Integer> states = start;
        for (int i = 0; i < text.length() && !states.isEmpty(); i++) {
            Set<Integer> next = new HashSet<>(4);
            for (int state : states) {
                if (state == DONE) {
                    return states;
                }
                step(state, text.charAt(i), next, written);
            }
            states = next;
        }
        return states;
    }

    private void step(int state, char c, Set<Integer> next, Written written) {
        if (state == TAIL) {
            if (c == '\n' || HEADER_TAIL_CHARS.indexOf(c) >= 0) {
                next.add(TAIL);
            }
            step(HERB_ROOT, c, next, written);
            return;
        }
        Integer child = children.get(state).get(c);
        if (child == null || written.dead().contains(child)) {
            return;
        }
        int end = ends.get(child);
        if (!children.get(child).isEmpty()) {
            next.add(child);
        }
        if (isSeparatorNode(child)) {
            if (end == SECTION_END) {
                next.add(DONE);
            } else if (end == SEPARATOR) {
                next.add(HERB_ROOT);
            }
        } else if (end != 0 && !written.ends().contains(child)) {
            next.add(SEPARATOR_ROOT); // a complete herb: a separator or the final newline may follow
        }
    }

    private boolean isSeparatorNode(int node) {
        return separatorNodes.contains(node);
    }

    private int node() {
        children.add(new HashMap<>());
        ends.add(0);
        herbsBelow.add(0);
        return children.size() - 1;
    }

    private void insert(int root, String word, int end) {
        int at = root;
        if (root == HERB_ROOT && ends.get(path(word)) != 0) {
            return; // a name listed twice
        }
        for (int i = 0; i < word.length(); i++) {
            Integer child = children.get(at).get(word.charAt(i));
            if (child == null) {
                child = node();
                children.get(at).put(word.charAt(i), child);
                parents.put(child, word.charAt(i));
                parentNodes.put(child, at);
                if (root == SEPARATOR_ROOT) {
                    separatorNodes.add(child);
                }
            }
            at = child;
            if (root == HERB_ROOT) {
                herbsBelow.set(at, herbsBelow.get(at) + 1);
            }
        }
        ends.set(at, end);
    }

    /** The herb-trie node a word leads to, or {@link #HERB_ROOT} when it leaves the trie. */
    private int path(String word) {
        int at = HERB_ROOT;
        for (int i = 0; i < word.length(); i++) {
            Integer child = children.get(at).get(word.charAt(i));
            if (child == null) {
                return HERB_ROOT;
            }
            at = child;
        }
        return at;
    }
}
