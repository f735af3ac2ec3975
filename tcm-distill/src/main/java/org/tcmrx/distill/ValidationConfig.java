package org.tcmrx.distill;

import java.util.Set;
import java.util.TreeSet;
import org.tcmrx.core.HerbNormalizer;

/**
 * What a teacher answer must satisfy to become a sample. Build one with {@link #builder()}.
 *
 * @param herbMatch how the recommended herbs must match the record's (default {@link HerbMatch#EXACT})
 * @param minCoverage for {@link HerbMatch#COVERAGE}: the least share of the record's herbs recommended (default 0.8)
 * @param normalizer how herb names are brought together before comparing (default {@link HerbNormalizer#standard()})
 * @param minAnalysisChars the shortest symptom analysis, in characters (default 10)
 * @param maxAnalysisChars the longest symptom analysis (default 2,000)
 * @param minExplanationChars the shortest explanation (default 10)
 * @param maxExplanationChars the longest explanation (default 8,000: some formulas have twenty herbs)
 * @param minChineseShare the least share of Han characters among the letters of the analysis and explanation
 *     (default 0.6, which lets Latin names and units through)
 * @param knownHerbs names of herbs an explanation may mention; one of these named in the explanation but not
 *     prescribed rejects the answer (default: the herbs of {@link HerbKnowledge#embedded()})
 */
public record ValidationConfig(HerbMatch herbMatch, double minCoverage, HerbNormalizer normalizer,
        int minAnalysisChars, int maxAnalysisChars, int minExplanationChars, int maxExplanationChars,
        double minChineseShare, Set<String> knownHerbs) {
    /**
     * Validates the settings.
     *
     * @param herbMatch how herbs match
     * @param minCoverage the least coverage
     * @param normalizer the normalizer
     * @param minAnalysisChars the shortest analysis
     * @param maxAnalysisChars the longest analysis
     * @param minExplanationChars the shortest explanation
     * @param maxExplanationChars the longest explanation
     * @param minChineseShare the least Han share
     * @param knownHerbs the herbs an explanation may mention
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     */
    public ValidationConfig {
        if (herbMatch == null) {
            throw new IllegalArgumentException("herbMatch must not be null");
        }
        if (!(minCoverage > 0 && minCoverage <= 1)) {
            throw new IllegalArgumentException("minCoverage must be in (0, 1], got " + minCoverage);
        }
        if (normalizer == null) {
            throw new IllegalArgumentException("normalizer must not be null");
        }
        if (minAnalysisChars < 0 || maxAnalysisChars < minAnalysisChars) {
            throw new IllegalArgumentException("analysis length bounds must satisfy 0 <= min <= max, got "
                    + minAnalysisChars + ".." + maxAnalysisChars);
        }
        if (minExplanationChars < 0 || maxExplanationChars < minExplanationChars) {
            throw new IllegalArgumentException("explanation length bounds must satisfy 0 <= min <= max, got "
                    + minExplanationChars + ".." + maxExplanationChars);
        }
        if (!(minChineseShare >= 0 && minChineseShare <= 1)) {
            throw new IllegalArgumentException("minChineseShare must be in [0, 1], got " + minChineseShare);
        }
        if (knownHerbs == null) {
            throw new IllegalArgumentException("knownHerbs must not be null");
        }
        knownHerbs = Set.copyOf(knownHerbs);
    }

    /**
     * Returns the defaults.
     *
     * @return {@code builder().build()}
     */
    public static ValidationConfig defaults() {
        return builder().build();
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ValidationConfig}; every setting is optional. */
    public static final class Builder {
        private HerbMatch herbMatch = HerbMatch.EXACT;
        private double minCoverage = 0.8;
        private HerbNormalizer normalizer;
        private int minAnalysisChars = 10;
        private int maxAnalysisChars = 2000;
        private int minExplanationChars = 10;
        private int maxExplanationChars = 8000;
        private double minChineseShare = 0.6;
        private Set<String> knownHerbs;

        private Builder() {}

        /**
         * Sets how herbs must match.
         *
         * @param herbMatch the rule
         * @return this builder
         */
        public Builder optHerbMatch(HerbMatch herbMatch) {
            this.herbMatch = herbMatch;
            return this;
        }

        /**
         * Sets the least coverage for {@link HerbMatch#COVERAGE}.
         *
         * @param minCoverage a share in (0, 1]
         * @return this builder
         */
        public Builder optMinCoverage(double minCoverage) {
            this.minCoverage = minCoverage;
            return this;
        }

        /**
         * Sets the herb normalizer.
         *
         * @param normalizer the normalizer
         * @return this builder
         */
        public Builder optNormalizer(HerbNormalizer normalizer) {
            this.normalizer = normalizer;
            return this;
        }

        /**
         * Sets the analysis's length bounds.
         *
         * @param min the fewest characters
         * @param max the most characters
         * @return this builder
         */
        public Builder optAnalysisChars(int min, int max) {
            this.minAnalysisChars = min;
            this.maxAnalysisChars = max;
            return this;
        }

        /**
         * Sets the explanation's length bounds.
         *
         * @param min the fewest characters
         * @param max the most characters
         * @return this builder
         */
        public Builder optExplanationChars(int min, int max) {
            this.minExplanationChars = min;
            this.maxExplanationChars = max;
            return this;
        }

        /**
         * Sets the least share of Han characters.
         *
         * @param share a share in [0, 1]
         * @return this builder
         */
        public Builder optMinChineseShare(double share) {
            this.minChineseShare = share;
            return this;
        }

        /**
         * Sets the herbs an explanation may mention.
         *
         * @param knownHerbs the names
         * @return this builder
         */
        public Builder optKnownHerbs(Set<String> knownHerbs) {
            this.knownHerbs = knownHerbs;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public ValidationConfig build() {
            return new ValidationConfig(herbMatch, minCoverage,
                    normalizer == null ? HerbNormalizer.standard() : normalizer, minAnalysisChars, maxAnalysisChars,
                    minExplanationChars, maxExplanationChars, minChineseShare,
                    knownHerbs == null ? new TreeSet<>(HerbKnowledge.embedded().names()) : knownHerbs);
        }
    }
}
