package org.tcmrx.distill.internal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import org.tcmrx.distill.DistillResult;
import org.tcmrx.distill.DistilledSample;
import org.tcmrx.distill.SampleProvenance;

/**
 * One line of a run's {@code records.jsonl}: everything about one finished record, from which the sample files are
 * derived, so that they can be repaired after a crash.
 *
 * @param id the record's id
 * @param status {@code accepted} or {@code rejected}
 * @param prompt the sample's prompt, or null when rejected
 * @param answer the sample's answer, or null when rejected
 * @param reasons the rejection's reasons, empty when accepted
 * @param lastAnswer the teacher's last answer as written, or null
 * @param provenance how it was made
 */
public record JournalEntry(String id, String status, String prompt, String answer, List<String> reasons,
        String lastAnswer, SampleProvenance provenance) {
    /** The status of an accepted record. */
    public static final String ACCEPTED = "accepted";
    /** The status of a rejected record. */
    public static final String REJECTED = "rejected";

    /**
     * Makes the entry of a result.
     *
     * @param r the result
     * @return the entry
     */
    public static JournalEntry of(DistillResult r) {
        DistilledSample s = r.sampleOrNull();
        return new JournalEntry(r.caseId(), s == null ? REJECTED : ACCEPTED, s == null ? null : s.prompt(),
                s == null ? null : s.answer(), r.reasons(), r.lastAnswer(), r.provenance());
    }

    /**
     * Tells whether the record was accepted.
     *
     * @return whether the status is {@link #ACCEPTED}
     */
    @JsonIgnore
    public boolean isAccepted() {
        return ACCEPTED.equals(status);
    }

    /**
     * Returns the sample of an accepted entry.
     *
     * @return the sample
     */
    public DistilledSample sample() {
        return new DistilledSample(prompt, answer);
    }
}
