package org.tcmrx.core;

import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.internal.Checks;

/**
 * One clinical record: a patient's findings and the prescription given.
 *
 * <p>Build one with {@link #builder()}; the optional parts are null (texts) or empty (lists) when absent.
 *
 * @param id the record's id, unique within its data set
 * @param symptoms the symptoms, no symptom twice (may be empty only when {@code text} is given)
 * @param text free-text description (e.g. the classical clause), or null
 * @param tongue the tongue findings (舌象), or null
 * @param pulse the pulse findings (脉象), or null
 * @param syndromes the syndrome differentiation (证候), possibly empty
 * @param prescription the prescription given
 * @param formula the name of the formula (方名) when the record is a named formula, or null
 * @param source where the record comes from (book and chapter, or file and line), or null
 */
public record ClinicalCase(
        String id,
        List<Symptom> symptoms,
        String text,
        String tongue,
        String pulse,
        List<String> syndromes,
        Prescription prescription,
        String formula,
        String source) {

    /**
     * Validates and copies the case.
     *
     * @param id the record's id, unique within its data set
     * @param symptoms the symptoms, no symptom twice (may be empty only when {@code text} is given)
     * @param text free-text description (e.g. the classical clause), or null
     * @param tongue the tongue findings (舌象), or null
     * @param pulse the pulse findings (脉象), or null
     * @param syndromes the syndrome differentiation (证候), possibly empty
     * @param prescription the prescription given
     * @param formula the name of the formula (方名) when the record is a named formula, or null
     * @param source where the record comes from (book and chapter, or file and line), or null
     * @throws IllegalArgumentException when the id is blank, the prescription is missing, a symptom or syndrome
     *     appears twice, or there is neither a symptom nor a text
     */
    public ClinicalCase {
        Checks.name(id, "id");
        Checks.notNull(prescription, "prescription");
        Query validated = new Query(symptoms, text, tongue, pulse, syndromes);
        symptoms = validated.symptoms();
        text = validated.text();
        tongue = validated.tongue();
        pulse = validated.pulse();
        syndromes = validated.syndromes();
        formula = Checks.optionalText(formula);
        source = Checks.optionalText(source);
    }

    /**
     * Returns the findings as a query, without the prescription.
     *
     * @return the query
     */
    public Query query() {
        return new Query(symptoms, text, tongue, pulse, syndromes);
    }

    /**
     * Returns the prescribed herbs.
     *
     * @return the herbs in the order written
     */
    public List<Herb> herbs() {
        return prescription.herbs();
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ClinicalCase}; {@code setX} for required parts, {@code optX} for optional ones. */
    public static final class Builder {
        private String id;
        private List<Symptom> symptoms = new ArrayList<>();
        private String text;
        private String tongue;
        private String pulse;
        private List<String> syndromes = new ArrayList<>();
        private Prescription prescription;
        private String formula;
        private String source;

        private Builder() {}

        /**
         * Sets the id.
         *
         * @param id the record's id
         * @return this builder
         */
        public Builder setId(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the symptoms.
         *
         * @param symptoms the symptoms
         * @return this builder
         */
        public Builder setSymptoms(List<Symptom> symptoms) {
            this.symptoms = new ArrayList<>(symptoms);
            return this;
        }

        /**
         * Sets the symptoms by name.
         *
         * @param names the symptoms' names
         * @return this builder
         */
        public Builder setSymptoms(String... names) {
            this.symptoms = new ArrayList<>();
            for (String n : names) {
                symptoms.add(new Symptom(n));
            }
            return this;
        }

        /**
         * Sets the prescription.
         *
         * @param prescription the prescription
         * @return this builder
         */
        public Builder setPrescription(Prescription prescription) {
            this.prescription = prescription;
            return this;
        }

        /**
         * Sets the free text.
         *
         * @param text the text, or null
         * @return this builder
         */
        public Builder optText(String text) {
            this.text = text;
            return this;
        }

        /**
         * Sets the tongue findings.
         *
         * @param tongue the findings, or null
         * @return this builder
         */
        public Builder optTongue(String tongue) {
            this.tongue = tongue;
            return this;
        }

        /**
         * Sets the pulse findings.
         *
         * @param pulse the findings, or null
         * @return this builder
         */
        public Builder optPulse(String pulse) {
            this.pulse = pulse;
            return this;
        }

        /**
         * Sets the syndromes.
         *
         * @param syndromes the syndromes
         * @return this builder
         */
        public Builder optSyndromes(List<String> syndromes) {
            this.syndromes = new ArrayList<>(syndromes);
            return this;
        }

        /**
         * Sets the formula name.
         *
         * @param formula the formula's name, or null
         * @return this builder
         */
        public Builder optFormula(String formula) {
            this.formula = formula;
            return this;
        }

        /**
         * Sets the source.
         *
         * @param source where the record comes from, or null
         * @return this builder
         */
        public Builder optSource(String source) {
            this.source = source;
            return this;
        }

        /**
         * Builds the case.
         *
         * @return the case
         * @throws IllegalArgumentException when a required part is missing or invalid
         */
        public ClinicalCase build() {
            return new ClinicalCase(id, symptoms, text, tongue, pulse, syndromes, prescription, formula, source);
        }
    }
}
