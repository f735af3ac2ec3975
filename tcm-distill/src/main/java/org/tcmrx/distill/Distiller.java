package org.tcmrx.distill;

import java.io.IOException;
import java.util.List;
import org.tcmrx.core.ClinicalCase;

/**
 * Turns one clinical record into a three-section training sample, or a rejection with reasons.
 *
 * <p>Implementations must be safe to call from several threads at once. {@link TeacherDistiller} asks a chat model;
 * {@link KnowledgeTeacher} writes the sample offline from a herb knowledge table.
 */
public interface Distiller {
    /**
     * Distills one record.
     *
     * @param record the record, with its true prescription
     * @return the accepted sample or the rejection; never null
     * @throws IOException when the teacher could not be reached even after retries; the record is then left for a
     *     later run rather than rejected
     */
    DistillResult distill(ClinicalCase record) throws IOException;

    /**
     * Distills several records one after another.
     *
     * @param records the records
     * @return one result per record, in order
     * @throws IOException as {@link #distill(ClinicalCase)}
     */
    default List<DistillResult> distillAll(List<ClinicalCase> records) throws IOException {
        if (records == null) {
            throw new IllegalArgumentException("records must not be null");
        }
        List<DistillResult> out = new java.util.ArrayList<>(records.size());
        for (ClinicalCase r : records) {
            out.add(distill(r));
        }
        return out;
    }

    /**
     * Describes the distiller for a run's provenance: teacher, model, template and validation settings.
     *
     * @return names and values, never an API key
     */
    java.util.Map<String, String> describe();
}
