package org.tcmrx.dpo;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.Herb;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.GenerationConfig;
import org.tcmrx.lora.Generator;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTokenizer;

/**
 * The LLM writes the answer itself, with the prescription forced: the chosen side of a pair is then in the model's
 * own words and style, and differs from the rejected side mainly where it matters, the herbs (and what the model
 * says about them).
 *
 * <p>Three steps, all greedy, on the candidate's prompt rendered by the {@link ChatTemplate} with the generation
 * prompt:
 * <ol>
 *   <li><b>analysis</b>: the text {@code 症状分析：} is forced (an answer in the trained format starts with it), and
 *       the model continues until EOS, {@code max_new_tokens}, or the name of any section ({@code 症状分析},
 *       {@code 处方推荐}, {@code 处方解释}; these are the generation's stop strings). The text is cut where that
 *       name starts, the heading marks or brackets left before it ({@code #}, {@code *}, {@code _}, {@code 【},
 *       {@code [}) are dropped, and so is surrounding white space;
 *   <li><b>prescription</b>: {@code \n处方推荐：} and the herbs joined by {@code 、} and {@code \n处方解释：} are
 *       forced: appended to the text, never sampled;
 *   <li><b>explanation</b>: the model continues from the whole text so far, cut by the same rules.
 * </ol>
 * The answer is {@code 症状分析：analysis\n处方推荐：herbs\n处方解释：explanation}, the canonical form of
 * {@link ThreeSectionAnswer#render()}. It is returned only when {@link ThreeSectionAnswer#parse} reads it without a
 * problem and with exactly the forced herbs; otherwise (in practice: the model wrote an empty analysis or
 * explanation) the fallback writer writes the answer, by default a {@link KnowledgeChosenWriter}, and the fallback is
 * counted in {@link #statistics()}. So a text whose prescription is not exactly the forced one is never returned.
 *
 * <p>May be called from several threads: the generation steps run one at a time, since the model's native memory
 * is shared.
 */
public final class ForcedPrescriptionWriter implements ChosenWriter {
    /** The writer's name, before its fallback's. */
    public static final String NAME = "forced-prescription";
    /**
     * The default {@code max_new_tokens} of each of the two generated sections; together they match the
     * {@link org.tcmrx.lora.LlmHerbRanker#DEFAULT_MAX_NEW_TOKENS} of a whole answer.
     */
    public static final int DEFAULT_MAX_NEW_TOKENS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ForcedPrescriptionWriter.class);
    /** Heading marks, emphasis and brackets left at the end of a section cut before a header's name. */
    private static final Pattern TRAILING_MARKS = Pattern.compile("[#*_【\\[［\\s\\u3000]+$");
    /** A character whose bytes were cut off by the token limit. */
    private static final Pattern TRAILING_REPLACEMENT = Pattern.compile("\\uFFFD+$");

    /** Continues a text greedily: the context in, the generated text (special tokens skipped) out. */
    private final UnaryOperator<String> generate;
    private final ChatTemplate chatTemplate;
    private final ChosenWriter fallback;
    private final AtomicLong forced = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();

    private ForcedPrescriptionWriter(Builder b) {
        Checks.notNull(b.model, "model");
        QwenTokenizer tokenizer = Checks.notNull(b.tokenizer, "tokenizer");
        if (b.maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + b.maxNewTokens);
        }
        Generator generator = new Generator(b.model, tokenizer);
        GenerationConfig generation = GenerationConfig.builder().optMaxNewTokens(b.maxNewTokens)
                .optEosTokenIds(tokenizer.eosTokenIds()).optStopStrings(ThreeSectionAnswer.SECTIONS).build();
        Object lock = new Object();
        this.generate = context -> {
            long[] ids = tokenizer.encode(context);
            synchronized (lock) {
                return generator.generate(ids, generation).text();
            }
        };
        this.chatTemplate = Checks.notNull(b.chatTemplate, "chatTemplate");
        this.fallback = Checks.notNull(b.fallback, "fallback");
    }

    /** Creates a writer around a generation step, for tests. */
    ForcedPrescriptionWriter(UnaryOperator<String> generate, ChatTemplate chatTemplate, ChosenWriter fallback) {
        this.generate = Checks.notNull(generate, "generate");
        this.chatTemplate = Checks.notNull(chatTemplate, "chatTemplate");
        this.fallback = Checks.notNull(fallback, "fallback");
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The counts since the writer was built.
     *
     * @param forced answers the model wrote around the forced prescription
     * @param fallbacks answers the fallback writer wrote because the model's did not parse cleanly
     */
    public record Statistics(long forced, long fallbacks) {}

    /**
     * Writes the answer as described above.
     *
     * @param candidate the record: its prompt
     * @param prescription the herbs to force, in order
     * @return an answer whose prescription is exactly {@code prescription}
     * @throws IllegalArgumentException when an argument is null, the prescription is empty or holds a herb twice, or
     *     a herb's name is not read back as itself from a prescription line
     */
    @Override
    public String write(PreferenceCandidate candidate, List<Herb> prescription) {
        Checks.notNull(candidate, "candidate");
        List<String> names = Checks.uniqueList(prescription, "prescription").stream().map(Herb::name).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("prescription must not be empty");
        }
        // Fails, naming the herb, when a name would not be read back as itself.
        new ThreeSectionAnswer("", names, "");
        String opening = ThreeSectionAnswer.ANALYSIS + "：";
        String forcedLines = "\n" + ThreeSectionAnswer.PRESCRIPTION + "：" + String.join("、", names) + "\n"
                + ThreeSectionAnswer.EXPLANATION + "：";
        String context = chatTemplate.render(candidate.prompt(), true) + opening;
        String analysis = cut(generate.apply(context));
        String explanation = cut(generate.apply(context + analysis + forcedLines));
        String text = opening + analysis + forcedLines + explanation;
        ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(text);
        if (parse.clean() && parse.answerOrNull().herbs().equals(names)) {
            forced.incrementAndGet();
            return text;
        }
        fallbacks.incrementAndGet();
        LOG.debug("{}: the forced answer does not parse cleanly ({}); {} writes it", candidate.id(),
                parse.problems(), fallback.name());
        return fallback.write(candidate, prescription);
    }

    /**
     * Cuts a generated section as described above: before the first section name, without the heading marks or
     * brackets left before it, a trailing incomplete character, or surrounding white space.
     *
     * @param generated the generated text
     * @return the section's text
     */
    static String cut(String generated) {
        String text = generated;
        int end = text.length();
        for (String name : ThreeSectionAnswer.SECTIONS) {
            int at = text.indexOf(name);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        if (end < text.length()) {
            text = TRAILING_MARKS.matcher(text.substring(0, end)).replaceFirst("");
        }
        return TRAILING_REPLACEMENT.matcher(text.strip()).replaceFirst("").strip();
    }

    /**
     * Returns the counts so far.
     *
     * @return the statistics
     */
    public Statistics statistics() {
        return new Statistics(forced.get(), fallbacks.get());
    }

    /**
     * Returns the name with the fallback's, e.g. {@code forced-prescription(fallback=knowledge)}, since either may
     * have written a pair's answer.
     *
     * @return the name
     */
    @Override
    public String name() {
        return NAME + "(fallback=" + fallback.name() + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builds a {@link ForcedPrescriptionWriter}: {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder {
        private Qwen2Model model;
        private QwenTokenizer tokenizer;
        private ChatTemplate chatTemplate = ChatTemplate.qwen25();
        private int maxNewTokens = DEFAULT_MAX_NEW_TOKENS;
        private ChosenWriter fallback = new KnowledgeChosenWriter();

        private Builder() {}

        /**
         * Sets the model, typically the SFT'd LLM whose answers are the rejected side; not closed by the writer.
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(Qwen2Model model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the model's tokenizer; not closed by the writer.
         *
         * @param tokenizer the tokenizer
         * @return this builder
         */
        public Builder setTokenizer(QwenTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /**
         * Sets how the prompt is rendered (default {@link ChatTemplate#qwen25()}); use the template the LLM's answers
         * were generated with.
         *
         * @param chatTemplate the template
         * @return this builder
         */
        public Builder optChatTemplate(ChatTemplate chatTemplate) {
            this.chatTemplate = chatTemplate;
            return this;
        }

        /**
         * Sets {@code max_new_tokens} of each generated section (default
         * {@value ForcedPrescriptionWriter#DEFAULT_MAX_NEW_TOKENS}).
         *
         * @param maxNewTokens the most tokens of the analysis, and of the explanation, at least 1
         * @return this builder
         */
        public Builder optMaxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        /**
         * Sets the writer used when the model's answer does not parse cleanly (default a
         * {@link KnowledgeChosenWriter}).
         *
         * @param fallback the writer
         * @return this builder
         */
        public Builder optFallback(ChosenWriter fallback) {
            this.fallback = fallback;
            return this;
        }

        /**
         * Builds the writer.
         *
         * @return the writer
         * @throws IllegalArgumentException naming the value when the model, tokenizer, template or fallback is null,
         *     or {@code maxNewTokens < 1}
         */
        public ForcedPrescriptionWriter build() {
            return new ForcedPrescriptionWriter(this);
        }
    }
}
