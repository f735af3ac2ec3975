package org.tcmrx.distill;

import java.util.List;

/**
 * The verdict on one teacher answer: the answer in canonical form when it passes, and every reason it fails.
 *
 * @param answerOrNull the accepted answer rendered canonically ({@code ThreeSectionAnswer.render()}), or null
 * @param reasons why it fails, in the order checked; empty when it passes
 */
public record Validation(String answerOrNull, List<String> reasons) {
    /**
     * Validates the verdict.
     *
     * @param answerOrNull the answer, or null
     * @param reasons the reasons
     * @throws IllegalArgumentException when there is both an answer and a reason, or neither
     */
    public Validation {
        if (reasons == null) {
            throw new IllegalArgumentException("reasons must not be null");
        }
        reasons = List.copyOf(reasons);
        if ((answerOrNull == null) == reasons.isEmpty()) {
            throw new IllegalArgumentException("a validation has either an answer or reasons, got " + answerOrNull
                    + " and " + reasons);
        }
    }

    /**
     * Tells whether the answer passed.
     *
     * @return {@code answerOrNull() != null}
     */
    public boolean accepted() {
        return answerOrNull != null;
    }
}
