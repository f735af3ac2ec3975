package org.tcmrx.distill;

import java.util.List;

/**
 * The outcome of distilling one record: an accepted sample, or a rejection with its reasons. A rejection is a value,
 * not an exception: a teacher answer that fails validation is an expected outcome.
 *
 * @param caseId the record's id
 * @param sampleOrNull the accepted sample, or null when rejected
 * @param reasons why the record was rejected (the last answer's problems); empty when accepted
 * @param lastAnswer for a rejection, the teacher's last answer as written, or null when there was none; for an
 *     accepted record, the sample's canonical answer
 * @param provenance how the outcome was reached
 */
public record DistillResult(String caseId, DistilledSample sampleOrNull, List<String> reasons, String lastAnswer,
        SampleProvenance provenance) {
    /**
     * Validates the result.
     *
     * @param caseId the record's id
     * @param sampleOrNull the sample, or null
     * @param reasons the reasons
     * @param lastAnswer the last answer, or null
     * @param provenance the provenance
     * @throws IllegalArgumentException when the id or provenance is missing, or when an accepted result has reasons
     *     or a rejected one has none
     */
    public DistillResult {
        if (caseId == null || caseId.isBlank()) {
            throw new IllegalArgumentException("caseId must not be blank");
        }
        if (reasons == null) {
            throw new IllegalArgumentException("reasons must not be null");
        }
        reasons = List.copyOf(reasons);
        if (provenance == null) {
            throw new IllegalArgumentException("provenance must not be null");
        }
        if (sampleOrNull != null && !reasons.isEmpty()) {
            throw new IllegalArgumentException("an accepted result has no reasons, got " + reasons);
        }
        if (sampleOrNull == null && reasons.isEmpty()) {
            throw new IllegalArgumentException("a rejected result needs at least one reason");
        }
    }

    /**
     * Makes an accepted result.
     *
     * @param caseId the record's id
     * @param sample the sample
     * @param provenance how it was made
     * @return the result
     */
    public static DistillResult accepted(String caseId, DistilledSample sample, SampleProvenance provenance) {
        if (sample == null) {
            throw new IllegalArgumentException("sample must not be null");
        }
        return new DistillResult(caseId, sample, List.of(), sample.answer(), provenance);
    }

    /**
     * Makes a rejected result.
     *
     * @param caseId the record's id
     * @param reasons why, at least one
     * @param lastAnswer the teacher's last answer, or null
     * @param provenance how it was reached
     * @return the result
     */
    public static DistillResult rejected(String caseId, List<String> reasons, String lastAnswer,
            SampleProvenance provenance) {
        return new DistillResult(caseId, null, reasons, lastAnswer, provenance);
    }

    /**
     * Tells whether the record was accepted.
     *
     * @return {@code sampleOrNull() != null}
     */
    public boolean accepted() {
        return sampleOrNull != null;
    }
}
