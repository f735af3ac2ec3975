package org.tcmrx.distill;

import java.time.Instant;

/**
 * How one record's sample was made: by which teacher and model, from which prompt template, when, with which seed,
 * after how many attempts, at what cost. Never holds an API key.
 *
 * @param teacher the teacher's kind, e.g. {@code openai} or {@code knowledge}
 * @param model the model's name, or the knowledge table's name for the offline teacher
 * @param templateVersion the prompt template's version
 * @param templateSha256 the SHA-256 of the prompt template's texts
 * @param created when the sample was made
 * @param seed the seed given to the teacher
 * @param attempts how many answers were asked for (1 plus the re-asks)
 * @param retries how many requests were sent again after transient failures
 * @param usage the tokens spent on this record
 */
public record SampleProvenance(String teacher, String model, String templateVersion, String templateSha256,
        Instant created, long seed, int attempts, int retries, TokenUsage usage) {
    /**
     * Validates the record.
     *
     * @param teacher the teacher's kind
     * @param model the model's name
     * @param templateVersion the template's version
     * @param templateSha256 the template's hash
     * @param created when
     * @param seed the seed
     * @param attempts the number of answers asked for, at least 1
     * @param retries the number of transient retries, at least 0
     * @param usage the tokens spent
     * @throws IllegalArgumentException naming the field that is missing or out of range
     */
    public SampleProvenance {
        for (String[] f : new String[][] {{teacher, "teacher"}, {model, "model"}, {templateVersion,
                "templateVersion"}, {templateSha256, "templateSha256"}}) {
            if (f[0] == null || f[0].isBlank()) {
                throw new IllegalArgumentException(f[1] + " must not be blank");
            }
        }
        if (created == null) {
            throw new IllegalArgumentException("created must not be null");
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0, got " + retries);
        }
        if (usage == null) {
            throw new IllegalArgumentException("usage must not be null");
        }
    }
}
