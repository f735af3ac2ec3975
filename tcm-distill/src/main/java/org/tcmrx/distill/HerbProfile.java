package org.tcmrx.distill;

import java.util.List;
import org.tcmrx.core.HerbProperties;

/**
 * What materia medica says of one herb: nature (性), flavours (味), meridians entered (归经) and efficacy (功效).
 *
 * @param name the herb's name
 * @param nature its nature, e.g. {@code 温} or {@code 微寒}
 * @param flavours its flavours, e.g. {@code 辛}, {@code 微苦}; at least one
 * @param meridians the meridians it enters, e.g. {@code 肺}, {@code 膀胱}; at least one
 * @param efficacy its actions, e.g. {@code 发汗散寒，宣肺平喘，利水消肿}
 */
public record HerbProfile(String name, String nature, List<String> flavours, List<String> meridians,
        String efficacy) {
    /**
     * Validates the profile.
     *
     * @param name the name
     * @param nature the nature
     * @param flavours the flavours
     * @param meridians the meridians
     * @param efficacy the efficacy
     * @throws IllegalArgumentException naming the field that is blank or empty
     */
    public HerbProfile {
        for (String[] f : new String[][] {{name, "name"}, {nature, "nature"}, {efficacy, "efficacy"}}) {
            if (f[0] == null || f[0].isBlank()) {
                throw new IllegalArgumentException(f[1] + " must not be blank");
            }
        }
        if (flavours == null || flavours.isEmpty()) {
            throw new IllegalArgumentException("flavours must not be empty");
        }
        if (meridians == null || meridians.isEmpty()) {
            throw new IllegalArgumentException("meridians must not be empty");
        }
        flavours = List.copyOf(flavours);
        meridians = List.copyOf(meridians);
    }

    /**
     * Returns the nature, flavours and meridians, without the name and efficacy.
     *
     * @return the properties
     * @throws IllegalArgumentException when a flavour or meridian is blank (a table read from a file never has one)
     */
    public HerbProperties properties() {
        return new HerbProperties(nature, flavours, meridians);
    }
}
