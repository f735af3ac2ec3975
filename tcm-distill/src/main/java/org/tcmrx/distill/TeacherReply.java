package org.tcmrx.distill;

/**
 * What a teacher answered to one request.
 *
 * @param content the answer's text
 * @param usage the tokens the request spent
 * @param retries how many times the request was sent again after a transient failure
 */
public record TeacherReply(String content, TokenUsage usage, int retries) {
    /**
     * Validates the reply.
     *
     * @param content the answer's text
     * @param usage the tokens spent
     * @param retries the number of retries, at least 0
     * @throws IllegalArgumentException when the content or usage is null or retries is negative
     */
    public TeacherReply {
        if (content == null) {
            throw new IllegalArgumentException("content must not be null");
        }
        if (usage == null) {
            throw new IllegalArgumentException("usage must not be null");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0, got " + retries);
        }
    }
}
