package org.tcmrx.core;

import java.util.Arrays;
import java.util.List;
import org.tcmrx.core.internal.Checks;

/**
 * What a {@link HerbRanker} is asked: a patient's findings without the prescription.
 *
 * @param symptoms the symptoms, no symptom twice (may be empty when {@code text} is given)
 * @param text free-text description of the case, or null
 * @param tongue the tongue findings (舌象), or null
 * @param pulse the pulse findings (脉象), or null
 * @param syndromes the syndrome differentiation (证候), possibly empty
 */
public record Query(List<Symptom> symptoms, String text, String tongue, String pulse, List<String> syndromes) {
    /**
     * Validates and copies the query.
     *
     * @param symptoms the symptoms, no symptom twice (may be empty when {@code text} is given)
     * @param text free-text description of the case, or null
     * @param tongue the tongue findings (舌象), or null
     * @param pulse the pulse findings (脉象), or null
     * @param syndromes the syndrome differentiation (证候), possibly empty
     * @throws IllegalArgumentException when a symptom appears twice, or there is neither a symptom nor a text
     */
    public Query {
        symptoms = Checks.uniqueList(symptoms, "symptoms");
        text = Checks.optionalText(text);
        tongue = Checks.optionalText(tongue);
        pulse = Checks.optionalText(pulse);
        syndromes = Checks.uniqueList(syndromes == null ? List.of() : syndromes, "syndromes");
        if (symptoms.isEmpty() && text == null) {
            throw new IllegalArgumentException("a query needs at least one symptom or a text");
        }
    }

    /**
     * Returns a query of symptoms only.
     *
     * @param symptoms the symptoms' names
     * @return the query
     */
    public static Query of(String... symptoms) {
        return ofSymptoms(Arrays.stream(symptoms).map(Symptom::new).toList());
    }

    /**
     * Returns a query of symptoms only.
     *
     * @param symptoms the symptoms
     * @return the query
     */
    public static Query ofSymptoms(List<Symptom> symptoms) {
        return new Query(symptoms, null, null, null, List.of());
    }
}
