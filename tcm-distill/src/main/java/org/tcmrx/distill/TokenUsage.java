package org.tcmrx.distill;

/**
 * Tokens a teacher spent, as the server reports them in its {@code usage} object.
 *
 * @param promptTokens tokens read ({@code prompt_tokens}), at least 0
 * @param completionTokens tokens written ({@code completion_tokens}), at least 0
 */
public record TokenUsage(long promptTokens, long completionTokens) {
    /** No tokens: what an offline teacher spends. */
    public static final TokenUsage NONE = new TokenUsage(0, 0);

    /**
     * Validates the counts.
     *
     * @param promptTokens tokens read
     * @param completionTokens tokens written
     * @throws IllegalArgumentException when a count is negative
     */
    public TokenUsage {
        if (promptTokens < 0) {
            throw new IllegalArgumentException("promptTokens must be at least 0, got " + promptTokens);
        }
        if (completionTokens < 0) {
            throw new IllegalArgumentException("completionTokens must be at least 0, got " + completionTokens);
        }
    }

    /**
     * Returns the sum of both counts.
     *
     * @return {@code promptTokens + completionTokens}
     */
    public long total() {
        return promptTokens + completionTokens;
    }

    /**
     * Adds another usage to this one.
     *
     * @param other the other usage
     * @return the sums
     * @throws IllegalArgumentException when {@code other} is null
     */
    public TokenUsage plus(TokenUsage other) {
        if (other == null) {
            throw new IllegalArgumentException("other must not be null");
        }
        return new TokenUsage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
    }
}
