package org.tcmrx.bart;

import java.util.Arrays;

/**
 * One sequence found by {@link BartModel#beamSearch}.
 *
 * @param tokens the generated tokens, without the decoder start token; ends with EOS when {@code finished}
 * @param logProb the sum of the tokens' log probabilities (under the constraint's renormalized distributions)
 * @param score the ranking score, {@code logProb / tokens.length ^ lengthPenalty} as Hugging Face's
 *     {@code BeamHypotheses} computes it
 * @param finished whether the sequence ended with EOS (false when it stopped at the length limit)
 */
public record BeamHypothesis(long[] tokens, double logProb, double score, boolean finished) {
    /**
     * Copies the tokens.
     *
     * @param tokens the generated tokens
     * @param logProb the sum of log probabilities
     * @param score the ranking score
     * @param finished whether the sequence ended with EOS
     */
    public BeamHypothesis {
        tokens = tokens.clone();
    }

    /**
     * Returns the generated tokens.
     *
     * @return a copy of the tokens
     */
    @Override
    public long[] tokens() {
        return tokens.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BeamHypothesis h && Arrays.equals(tokens, h.tokens) && logProb == h.logProb
                && score == h.score && finished == h.finished;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Double.hashCode(score);
    }

    @Override
    public String toString() {
        return "BeamHypothesis[tokens=" + Arrays.toString(tokens) + ", logProb=" + logProb + ", score=" + score
                + ", finished=" + finished + "]";
    }
}
