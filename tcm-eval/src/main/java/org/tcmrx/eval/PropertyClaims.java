package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tcmrx.core.HerbProperties;
import org.tcmrx.eval.PropertyContradiction.Attribute;

/**
 * Reads the properties one segment of an explanation states for a herb and checks them against the herb's table
 * entry, by the patterns and rules {@link AnswerFaithfulness} documents.
 */
final class PropertyClaims {
    /** The nature scale, cold below 0 and hot above; a degree not on it (大温, 微热) is not read. */
    static final Map<String, Integer> NATURE_SCALE = Map.of(
            "大寒", -3, "寒", -2, "凉", -1, "微寒", -1, "微凉", -1, "平", 0, "微温", 1, "温", 2, "热", 3, "大热", 3);

    private static final String FLAVOUR = "[微大]?[辛甘酸苦咸淡涩]";
    /** Two-character organs first, so that 心包 is not read as 心. */
    private static final String ORGAN = "(?:心包|膀胱|大肠|小肠|三焦|[心肝脾肺肾胃胆])";
    private static final String SEPARATOR = "[、，,]?";

    private static final Pattern NATURE = Pattern.compile("性(大寒|大热|微寒|微温|微凉|寒|热|温|凉|平)");
    private static final Pattern FLAVOURS = Pattern.compile("味(" + FLAVOUR + "(?:" + SEPARATOR + FLAVOUR + ")*)");
    private static final Pattern MERIDIANS = Pattern.compile("[归入](" + ORGAN + "(?:" + SEPARATOR + ORGAN + ")*)经");
    private static final Pattern ONE_FLAVOUR = Pattern.compile(FLAVOUR);
    private static final Pattern ONE_ORGAN = Pattern.compile(ORGAN);
    /** A degree written before a flavour, which the comparison ignores. */
    private static final Pattern DEGREE = Pattern.compile("^[微大](?=.)");

    private PropertyClaims() {}

    /**
     * The outcome for one segment.
     *
     * @param claims the number of claims checked
     * @param contradictions the contradicted ones, nature first, then flavours, then meridians, each as stated
     */
    record Outcome(int claims, List<PropertyContradiction> contradictions) {}

    /**
     * Reads and checks the claims of one segment.
     *
     * @param herb the herb as the answer writes it, for the contradictions
     * @param segment the text from the herb's mention to the next mention of a herb
     * @param table the herb's table entry
     * @return the claims counted and those contradicted
     */
    static Outcome check(String herb, String segment, HerbProperties table) {
        int claims = 0;
        List<PropertyContradiction> contradictions = new ArrayList<>();
        Integer tableNature = NATURE_SCALE.get(table.nature().strip());
        // A table nature off the scale cannot be compared, so its claims are not counted.
        if (tableNature != null) {
            for (String stated : stated(NATURE, null, segment)) {
                claims++;
                int value = NATURE_SCALE.get(stated);
                if (value * tableNature < 0 || Math.abs(value - tableNature) >= 2) {
                    contradictions.add(new PropertyContradiction(herb, Attribute.NATURE, stated,
                            List.of(table.nature())));
                }
            }
        }
        Set<String> flavours = new LinkedHashSet<>();
        table.flavours().forEach(f -> flavours.add(flavour(f)));
        for (String stated : stated(FLAVOURS, ONE_FLAVOUR, segment)) {
            claims++;
            if (!flavours.contains(flavour(stated))) {
                contradictions.add(new PropertyContradiction(herb, Attribute.FLAVOUR, stated, table.flavours()));
            }
        }
        Set<String> meridians = new LinkedHashSet<>();
        table.meridians().forEach(m -> meridians.add(meridian(m)));
        for (String stated : stated(MERIDIANS, ONE_ORGAN, segment)) {
            claims++;
            if (!meridians.contains(stated)) {
                contradictions.add(new PropertyContradiction(herb, Attribute.MERIDIAN, stated, table.meridians()));
            }
        }
        return new Outcome(claims, contradictions);
    }

    /** The values a pattern states in the segment, each once, in order; {@code item} cuts a run into values. */
    private static Set<String> stated(Pattern pattern, Pattern item, String segment) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = pattern.matcher(segment);
        while (m.find()) {
            if (item == null) {
                out.add(m.group(1));
            } else {
                Matcher i = item.matcher(m.group(1));
                while (i.find()) {
                    out.add(i.group());
                }
            }
        }
        return out;
    }

    /** A flavour without its degree: 微苦 → 苦. */
    private static String flavour(String written) {
        return DEGREE.matcher(written.strip()).replaceFirst("");
    }

    /** A meridian by its organ alone: 膀胱经 → 膀胱. */
    private static String meridian(String written) {
        String m = written.strip();
        return m.length() > 1 && m.endsWith("经") ? m.substring(0, m.length() - 1) : m;
    }
}
