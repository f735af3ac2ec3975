package org.tcmrx.dpo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.Herb;
import org.tcmrx.core.TcmRxVersion;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.dpo.PairDecision.Outcome;

/**
 * Implicit preference pairs: where BART's prescription scores clearly better than the LLM's against the record's true
 * herbs, an answer carrying BART's prescription is preferred to the LLM's own answer. No person labels anything; the
 * record's prescription is the judge.
 *
 * <p>The rule, with {@code b} and {@code l} the {@link PrescriptionMetric} scores of BART's and the LLM's
 * prescriptions and {@code δ} the margin, in this order:
 * <ol>
 *   <li>the LLM's response is empty or white space: {@link Outcome#LLM_BLANK}, no pair (a pair needs two texts);
 *   <li>{@code b = l}: {@link Outcome#TIE}, no pair;
 *   <li>{@code |b - l| < δ}: {@link Outcome#BELOW_MARGIN}, no pair;
 *   <li>{@code b > l}: {@link Outcome#BART_BETTER}: chosen is the {@link ChosenWriter}'s answer with BART's herbs,
 *       rejected the LLM's response;
 *   <li>{@code l > b} with reverse pairs on: {@link Outcome#LLM_BETTER}: chosen is the LLM's response, rejected the
 *       writer's answer with BART's herbs; with them off (the default): {@link Outcome#LLM_BETTER_NO_REVERSE}, no
 *       pair.
 * </ol>
 * Comparisons allow {@value #TOLERANCE} for rounding, so a gap that equals the margin on paper (0.6 - 0.5 against
 * 0.1) counts as reaching it. A pair whose two texts came out equal is not made ({@link Outcome#SAME_TEXT}).
 *
 * <p>A response that does not parse as a three-section answer scores 0: it prescribes nothing the record can
 * confirm. Such a response still makes the rejected side of a pair when BART scores at least the margin; the
 * decision's {@link PairDecision#llmParsed()} and {@link PairStatistics} tell these pairs apart.
 *
 * <p>Each pair's metadata records how it was made: {@code producer}, {@code version}, {@code metric},
 * {@code margin}, {@code writer}, {@code bartScore}, {@code llmScore} and {@code llmParsed}.
 *
 * <p>The writer's text is checked: it must parse without a problem to exactly BART's herbs (the
 * {@link ChosenWriter} contract), else {@link #decide} throws {@link IllegalStateException}. The writer is called
 * only for candidates that make a pair. A builder is immutable; it may be used from several threads when its writer
 * may (both writers of this package may).
 */
public final class ImplicitPreferenceBuilder implements PreferencePairBuilder {
    /** The producer named in each pair's metadata. */
    public static final String PRODUCER = "ImplicitPreferenceBuilder";
    /**
     * The default margin. Prescriptions in the data sets run to about ten herbs, so one herb found or missed moves
     * the F1 of a prescription by roughly 0.1: the default asks BART to be better by about one herb's worth, so
     * that a difference of a single borderline herb (often a near-synonym or a herb the record could as well have
     * had) does not become a pair, while most records where BART is genuinely closer still do.
     */
    public static final double DEFAULT_MARGIN = 0.1;
    /** Score differences this small are taken for rounding, not for a difference. */
    public static final double TOLERANCE = 1e-9;

    private final PrescriptionMetric metric;
    private final double margin;
    private final boolean reversePairs;
    private final ChosenWriter writer;

    private ImplicitPreferenceBuilder(Builder b) {
        this.metric = Checks.notNull(b.metric, "metric");
        if (!Double.isFinite(b.margin) || b.margin < 0) {
            throw new IllegalArgumentException("margin must be a finite number at least 0, got " + b.margin);
        }
        this.margin = b.margin;
        this.reversePairs = b.reversePairs;
        this.writer = Checks.notNull(b.writer, "chosenWriter");
    }

    /**
     * Starts a builder; every setting is optional.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides one candidate by the rule above.
     *
     * @param candidate the record with both prescriptions
     * @return the outcome, both scores, and the pair when one is made
     * @throws IllegalArgumentException when the candidate is null, or the writer refuses BART's herbs (a name that
     *     would not read back as itself from a prescription line)
     * @throws IllegalStateException when the metric gives a score that is not finite, or the writer's text breaks
     *     the {@link ChosenWriter} contract
     */
    @Override
    public PairDecision decide(PreferenceCandidate candidate) {
        Checks.notNull(candidate, "candidate");
        double bart = score(candidate.bartHerbs(), candidate);
        // An unparsed response has no herbs: it scores 0 whatever the metric says about an empty prediction.
        double llm = candidate.llmParsed() ? score(candidate.llmHerbs(), candidate) : 0.0;
        double gap = bart - llm;
        Outcome outcome;
        if (candidate.llmResponse().isBlank()) {
            outcome = Outcome.LLM_BLANK;
        } else if (Math.abs(gap) <= TOLERANCE) {
            outcome = Outcome.TIE;
        } else if (Math.abs(gap) < margin - TOLERANCE) {
            outcome = Outcome.BELOW_MARGIN;
        } else if (gap > 0) {
            outcome = Outcome.BART_BETTER;
        } else {
            outcome = reversePairs ? Outcome.LLM_BETTER : Outcome.LLM_BETTER_NO_REVERSE;
        }
        if (!outcome.makesPair()) {
            return new PairDecision(candidate.id(), outcome, bart, llm, candidate.llmParsed(), null);
        }
        String written = write(candidate);
        boolean bartChosen = outcome == Outcome.BART_BETTER;
        String chosen = bartChosen ? written : candidate.llmResponse();
        String rejected = bartChosen ? candidate.llmResponse() : written;
        if (chosen.equals(rejected)) {
            return new PairDecision(candidate.id(), Outcome.SAME_TEXT, bart, llm, candidate.llmParsed(), null);
        }
        PreferencePair pair = new PreferencePair(candidate.id(), candidate.prompt(), chosen, rejected,
                bartChosen ? bart : llm, bartChosen ? llm : bart,
                bartChosen ? PreferencePair.BART : PreferencePair.LLM, metadata(bart, llm, candidate.llmParsed()));
        return new PairDecision(candidate.id(), outcome, bart, llm, candidate.llmParsed(), pair);
    }

    private double score(List<Herb> predicted, PreferenceCandidate candidate) {
        double s = metric.score(predicted, candidate.truth());
        if (!Double.isFinite(s)) {
            throw new IllegalStateException("metric " + metric.name() + " gave " + s + " for record "
                    + candidate.id());
        }
        return s;
    }

    /** The writer's answer with BART's herbs, checked against the writer's contract. */
    private String write(PreferenceCandidate candidate) {
        String text = writer.write(candidate, candidate.bartHerbs());
        List<String> names = candidate.bartHerbs().stream().map(Herb::name).toList();
        if (text == null) {
            throw new IllegalStateException("writer " + writer.name() + " returned null for record "
                    + candidate.id());
        }
        ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(text);
        if (!parse.clean() || !parse.answerOrNull().herbs().equals(names)) {
            throw new IllegalStateException("writer " + writer.name() + " wrote for record " + candidate.id()
                    + " a text that does not parse cleanly to the prescription " + names + ": "
                    + (parse.ok() ? parse.answerOrNull().herbs() + " " + parse.problems() : parse.problems()));
        }
        return text;
    }

    private Map<String, String> metadata(double bart, double llm, boolean llmParsed) {
        Map<String, String> m = new TreeMap<>(describe());
        m.put("bartScore", String.valueOf(bart));
        m.put("llmScore", String.valueOf(llm));
        m.put("llmParsed", String.valueOf(llmParsed));
        return m;
    }

    /**
     * Describes the settings, for a run's provenance.
     *
     * @return {@code producer}, {@code version}, {@code metric}, {@code margin}, {@code reversePairs} and
     *     {@code writer}, in that order
     */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("producer", PRODUCER);
        m.put("version", TcmRxVersion.VERSION);
        m.put("metric", metric.name());
        m.put("margin", String.valueOf(margin));
        m.put("reversePairs", String.valueOf(reversePairs));
        m.put("writer", writer.name());
        return m;
    }

    /**
     * Returns the metric.
     *
     * @return the metric
     */
    public PrescriptionMetric metric() {
        return metric;
    }

    /**
     * Returns the margin.
     *
     * @return {@code δ}
     */
    public double margin() {
        return margin;
    }

    /**
     * Tells whether pairs are made where the LLM scores better.
     *
     * @return whether reverse pairs are on
     */
    public boolean reversePairs() {
        return reversePairs;
    }

    /**
     * Returns the writer of the answers that carry BART's prescription.
     *
     * @return the writer
     */
    public ChosenWriter chosenWriter() {
        return writer;
    }

    /** Builds an {@link ImplicitPreferenceBuilder}; every setting is optional and validated by {@link #build()}. */
    public static final class Builder {
        private PrescriptionMetric metric = PrescriptionMetric.f1();
        private double margin = DEFAULT_MARGIN;
        private boolean reversePairs;
        private ChosenWriter writer = new KnowledgeChosenWriter();

        private Builder() {}

        /**
         * Sets the metric both prescriptions are scored with (default {@link PrescriptionMetric#f1()}).
         *
         * @param metric the metric
         * @return this builder
         */
        public Builder optMetric(PrescriptionMetric metric) {
            this.metric = metric;
            return this;
        }

        /**
         * Sets the margin {@code δ} by which one score must beat the other to make a pair (default
         * {@value ImplicitPreferenceBuilder#DEFAULT_MARGIN}; see there why). With 0, any difference does.
         *
         * @param margin the margin, finite and at least 0, on the metric's scale
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets whether a pair is made, the other way round, where the LLM's prescription scores better (default
         * false: the method learns from BART only).
         *
         * @param reversePairs whether to make reverse pairs
         * @return this builder
         */
        public Builder optReversePairs(boolean reversePairs) {
            this.reversePairs = reversePairs;
            return this;
        }

        /**
         * Sets the writer of the answers that carry BART's prescription (default a {@link KnowledgeChosenWriter}).
         *
         * @param writer the writer, e.g. a {@link ForcedPrescriptionWriter}
         * @return this builder
         */
        public Builder optChosenWriter(ChosenWriter writer) {
            this.writer = writer;
            return this;
        }

        /**
         * Builds the pair builder.
         *
         * @return the pair builder
         * @throws IllegalArgumentException when the metric or the writer is null, or the margin is negative or not
         *     finite
         */
        public ImplicitPreferenceBuilder build() {
            return new ImplicitPreferenceBuilder(this);
        }
    }
}
