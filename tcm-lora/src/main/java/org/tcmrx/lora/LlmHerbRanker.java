package org.tcmrx.lora;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.ExplainingHerbRanker;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;
import org.tcmrx.core.Symptom;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.Checks;

/**
 * Recommends herbs by asking a (fine-tuned) Qwen2 model for a three-section answer and reading its prescription.
 *
 * <p>For each query: the findings are written into the prompt template ({@link #DEFAULT_PROMPT_TEMPLATE} unless
 * another is given), sent as the user message through the {@link ChatTemplate} with the generation prompt, decoded by
 * {@link Generator} under the {@link GenerationConfig} (greedy by default), optionally with a
 * {@link PrescriptionConstraint} over the vocabulary's names; the answer is read by {@link ThreeSectionAnswer#parse},
 * each herb is normalized by the {@link HerbNormalizer} (only the standard steps by default), and herbs outside the
 * vocabulary are dropped and counted. A herb that normalizes to one already listed is dropped silently.
 *
 * <p>Scores: the herb at position {@code i} (0-based, among those kept, in generation order) scores {@code n - i},
 * where {@code n} is the number kept; so scores are positive, decrease down the list and say nothing beyond the order.
 * With {@linkplain LlmHerbRankerBuilder#optRescoring rescoring}, the herbs kept are instead ordered by the model's
 * log-probability of each as the first herb of the prescription, {@code log P(name | prompt, 症状分析：analysis,
 * 处方推荐：)} summed over the name's tokens (one pass over the prefix, then a few tokens per herb), which is their
 * score; ties keep the generation order. An answer that cannot be parsed gives {@link Ranking#EMPTY}.
 *
 * <p>Thread safety: {@link #rank(Query, int)} may be called from several threads; generation itself is serialized
 * on one lock per ranker, since the model and its native memory are shared, and the statistics are atomic counters.
 */
public final class LlmHerbRanker implements ExplainingHerbRanker {
    /** The placeholder in a prompt template that the findings replace. */
    public static final String FINDINGS = "{findings}";
    /** The default report name. */
    public static final String DEFAULT_NAME = "LLM";
    /** The default {@code max_new_tokens}: room for three sections of a few sentences each. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 512;
    /**
     * The default prompt: asks for the paper's three sections in the canonical form {@link ThreeSectionAnswer#render()}
     * writes. {@value #FINDINGS} is replaced by one line per finding present, in the order 症状, 舌象, 脉象, 证候,
     * 病情描述 (see {@link #findings(Query)}).
     */
    public static final String DEFAULT_PROMPT_TEMPLATE = "请根据以下患者的四诊信息进行辨证论治。\n"
            + FINDINGS + "\n"
            + "请按以下格式回答：\n"
            + "症状分析：分析病因病机\n"
            + "处方推荐：药名、药名、药名\n"
            + "处方解释：说明君臣佐使与配伍理由";

    private final Function<String, String> generate;
    private final Rescorer rescorer;
    private final String name;
    private final String promptTemplate;
    private final Set<Herb> vocabulary;
    private final HerbNormalizer normalizer;
    private final AtomicLong parsed = new AtomicLong();
    private final AtomicLong notParsed = new AtomicLong();
    private final AtomicLong outside = new AtomicLong();

    /**
     * Creates a ranker around a generation step, for tests: {@code generate} maps the user prompt's text to the
     * answer's text.
     */
    LlmHerbRanker(Function<String, String> generate, String name, String promptTemplate, Collection<Herb> vocabulary,
            HerbNormalizer normalizer) {
        this(generate, null, name, promptTemplate, vocabulary, normalizer);
    }

    /** Creates a ranker around a generation step and, when not null, a rescoring step. */
    LlmHerbRanker(Function<String, String> generate, Rescorer rescorerOrNull, String name, String promptTemplate,
            Collection<Herb> vocabulary, HerbNormalizer normalizer) {
        this.generate = Checks.notNull(generate, "generate");
        this.rescorer = rescorerOrNull;
        this.name = Checks.name(name, "name");
        this.promptTemplate = checkTemplate(promptTemplate);
        Checks.notNull(vocabulary, "vocabulary");
        if (vocabulary.isEmpty()) {
            throw new IllegalArgumentException("vocabulary must not be empty");
        }
        this.vocabulary = Set.copyOf(vocabulary);
        this.normalizer = Checks.notNull(normalizer, "normalizer");
    }

    private static String checkTemplate(String template) {
        Checks.notNull(template, "promptTemplate");
        if (!template.contains(FINDINGS)) {
            throw new IllegalArgumentException("promptTemplate must contain " + FINDINGS + ": '" + template + "'");
        }
        return template;
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static LlmHerbRankerBuilder builder() {
        return new LlmHerbRankerBuilder();
    }

    /**
     * The aggregate counts since the ranker was built, over every answer generated (by {@link #rank(Query, int)} and
     * {@link #answer(Query)} alike).
     *
     * @param answersParsed answers with a usable three-section answer (perhaps with minor problems)
     * @param answersNotParsed answers without one
     * @param herbsOutsideVocabulary herbs, after normalization and once per answer, dropped as outside the vocabulary
     */
    public record Statistics(long answersParsed, long answersNotParsed, long herbsOutsideVocabulary) {}

    /**
     * One generated answer, in full, for reports.
     *
     * @param prompt the user prompt sent (before the chat template)
     * @param text the generated text (special tokens skipped)
     * @param parse how it was read
     * @param herbs the herbs kept, normalized, in generation order
     * @param outsideVocabulary the herbs dropped as outside the vocabulary, normalized, in generation order
     */
    public record Answer(String prompt, String text, ThreeSectionAnswer.Parse parse, List<Herb> herbs,
            List<Herb> outsideVocabulary) {
        /**
         * Copies the lists.
         *
         * @param prompt the user prompt sent
         * @param text the generated text
         * @param parse how it was read
         * @param herbs the herbs kept
         * @param outsideVocabulary the herbs dropped
         */
        public Answer {
            herbs = List.copyOf(herbs);
            outsideVocabulary = List.copyOf(outsideVocabulary);
        }
    }

    /**
     * Ranks the herbs of the model's prescription, in generation order, with the scores described above.
     *
     * @param query the patient's findings
     * @param k how many herbs to return at most, at least 1
     * @return the first {@code k} herbs kept; empty when the answer cannot be parsed
     * @throws IllegalArgumentException when the query is null or {@code k < 1}
     */
    @Override
    public Ranking rank(Query query, int k) {
        return rankExplained(query, k).ranking();
    }

    /**
     * Ranks as {@link #rank(Query, int)} does and returns the generated text with the ranking.
     *
     * @param query the patient's findings
     * @param k how many herbs to return at most, at least 1
     * @return the ranking and the answer's text
     * @throws IllegalArgumentException when the query is null or {@code k < 1}
     */
    @Override
    public Explained rankExplained(Query query, int k) {
        Checks.positiveK(k);
        Answer answer = answer(query);
        return new Explained(ranking(answer, k), answer.text());
    }

    private Ranking ranking(Answer answer, int k) {
        List<Herb> herbs = answer.herbs();
        List<ScoredHerb> entries = new ArrayList<>();
        if (rescorer != null && !herbs.isEmpty()) {
            double[] scores = rescorer.score(answer.prompt(), answer.parse().answerOrNull().analysis(), herbs);
            for (int i = 0; i < herbs.size(); i++) {
                entries.add(new ScoredHerb(herbs.get(i), scores[i]));
            }
            entries.sort(Comparator.comparingDouble(ScoredHerb::score).reversed()); // stable: ties keep the order
        } else {
            for (int i = 0; i < herbs.size(); i++) {
                entries.add(new ScoredHerb(herbs.get(i), herbs.size() - i));
            }
        }
        return new Ranking(entries).top(k);
    }

    /** Scores the herbs kept from an answer. */
    @FunctionalInterface
    interface Rescorer {
        /**
         * Scores herbs.
         *
         * @param prompt the user prompt
         * @param analysis the answer's symptom analysis
         * @param herbs the herbs kept, in generation order
         * @return one finite score per herb, higher first
         */
        double[] score(String prompt, String analysis, List<Herb> herbs);
    }

    /**
     * Generates, reads and maps the answer to a query, counting it in the {@link #statistics()}.
     *
     * @param query the patient's findings
     * @return the answer in full
     * @throws IllegalArgumentException when the query is null
     */
    public Answer answer(Query query) {
        String prompt = prompt(query);
        String generated = generate.apply(prompt);
        String text = generated == null ? "" : generated;
        ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(text);
        if (!parse.ok()) {
            notParsed.incrementAndGet();
            return new Answer(prompt, text, parse, List.of(), List.of());
        }
        parsed.incrementAndGet();
        Set<Herb> kept = new LinkedHashSet<>();
        Set<Herb> dropped = new LinkedHashSet<>();
        for (String written : parse.answerOrNull().herbs()) {
            Herb herb = normalizer.normalize(written);
            (vocabulary.contains(herb) ? kept : dropped).add(herb);
        }
        outside.addAndGet(dropped.size());
        return new Answer(prompt, text, parse, List.copyOf(kept), List.copyOf(dropped));
    }

    /**
     * Writes the user prompt for a query: the template with {@value #FINDINGS} replaced by {@link #findings(Query)}.
     *
     * @param query the patient's findings
     * @return the prompt
     * @throws IllegalArgumentException when the query is null
     */
    public String prompt(Query query) {
        return promptTemplate.replace(FINDINGS, findings(query));
    }

    /**
     * Writes a query's findings, one line each, only those present: {@code 症状：a、b}, {@code 舌象：…},
     * {@code 脉象：…}, {@code 证候：a、b}, {@code 病情描述：…}.
     *
     * @param query the patient's findings
     * @return the lines, joined by newlines
     * @throws IllegalArgumentException when the query is null
     */
    public static String findings(Query query) {
        Checks.notNull(query, "query");
        List<String> lines = new ArrayList<>();
        if (!query.symptoms().isEmpty()) {
            lines.add("症状：" + query.symptoms().stream().map(Symptom::name).collect(Collectors.joining("、")));
        }
        if (query.tongue() != null) {
            lines.add("舌象：" + query.tongue());
        }
        if (query.pulse() != null) {
            lines.add("脉象：" + query.pulse());
        }
        if (!query.syndromes().isEmpty()) {
            lines.add("证候：" + String.join("、", query.syndromes()));
        }
        if (query.text() != null) {
            lines.add("病情描述：" + query.text());
        }
        return String.join("\n", lines);
    }

    /**
     * Returns the counts so far.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(parsed.get(), notParsed.get(), outside.get());
    }

    @Override
    public String name() {
        return name;
    }
}
