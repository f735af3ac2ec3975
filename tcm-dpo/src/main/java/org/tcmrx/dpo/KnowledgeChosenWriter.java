package org.tcmrx.dpo;

import java.util.List;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Query;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.distill.KnowledgeTeacher;

/**
 * Writes the answer with the offline {@link KnowledgeTeacher}: the analysis from the record's findings and syndromes,
 * the explanation from the herb knowledge table, for the prescription given instead of the record's own. No model, no
 * randomness: the same candidate and prescription always give the same text, rendered by
 * {@link org.tcmrx.core.ThreeSectionAnswer#render()}.
 */
public final class KnowledgeChosenWriter implements ChosenWriter {
    /** The writer's name. */
    public static final String NAME = "knowledge";

    private final KnowledgeTeacher teacher;

    /** Creates a writer with the default teacher (the embedded herb table). */
    public KnowledgeChosenWriter() {
        this(KnowledgeTeacher.builder().build());
    }

    /**
     * Creates a writer around a teacher.
     *
     * @param teacher the teacher, e.g. with another herb table
     * @throws IllegalArgumentException when the teacher is null
     */
    public KnowledgeChosenWriter(KnowledgeTeacher teacher) {
        this.teacher = Checks.notNull(teacher, "teacher");
    }

    @Override
    public String write(PreferenceCandidate candidate, List<Herb> prescription) {
        Checks.notNull(candidate, "candidate");
        List<Herb> herbs = Checks.uniqueList(prescription, "prescription");
        if (herbs.isEmpty()) {
            throw new IllegalArgumentException("prescription must not be empty");
        }
        Query q = candidate.query();
        // The record's findings with the prescription to explain in place of its own.
        ClinicalCase record = new ClinicalCase(candidate.id(), q.symptoms(), q.text(), q.tongue(), q.pulse(),
                q.syndromes(), Prescription.of(herbs), null, null);
        return teacher.write(record).render();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
