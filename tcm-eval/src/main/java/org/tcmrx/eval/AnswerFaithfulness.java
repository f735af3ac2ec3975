package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.HerbProperties;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.Checks;

/**
 * Measures whether an answer's explanation (处方解释) is faithful to its prescription (处方推荐): which prescribed
 * herbs it explains, which herbs it explains without prescribing them, which prescribed herbs the data set does not
 * know, and whether the natures, flavours and meridians it states agree with a knowledge table. Immutable and
 * thread-safe; {@link FaithfulnessSummary#of(List)} aggregates the outcomes.
 *
 * <p>The rules of {@link #check(String)}:
 * <ol>
 *   <li><b>parse</b>: the text is read by {@link ThreeSectionAnswer#parse(String)}; when that gives no answer, the
 *       outcome is {@link FaithfulnessCase#unparsed()}. An answer read with problems (a repeated herb, an empty
 *       explanation) is measured as read.
 *   <li><b>prescribed</b>: the answer's herb names as parsed, in order; each is also normalized by the normalizer.
 *   <li><b>names</b>: the explanation is searched for each prescribed herb's written name and normalized name, and
 *       for the <i>known names</i>: the vocabulary's names and the knowledge table's, of two characters or more. A
 *       known name of one character (such as 姜) is ignored: in running text it is more often part of another word
 *       than a herb. A name belongs to the prescribed herb written so; else to the first prescribed herb whose
 *       normalized name it is or normalizes to (so with the default rules a 炙甘草 in the explanation names a
 *       prescribed 甘草); else, for a known name, to no prescribed herb.
 *   <li><b>mentions</b>: the names are searched longest first (names of one length in {@link String#compareTo}
 *       order); every occurrence is a mention, and its characters are masked before shorter names are searched, so
 *       that a mention of 炙甘草 is not also a mention of 甘草, whether 炙甘草 is prescribed or not.
 *   <li><b>explained</b>: a prescribed herb with a mention is explained; one without is unexplained.
 *   <li><b>explained, not prescribed</b>: the known names mentioned that belong to no prescribed herb, as written
 *       in the explanation, each once, in the order they first appear.
 *   <li><b>outside the vocabulary</b>: the prescribed herbs whose normalized name is not in the vocabulary.
 *   <li><b>segments</b>: each mention of a prescribed herb opens a segment, from the end of the mention to the start
 *       of the next mention of any name, or to the end of the explanation. A herb mentioned twice has two segments.
 *   <li><b>claims</b>: in each segment of a prescribed herb that the knowledge table has (looked up by its written
 *       name, then by its normalized name), only these explicit patterns are read:
 *       <ul>
 *         <li>nature: {@code 性} followed by one of 大寒 寒 凉 微寒 微凉 平 微温 温 热 大热, as in 性微寒, 性温; a
 *             degree off that list (性大温) is not read;
 *         <li>flavours: {@code 味} followed by a run of flavours 辛 甘 酸 苦 咸 淡 涩, each optionally prefixed by
 *             微 or 大, optionally separated by {@code 、}, {@code ，} or {@code ,}, as in 味辛、微苦 and 味甘苦;
 *         <li>meridians: {@code 归} or {@code 入} followed by a run of organs and then {@code 经}, as in 归肺、膀胱经
 *             and 入心肝经; the organs are 心包 膀胱 大肠 小肠 三焦 心 肝 脾 肺 肾 胃 胆, two-character ones read
 *             first, separated as flavours are.
 *       </ul>
 *       Each nature, flavour and meridian stated is one claim; a value stated twice in one segment counts once. The
 *       textbook form without markers, 辛、苦，温。归肺经, is not read for its flavours and nature: bare 温, 苦 and
 *       甘 are too common in explanations as verbs and in other words (温中散寒, 甘草) to be read without false
 *       claims; its 归肺经 is read as a meridian claim. Claims for a herb the table does not have are not read or
 *       counted, nor are nature claims when the table's nature is off the list above.
 *   <li><b>contradictions</b>: a claim is contradicted when
 *       <ul>
 *         <li>nature: on the scale 大寒 −3, 寒 −2, 凉 −1, 微凉 −1, 微寒 −1, 平 0, 微温 1, 温 2, 热 3, 大热 3, the
 *             stated and the table's values have opposite signs (both non-zero) or differ by 2 or more: 平 against
 *             温 and 凉 against 微温 contradict, 平 against 微温 and 寒 against 微寒 do not;
 *         <li>flavour: the stated flavour without 微 or 大 is not among the table's flavours without 微 or 大;
 *         <li>meridian: the stated organ is not among the table's meridians, each read without surrounding white
 *             space and without a final 经 (so a table may write 膀胱 or 膀胱经).
 *       </ul>
 *       Contradictions come in the order of the segments, and within one: the nature, the flavours, the meridians,
 *       each in the order stated.
 * </ol>
 */
public final class AnswerFaithfulness {
    /** What replaces each character of a mention, so that no name is found in it again. */
    private static final char MASK = '〇';
    private static final Comparator<String> LONGEST_FIRST =
            Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder());

    private final HerbNormalizer normalizer;
    /** The vocabulary's herbs, normalized. */
    private final Set<String> vocabulary;
    private final Map<String, HerbProperties> knowledge;
    /** The known names of two characters or more, each with its normalized name. */
    private final Map<String, String> known;

    private AnswerFaithfulness(HerbNormalizer normalizer, Set<String> vocabulary, Map<String, HerbProperties> knowledge,
            Map<String, String> known) {
        this.normalizer = normalizer;
        this.vocabulary = vocabulary;
        this.knowledge = knowledge;
        this.known = known;
    }

    /**
     * Returns a builder; {@link Builder#setVocabulary(Collection)} is required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Measures one answer by the rules above.
     *
     * @param answerText the answer as written
     * @return the outcome; {@link FaithfulnessCase#unparsed()} when the text is not a three-section answer
     * @throws IllegalArgumentException when the text is null
     */
    public FaithfulnessCase check(String answerText) {
        Checks.notNull(answerText, "answerText");
        ThreeSectionAnswer answer = ThreeSectionAnswer.parse(answerText).answerOrNull();
        if (answer == null) {
            return FaithfulnessCase.unparsed();
        }
        List<String> written = answer.herbs();
        List<String> normalized = written.stream().map(this::normalize).toList();
        String text = answer.explanation();
        List<Mention> mentions = mentions(text, owners(written, normalized));

        boolean[] named = new boolean[written.size()];
        Set<String> notPrescribed = new LinkedHashSet<>();
        for (Mention m : mentions) {
            if (m.owner() >= 0) {
                named[m.owner()] = true;
            } else {
                notPrescribed.add(m.name());
            }
        }
        List<String> explained = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            (named[i] ? explained : unexplained).add(written.get(i));
            if (!vocabulary.contains(normalized.get(i))) {
                outside.add(written.get(i));
            }
        }

        int claims = 0;
        List<PropertyContradiction> contradictions = new ArrayList<>();
        for (int j = 0; j < mentions.size(); j++) {
            int owner = mentions.get(j).owner();
            HerbProperties table = owner < 0 ? null : properties(written.get(owner), normalized.get(owner));
            if (table == null) {
                continue;
            }
            int end = j + 1 < mentions.size() ? mentions.get(j + 1).start() : text.length();
            String segment = text.substring(mentions.get(j).end(), end);
            PropertyClaims.Outcome o = PropertyClaims.check(written.get(owner), segment, table);
            claims += o.claims();
            contradictions.addAll(o.contradictions());
        }
        return new FaithfulnessCase(true, written, explained, unexplained, List.copyOf(notPrescribed), outside, claims,
                contradictions);
    }

    /** One occurrence of a name in the explanation; {@code owner} is the prescribed herb's index, or -1. */
    private record Mention(String name, int owner, int start, int end) {}

    /** Every name searched for, with the index of the prescribed herb it belongs to, or -1. */
    private Map<String, Integer> owners(List<String> written, List<String> normalized) {
        Map<String, Integer> owners = new HashMap<>();
        for (int i = 0; i < written.size(); i++) {
            owners.put(written.get(i), i);
        }
        for (int i = 0; i < normalized.size(); i++) {
            owners.putIfAbsent(normalized.get(i), i);
        }
        known.forEach((name, herb) -> owners.putIfAbsent(name, normalized.indexOf(herb)));
        return owners;
    }

    /** The mentions of the names, in the order of the text, longest names found first and masked. */
    private static List<Mention> mentions(String text, Map<String, Integer> owners) {
        List<String> names = new ArrayList<>(owners.keySet());
        names.sort(LONGEST_FIRST);
        StringBuilder masked = new StringBuilder(text);
        List<Mention> out = new ArrayList<>();
        for (String name : names) {
            for (int at = masked.indexOf(name); at >= 0; at = masked.indexOf(name, at + name.length())) {
                out.add(new Mention(name, owners.get(name), at, at + name.length()));
                for (int c = at; c < at + name.length(); c++) {
                    masked.setCharAt(c, MASK);
                }
            }
        }
        out.sort(Comparator.comparingInt(Mention::start));
        return out;
    }

    private HerbProperties properties(String written, String normalized) {
        HerbProperties p = knowledge.get(written);
        return p != null ? p : knowledge.get(normalized);
    }

    /** The normalized name; the name as written when nothing is left of it (a no-break space only). */
    private String normalize(String written) {
        try {
            return normalizer.normalize(written).name();
        } catch (IllegalArgumentException e) {
            // Bad text is reported, never thrown: such an item stays as written, and outside the vocabulary.
            return written;
        }
    }

    /** Builds an {@link AnswerFaithfulness}. */
    public static final class Builder {
        private Collection<Herb> vocabulary;
        private HerbNormalizer normalizer;
        private Map<Herb, HerbProperties> knowledge = Map.of();

        private Builder() {}

        /**
         * Sets the herbs the data set knows, by their normalized names (normalizing them again changes nothing);
         * required.
         *
         * @param herbs the herbs, at least one
         * @return this builder
         */
        public Builder setVocabulary(Collection<Herb> herbs) {
            this.vocabulary = herbs;
            return this;
        }

        /**
         * Sets the normalizer of the prescribed names; default
         * {@code HerbNormalizer.builder().optDefaultProcessingRules().build()}, the one the data sets are read with.
         *
         * @param normalizer the normalizer; null restores the default
         * @return this builder
         */
        public Builder optNormalizer(HerbNormalizer normalizer) {
            this.normalizer = normalizer;
            return this;
        }

        /**
         * Sets the knowledge table whose natures, flavours and meridians the explanations' claims are checked
         * against; default none, and with an empty table no claim is read.
         *
         * @param knowledge the properties by herb, as the table names them
         * @return this builder
         */
        public Builder optKnowledge(Map<Herb, HerbProperties> knowledge) {
            this.knowledge = knowledge;
            return this;
        }

        /**
         * Validates the settings and builds the checker.
         *
         * @return the checker
         * @throws IllegalArgumentException when the vocabulary is not set, empty or holds null, or the knowledge
         *     table is null or holds null
         */
        public AnswerFaithfulness build() {
            if (vocabulary == null) {
                throw new IllegalArgumentException("vocabulary must be set");
            }
            if (vocabulary.isEmpty()) {
                throw new IllegalArgumentException("vocabulary must not be empty");
            }
            Checks.notNull(knowledge, "knowledge");
            HerbNormalizer n = normalizer != null ? normalizer
                    : HerbNormalizer.builder().optDefaultProcessingRules().build();
            Set<String> normalizedVocabulary = new HashSet<>();
            Map<String, String> known = new LinkedHashMap<>();
            for (Herb h : vocabulary) {
                Checks.notNull(h, "vocabulary element");
                String name = n.normalize(h.name()).name();
                normalizedVocabulary.add(name);
                addKnown(known, h.name(), name);
            }
            Map<String, HerbProperties> table = new LinkedHashMap<>();
            knowledge.forEach((herb, properties) -> {
                if (herb == null || properties == null) {
                    throw new IllegalArgumentException("knowledge must not contain null");
                }
                table.put(herb.name(), properties);
                addKnown(known, herb.name(), n.normalize(herb.name()).name());
            });
            return new AnswerFaithfulness(n, Set.copyOf(normalizedVocabulary), Map.copyOf(table), Map.copyOf(known));
        }

        private static void addKnown(Map<String, String> known, String name, String normalized) {
            if (name.codePointCount(0, name.length()) >= 2) {
                known.putIfAbsent(name, normalized);
            }
        }
    }
}
