package org.tcmrx.distill.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pathogenesis (病机) and treatment principle (治法) that a syndrome's key words imply, for the offline teacher.
 *
 * @param mechanism the pathogenesis, e.g. {@code 风寒外束，卫阳被遏}
 * @param principle the treatment principle, e.g. {@code 辛温解表}
 * @param organs the zang-fu organs the syndromes name (病位), in the order of {@link #ORGANS}; possibly empty
 */
public record Pathogenesis(String mechanism, String principle, List<String> organs) {
    /** The organs looked for in a syndrome's name. */
    public static final List<String> ORGANS = List.of("心", "肝", "脾", "肺", "肾", "胃", "胆", "肠", "膀胱", "胞宫");

    /** Key word → {pathogenesis, principle}; longer, more specific words first, so 风寒 wins over 寒. */
    private static final Map<String, String[]> RULES = new LinkedHashMap<>();

    static {
        rule("风寒", "风寒外束，卫阳被遏", "辛温解表");
        rule("风热", "风热袭表，肺卫失宣", "辛凉解表");
        rule("湿热", "湿热蕴结，气机不畅", "清热利湿");
        rule("寒湿", "寒湿内阻，阳气不运", "温化寒湿");
        rule("暑", "暑邪伤人，耗气伤津", "清暑益气");
        rule("阴虚", "阴液亏耗，虚火内生", "滋阴降火");
        rule("阳虚", "阳气虚衰，温煦失职", "温补阳气");
        rule("气虚", "脏腑之气不足，运化无力", "补气健脾");
        rule("血虚", "营血亏虚，失于濡养", "养血补血");
        rule("气滞", "气机郁滞，升降失常", "行气解郁");
        rule("血瘀", "瘀血阻滞，脉络不通", "活血化瘀");
        rule("瘀", "瘀血内停，脉络不通", "活血祛瘀");
        rule("痰", "痰浊内阻，气机不利", "化痰降逆");
        rule("饮", "水饮内停，阳气不化", "温化水饮");
        rule("水", "水湿内停，气化不利", "利水渗湿");
        rule("食", "饮食停滞，脾胃失运", "消食和胃");
        rule("风", "风邪外袭或内动", "祛风通络");
        rule("火", "火热上炎，扰动心神", "清热泻火");
        rule("热", "邪热炽盛，耗伤津液", "清热");
        rule("寒", "寒邪凝滞，阳气受遏", "温里散寒");
        rule("湿", "湿邪困阻，脾失健运", "祛湿");
        rule("郁", "气郁不舒，肝失条达", "疏肝解郁");
        rule("虚", "正气不足，脏腑失养", "扶正补虚");
        rule("表", "邪在肌表，营卫失和", "解表");
    }

    private static void rule(String word, String mechanism, String principle) {
        RULES.put(word, new String[] {mechanism, principle});
    }

    /**
     * Reads the pathogenesis from syndromes: every key word found, at most three, in rule order; a word inside one
     * already found (寒 inside 风寒) is skipped.
     *
     * @param syndromes the record's syndromes, possibly empty
     * @return the pathogenesis and principle; a general one when no key word is found
     */
    public static Pathogenesis of(List<String> syndromes) {
        String all = String.join("、", syndromes);
        List<String> mechanisms = new ArrayList<>();
        List<String> principles = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String[]> r : RULES.entrySet()) {
            String word = r.getKey();
            if (mechanisms.size() == 3 || !all.contains(word) || found.stream().anyMatch(f -> f.contains(word))) {
                continue;
            }
            found.add(word);
            mechanisms.add(r.getValue()[0]);
            principles.add(r.getValue()[1]);
        }
        List<String> organs = ORGANS.stream().filter(all::contains).toList();
        if (mechanisms.isEmpty()) {
            return new Pathogenesis("阴阳失调，脏腑功能紊乱", "调和阴阳，扶正祛邪", organs);
        }
        return new Pathogenesis(String.join("；", mechanisms), String.join("、", principles), organs);
    }
}
