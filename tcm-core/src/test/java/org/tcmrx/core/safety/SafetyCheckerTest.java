package org.tcmrx.core.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcmrx.core.Dose;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;

@DisplayName("SafetyChecker")
class SafetyCheckerTest {
    private static final SafetyRules TABLE = SafetyRules.embedded();
    private static final SafetyChecker ALL = SafetyChecker.standard();

    private static List<String> ids(List<SafetyFinding> findings) {
        return findings.stream().map(f -> f.rule().id()).toList();
    }

    private static List<SafetyFinding> check(String... herbs) {
        return ALL.check(Stream.of(herbs).map(Herb::of).toList());
    }

    static Stream<Arguments> pairRules() {
        return TABLE.rules().stream().filter(r -> r.kind().pair()).map(r -> Arguments.of(r.id(), r));
    }

    static Stream<Arguments> singleRules() {
        return TABLE.rules().stream().filter(r -> !r.kind().pair()).map(r -> Arguments.of(r.id(), r));
    }

    /** Every alias of a name that a rule uses, with that rule. */
    static Stream<Arguments> aliasedRules() {
        List<Arguments> out = new ArrayList<>();
        for (HerbAlias a : TABLE.aliases()) {
            for (SafetyRule r : TABLE.rules()) {
                if (r.herbs().contains(a.countsAs()) || r.with().contains(a.countsAs())) {
                    out.add(Arguments.of(a.name() + " as " + a.countsAs() + " in " + r.id(), a, r));
                }
            }
        }
        return out.stream();
    }

    @Nested
    @DisplayName("every rule of the table")
    class EveryRule {
        @ParameterizedTest(name = "{0}")
        @MethodSource("org.tcmrx.core.safety.SafetyCheckerTest#pairRules")
        @DisplayName("a pair rule fires for each pair of its names, in either order, and not for one side alone")
        void pair(String id, SafetyRule rule) {
            for (String a : rule.herbs()) {
                for (String b : rule.with()) {
                    assertThat(ids(check(a, b))).as(a + "+" + b).contains(id);
                    assertThat(ids(check(b, "桂枝", a))).as(b + "+" + a).contains(id);
                    SafetyFinding f = check(b, a).stream().filter(x -> x.rule().id().equals(id)).findFirst()
                            .orElseThrow();
                    assertThat(f.herbs()).containsExactly(Herb.of(a), Herb.of(b));
                    assertThat(f.severity()).isEqualTo(Severity.CONTRAINDICATED);
                    assertThat(ALL.conflict(Herb.of(a), Herb.of(b))).isTrue();
                    assertThat(ALL.conflict(Herb.of(b), Herb.of(a))).isTrue();
                    assertThat(ids(check(a, "桂枝"))).doesNotContain(id);
                    assertThat(ids(check("桂枝", b))).doesNotContain(id);
                }
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.tcmrx.core.safety.SafetyCheckerTest#singleRules")
        @DisplayName("a single-herb rule fires for its herb; a dose rule only above its limit")
        void single(String id, SafetyRule rule) {
            for (String h : rule.herbs()) {
                Herb herb = Herb.of(h);
                if (rule.kind() == RuleKind.DOSE_LIMIT) {
                    double max = rule.maxGrams();
                    assertThat(ids(ALL.check(dosed(herb, max * 1.5)))).contains(id);
                    assertThat(ids(ALL.check(dosed(herb, max)))).doesNotContain(id);
                    assertThat(ids(ALL.check(Prescription.of(List.of(herb))))).doesNotContain(id);
                    assertThat(ids(ALL.check(List.of(herb)))).doesNotContain(id);
                } else {
                    assertThat(ids(check(h))).contains(id);
                    assertThat(ALL.herbRules(herb)).contains(rule);
                }
                assertThat(ids(check("桂枝"))).doesNotContain(id);
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.tcmrx.core.safety.SafetyCheckerTest#aliasedRules")
        @DisplayName("an alias triggers every rule that names what it counts as")
        void alias(String label, HerbAlias alias, SafetyRule rule) {
            Herb herb = Herb.of(alias.name());
            if (rule.kind().pair()) {
                String other = rule.herbs().contains(alias.countsAs()) ? rule.with().get(0) : rule.herbs().get(0);
                assertThat(ALL.conflict(herb, Herb.of(other))).as(alias.name() + "+" + other).isTrue();
            } else if (rule.kind() == RuleKind.DOSE_LIMIT) {
                assertThat(ids(ALL.check(dosed(herb, rule.maxGrams() + 1)))).contains(rule.id());
            } else {
                assertThat(ids(check(alias.name()))).contains(rule.id());
            }
        }
    }

    private static Prescription dosed(Herb herb, double grams) {
        return new Prescription(List.of(herb, Herb.of("甘草")), Map.of(herb, Dose.grams(grams)));
    }

    @Nested
    @DisplayName("the classical lists, by name")
    class Classical {
        @ParameterizedTest(name = "{0} + {1} → {2}")
        @CsvSource({
            "甘草, 甘遂, 十八反:甘草-甘遂", "炙甘草, 海藻, 十八反:甘草-海藻", "甘草, 京大戟, 十八反:甘草-大戟",
            "甘草, 红大戟, 十八反:甘草-大戟", "生甘草, 醋芫花, 十八反:甘草-芫花",
            "川乌, 贝母, 十八反:乌头-贝母", "制川乌, 川贝母, 十八反:乌头-贝母", "乌头, 浙贝母, 十八反:乌头-贝母",
            "草乌, 平贝母, 十八反:乌头-贝母", "草乌, 瓜蒌皮, 十八反:乌头-瓜蒌", "川乌, 天花粉, 十八反:乌头-瓜蒌",
            "附子, 半夏, 十八反:乌头-半夏", "制川乌, 法半夏, 十八反:乌头-半夏", "川乌, 姜半夏, 十八反:乌头-半夏",
            "草乌, 白蔹, 十八反:乌头-白蔹", "川乌, 白及, 十八反:乌头-白及", "黑顺片, 白芨, 十八反:乌头-白及",
            "藜芦, 人参, 十八反:藜芦-人参", "藜芦, 党参, 十八反:藜芦-人参", "藜芦, 红参, 十八反:藜芦-人参",
            "藜芦, 北沙参, 十八反:藜芦-沙参", "藜芦, 南沙参, 十八反:藜芦-沙参", "藜芦, 丹参, 十八反:藜芦-丹参",
            "藜芦, 元参, 十八反:藜芦-玄参", "藜芦, 苦参, 十八反:藜芦-苦参", "藜芦, 细辛, 十八反:藜芦-细辛",
            "藜芦, 白芍, 十八反:藜芦-芍药", "藜芦, 赤芍, 十八反:藜芦-芍药", "藜芦, 炒白芍, 十八反:藜芦-芍药",
            "硫黄, 芒硝, 十九畏:硫黄-朴硝", "硫黄, 朴硝, 十九畏:硫黄-朴硝", "水银, 砒霜, 十九畏:水银-砒霜",
            "狼毒, 密陀僧, 十九畏:狼毒-密陀僧", "巴豆霜, 牵牛子, 十九畏:巴豆-牵牛", "巴豆, 黑丑, 十九畏:巴豆-牵牛",
            "丁香, 郁金, 十九畏:丁香-郁金", "公丁香, 广郁金, 十九畏:丁香-郁金", "川乌, 犀角, 十九畏:乌头-犀角",
            "草乌, 犀角, 十九畏:乌头-犀角", "芒硝, 三棱, 十九畏:牙硝-三棱", "玄明粉, 京三棱, 十九畏:牙硝-三棱",
            "肉桂, 赤石脂, 十九畏:官桂-赤石脂", "官桂, 赤石脂, 十九畏:官桂-赤石脂", "人参, 五灵脂, 十九畏:人参-五灵脂",
            "红参, 五灵脂, 十九畏:人参-五灵脂"})
        void fires(String a, String b, String id) {
            assertThat(ids(check(a, b))).contains(id);
            assertThat(ids(check(b, a))).contains(id);
        }

        @ParameterizedTest(name = "{0} + {1}: no pair finding")
        @CsvSource({
            "甘草, 桂枝", "桂枝, 赤石脂", "土贝母, 川乌", "水牛角, 川乌", "党参, 五灵脂", "西洋参, 五灵脂",
            "胆南星, 川乌", "半夏, 贝母", "人参, 丹参", "甘草, 大黄", "麻黄, 桂枝"})
        void quiet(String a, String b) {
            assertThat(check(a, b).stream().filter(f -> f.kind().pair())).isEmpty();
            assertThat(ALL.conflict(Herb.of(a), Herb.of(b))).isFalse();
        }

        @Test
        @DisplayName("written forms go through the normalizer first: 甘草（炙） is 炙甘草 is 甘草")
        void normalizer() {
            assertThat(ids(check("甘草（炙）", "海 藻"))).containsExactly("十八反:甘草-海藻");
            assertThat(ALL.countsAs(Herb.of("白芍"))).containsExactly("白芍", "芍药");
            assertThat(ALL.countsAs(Herb.of("黑顺片"))).containsExactly("黑顺片", "乌头", "附子");
            assertThat(ALL.countsAs(Herb.of("桂枝"))).containsExactly("桂枝");
        }

        @Test
        @DisplayName("aliases are not transitive: 制川乌 counts as 乌头, not as crude 川乌")
        void notTransitive() {
            assertThat(ids(check("制川乌"))).containsExactly("妊娠慎用:制川乌");
            assertThat(ids(check("川乌"))).containsExactly("妊娠禁用:川乌");
            assertThat(ids(check("生川乌"))).containsExactly("妊娠禁用:川乌");
        }
    }

    @Nested
    @DisplayName("findings")
    class Findings {
        @Test
        @DisplayName("come in table order, one per pair, with herbs as written and a readable message")
        void order() {
            List<SafetyFinding> f = check("海藻", "甘草", "桃仁", "甘遂");
            assertThat(ids(f)).containsExactly("十八反:甘草-甘遂", "十八反:甘草-海藻", "妊娠禁用:甘遂",
                    "妊娠慎用:桃仁");
            assertThat(f.get(1).herbs()).containsExactly(Herb.of("甘草"), Herb.of("海藻"));
            assertThat(f.get(1).message()).isEqualTo("十八反 甘草 + 海藻: not to be combined [十八反:甘草-海藻]");
            assertThat(f.get(2).message()).isEqualTo("妊娠禁用 甘遂: forbidden in pregnancy [妊娠禁用:甘遂]");
            assertThat(f.get(3).message()).isEqualTo("妊娠慎用 桃仁: caution in pregnancy [妊娠慎用:桃仁]");
            assertThat(f.get(3).severity()).isEqualTo(Severity.CAUTION);
            assertThat(f.get(0).source()).startsWith("《儒门事亲》十八反歌");
        }

        @Test
        @DisplayName("a dose above the limit is flagged in grams, milligrams and kilograms; other units are not read")
        void doses() {
            Herb xixin = Herb.of("细辛");
            List<SafetyFinding> f = ALL.check(new Prescription(List.of(xixin), Map.of(xixin, Dose.grams(6))));
            assertThat(ids(f)).containsExactly("剂量:细辛");
            assertThat(f.get(0).dose()).isEqualTo(Dose.grams(6));
            assertThat(f.get(0).message()).isEqualTo("超剂量 细辛 6g: above the upper limit of 3g [剂量:细辛]");
            assertThat(f.get(0).severity()).isEqualTo(Severity.WARNING);
            assertThat(ALL.check(new Prescription(List.of(xixin), Map.of(xixin, new Dose(3000, "mg"))))).isEmpty();
            assertThat(ALL.check(new Prescription(List.of(xixin), Map.of(xixin, new Dose(3001, "mg"))))).hasSize(1);
            assertThat(ALL.check(new Prescription(List.of(xixin), Map.of(xixin, new Dose(6, "克"))))).hasSize(1);
            assertThat(ALL.check(new Prescription(List.of(xixin), Map.of(xixin, new Dose(6, "钱"))))).isEmpty();
            Herb ma = Herb.of("马钱子");
            assertThat(ALL.check(new Prescription(List.of(ma), Map.of(ma, Dose.grams(0.9)))).get(1).message())
                    .isEqualTo("超剂量 马钱子 0.9g: above the upper limit of 0.6g [剂量:马钱子]");
        }

        @Test
        @DisplayName("a ranking is checked at K; an answer with its doses")
        void rankingAndAnswer() {
            Ranking r = new Ranking(List.of(new ScoredHerb(Herb.of("甘草"), 3), new ScoredHerb(Herb.of("麻黄"), 2),
                    new ScoredHerb(Herb.of("海藻"), 1)));
            assertThat(ALL.check(r, 2)).isEmpty();
            assertThat(ids(ALL.check(r, 3))).containsExactly("十八反:甘草-海藻");
            String answer = "症状分析：寒饮\n处方推荐：细辛6g、附子 30克、半夏9g、炙甘草\n处方解释：……";
            assertThat(ids(ALL.checkAnswer(answer))).containsExactly("十八反:乌头-半夏", "妊娠慎用:附子",
                    "剂量:细辛", "剂量:附子");
            assertThat(ALL.checkAnswer("处方推荐：甘草、海藻")).isEmpty();
        }

        @Test
        @DisplayName("conflicts within a set agree with conflict on every pair")
        void conflicts() {
            List<Herb> herbs = Stream.of("甘草", "炙甘草", "海藻", "甘遂", "桂枝", "川乌", "附子", "半夏", "浙贝母",
                    "藜芦", "白芍", "人参", "五灵脂", "党参").map(Herb::of).toList();
            Map<Herb, Set<Herb>> c = ALL.conflicts(herbs);
            assertThat(c.get(Herb.of("甘草"))).containsExactlyInAnyOrder(Herb.of("海藻"), Herb.of("甘遂"));
            assertThat(c.get(Herb.of("海藻"))).containsExactlyInAnyOrder(Herb.of("甘草"), Herb.of("炙甘草"));
            assertThat(c.get(Herb.of("党参"))).containsExactly(Herb.of("藜芦"));
            assertThat(c).doesNotContainKey(Herb.of("桂枝"));
            for (Herb a : herbs) {
                for (Herb b : herbs) {
                    boolean listed = c.getOrDefault(a, Set.of()).contains(b);
                    assertThat(listed).as(a + "+" + b).isEqualTo(!a.equals(b) && ALL.conflict(a, b));
                }
            }
        }

        @Test
        @DisplayName("a checker may leave kinds out")
        void kinds() {
            SafetyChecker pairs = ALL.withKinds(SafeHerbRanker.PAIR_KINDS);
            assertThat(ids(pairs.check(List.of(Herb.of("甘遂"), Herb.of("甘草"), Herb.of("桃仁")))))
                    .containsExactly("十八反:甘草-甘遂");
            assertThat(pairs.kinds()).containsExactlyInAnyOrder(RuleKind.EIGHTEEN_INCOMPATIBILITIES,
                    RuleKind.NINETEEN_ANTAGONISMS);
            assertThatThrownBy(() -> SafetyChecker.builder().optKinds(EnumSet.noneOf(RuleKind.class)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("kinds must not be empty");
        }
    }
}
