package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ThreeSectionAnswer")
class ThreeSectionAnswerTest {
    private static final ThreeSectionAnswer MAHUANG = new ThreeSectionAnswer("风寒束表，卫阳被遏。",
            List.of("麻黄", "桂枝", "杏仁", "炙甘草"), "麻黄发汗解表，桂枝助之。");

    private static ThreeSectionAnswer.Parse parse(String text) {
        return ThreeSectionAnswer.parse(text);
    }

    @Nested
    @DisplayName("render")
    class Render {
        @Test
        @DisplayName("writes the canonical form")
        void canonical() {
            assertThat(MAHUANG.render()).isEqualTo(
                    "症状分析：风寒束表，卫阳被遏。\n处方推荐：麻黄、桂枝、杏仁、炙甘草\n处方解释：麻黄发汗解表，桂枝助之。");
            assertThat(parse(MAHUANG.render())).isEqualTo(new ThreeSectionAnswer.Parse(MAHUANG, List.of()));
        }
    }

    @Nested
    @DisplayName("headers")
    class Headers {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"症状分析：", "症状分析:", "【症状分析】", "【症状分析】：", "### 症状分析", "## 症状分析：",
            "**症状分析**：", "**症状分析：**", "**症状分析**", "[症状分析]", "  症状分析 ：", "__症状分析__:",
            "**【症状分析】**"})
        @DisplayName("are read in every written form")
        void forms(String header) {
            ThreeSectionAnswer.Parse p = parse(header + "\n恶寒发热\n处方推荐：麻黄\n处方解释：发汗");
            assertThat(p.problems()).isEmpty();
            assertThat(p.answerOrNull()).isEqualTo(new ThreeSectionAnswer("恶寒发热", List.of("麻黄"), "发汗"));
        }

        @Test
        @DisplayName("the mixed forms a model writes")
        void mixed() {
            ThreeSectionAnswer.Parse p = parse("好的，分析如下。\n### 症状分析\n患者恶寒。\n\n**处方推荐**：\n- 麻黄 9g\n"
                    + "- 桂枝(6g)\n- 杏仁9克\n\n【处方解释】麻黄为君。");
            assertThat(p.clean()).isTrue();
            assertThat(p.answerOrNull()).isEqualTo(
                    new ThreeSectionAnswer("患者恶寒。", List.of("麻黄", "桂枝", "杏仁"), "麻黄为君。"));
        }

        @Test
        @DisplayName("a name without colon or decoration, or not at a line's start, is text")
        void text() {
            ThreeSectionAnswer.Parse p = parse("症状分析：处方推荐一方\n症状分析表明风寒\n处方推荐：麻黄\n处方解释：见处方推荐");
            assertThat(p.answerOrNull()).isEqualTo(
                    new ThreeSectionAnswer("处方推荐一方\n症状分析表明风寒", List.of("麻黄"), "见处方推荐"));
        }
    }

    @Nested
    @DisplayName("problems")
    class Problems {
        @Test
        @DisplayName("missing sections, in the sections' order")
        void missing() {
            assertThat(parse("处方推荐：麻黄")).isEqualTo(new ThreeSectionAnswer.Parse(null,
                    List.of("missing section 症状分析", "missing section 处方解释")));
            assertThat(parse("")).isEqualTo(new ThreeSectionAnswer.Parse(null, List.of("missing section 症状分析",
                    "missing section 处方推荐", "missing section 处方解释")));
        }

        @Test
        @DisplayName("a section twice")
        void twice() {
            ThreeSectionAnswer.Parse p = parse("症状分析：a\n处方推荐：麻黄\n处方解释：b\n处方推荐：桂枝\n处方推荐：c");
            assertThat(p.ok()).isFalse();
            assertThat(p.problems()).containsExactly("section 处方推荐 appears 3 times");
        }

        @Test
        @DisplayName("sections out of order")
        void order() {
            assertThat(parse("处方推荐：麻黄\n症状分析：a\n处方解释：b")).isEqualTo(new ThreeSectionAnswer.Parse(null,
                    List.of("sections out of order: 处方推荐, 症状分析, 处方解释")));
        }

        @Test
        @DisplayName("an empty prescription, doses only included")
        void emptyPrescription() {
            assertThat(parse("症状分析：a\n处方推荐：\n处方解释：b").problems()).containsExactly("empty prescription");
            assertThat(parse("症状分析：a\n处方推荐：9g、 10克；**\n处方解释：b")).isEqualTo(
                    new ThreeSectionAnswer.Parse(null, List.of("empty prescription")));
        }

        @Test
        @DisplayName("duplicates are kept once and reported once per herb; empty texts are reported")
        void duplicates() {
            ThreeSectionAnswer.Parse p = parse("症状分析：\n处方推荐：麻黄9g、桂枝，麻黄(6g) 桂枝；麻黄\n处方解释：");
            assertThat(p.ok()).isTrue();
            assertThat(p.clean()).isFalse();
            assertThat(p.answerOrNull()).isEqualTo(new ThreeSectionAnswer("", List.of("麻黄", "桂枝"), ""));
            assertThat(p.problems()).containsExactly("empty section 症状分析", "duplicate herb 麻黄",
                    "duplicate herb 桂枝", "empty section 处方解释");
        }

        @Test
        @DisplayName("null is the caller's mistake")
        void nullText() {
            assertThatThrownBy(() -> parse(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("text must not be null");
        }
    }

    @Nested
    @DisplayName("herb items")
    class Items {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"麻黄", "麻黄9g", "麻黄 9克", "麻黄(9g)", "麻黄（9克）", "麻黄【9g】", "**麻黄**", "1.麻黄",
            "- 麻黄 6-9g", "麻黄1.5钱", "麻黄9g9g", "麻黄９ｇ", "• 麻黄。"})
        @DisplayName("are reduced to the name")
        void reduced(String item) {
            assertThat(parse("症状分析：a\n处方推荐：" + item + "\n处方解释：b").answerOrNull().herbs())
                    .containsExactly("麻黄");
        }

        @Test
        @DisplayName("processing marks in brackets are not doses")
        void marks() {
            assertThat(parse("症状分析：a\n处方推荐：甘草(炙)、大枣3枚\n处方解释：b").answerOrNull().herbs())
                    .containsExactly("甘草(炙)", "大枣");
        }

        @Test
        @DisplayName("a run of 200,000 digits reads in time linear in its length, not quadratic")
        void longDigits() {
            String item = "麻黄" + "1".repeat(200_000);
            String text = "症状分析：a\n处方推荐：" + item + "x\n处方解释：b";
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertThat(parse(text).answerOrNull().herbs()).containsExactly(item + "x");
                assertThat(ThreeSectionAnswer.doses(text)).isEmpty();
            });
        }
    }

    @Nested
    @DisplayName("the record")
    class Record {
        @Test
        @DisplayName("rejects what parse would read differently, naming the field")
        void invalid() {
            assertThatThrownBy(() -> new ThreeSectionAnswer("a", List.of(), "b"))
                    .hasMessage("herbs must not be empty");
            assertThatThrownBy(() -> new ThreeSectionAnswer("a", List.of("麻黄9g"), "b"))
                    .hasMessage("herbs: '麻黄9g' is not a herb name as parse reads it");
            assertThatThrownBy(() -> new ThreeSectionAnswer("a", List.of("麻 黄"), "b"))
                    .hasMessage("herbs: '麻 黄' is not a herb name as parse reads it");
            assertThatThrownBy(() -> new ThreeSectionAnswer("a", List.of("麻黄", "麻黄"), "b"))
                    .hasMessage("herbs: '麻黄' appears twice");
            assertThatThrownBy(() -> new ThreeSectionAnswer(" a", List.of("麻黄"), "b"))
                    .hasMessage("analysis must not start or end with white space");
            assertThatThrownBy(() -> new ThreeSectionAnswer("a", List.of("麻黄"), null))
                    .hasMessage("explanation must not be null");
            assertThatThrownBy(() -> new ThreeSectionAnswer("a\n处方解释：x", List.of("麻黄"), "b"))
                    .hasMessage("analysis holds a line that reads as the header 处方解释");
        }
    }

    /** Seeded random answers over characters that include every separator, mark and header character. */
    static Stream<Arguments> randomAnswers() {
        return IntStream.range(0, 200).mapToObj(seed -> {
            Random random = new Random(seed);
            return Arguments.of(seed, new ThreeSectionAnswer(randomText(random), randomHerbs(random),
                    randomText(random)));
        });
    }

    private static final String TEXT_CHARS = "恶寒发热头痛症状分析处方推荐解释：:*_#【】[]()、，,；;。 \n-0123456789g克";
    private static final String HERB_CHARS = "麻黄桂枝杏仁甘草白术当归川芎()（）炙炒处方解释推荐";

    private static String randomText(Random random) {
        while (true) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
                s.append(TEXT_CHARS.charAt(random.nextInt(TEXT_CHARS.length())));
            }
            if (random.nextInt(4) == 0) {
                s.append("\n").append(ThreeSectionAnswer.SECTIONS.get(random.nextInt(3))).append("表明");
            }
            String text = s.toString().strip();
            try {
                new ThreeSectionAnswer(text, List.of("麻黄"), "");
                return text;
            } catch (IllegalArgumentException e) {
                // a line that reads as a header: draw again
            }
        }
    }

    private static List<String> randomHerbs(Random random) {
        Set<String> herbs = new LinkedHashSet<>();
        int n = 1 + random.nextInt(8);
        while (herbs.size() < n) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(4);
            for (int i = 0; i < length; i++) {
                s.append(HERB_CHARS.charAt(random.nextInt(HERB_CHARS.length())));
            }
            String herb = ThreeSectionAnswer.herbName(s.toString());
            if (!herb.isEmpty()) {
                herbs.add(herb);
            }
        }
        return new ArrayList<>(herbs);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("randomAnswers")
    @DisplayName("parse(render(a)) is a, for seeded random answers")
    void roundTrip(int seed, ThreeSectionAnswer answer) {
        ThreeSectionAnswer.Parse p = parse(answer.render());
        assertThat(p.answerOrNull()).isEqualTo(answer);
        assertThat(p.problems()).allMatch(problem -> problem.startsWith("empty section "));
    }

    @Nested
    @DisplayName("doses")
    class Doses {
        @Test
        @DisplayName("reads grams after a herb, in brackets, written apart and in milligrams")
        void reads() {
            String text = "症状分析：a\n处方推荐：麻黄9g、桂枝(6克)、附子 15g、**杏仁１２ｇ**、冰片300mg、大枣3枚、甘草\n"
                    + "处方解释：b";
            assertThat(ThreeSectionAnswer.doses(text)).containsExactly(
                    Map.entry("麻黄", Dose.grams(9)), Map.entry("桂枝", Dose.grams(6)),
                    Map.entry("附子", Dose.grams(15)), Map.entry("杏仁", Dose.grams(12)),
                    Map.entry("冰片", Dose.grams(0.3)));
        }

        @Test
        @DisplayName("gives no dose for a range, a count, a bare number, or a text without an answer")
        void none() {
            assertThat(ThreeSectionAnswer.doses("症状分析：a\n处方推荐：麻黄6-9g、大枣3枚、生姜3\n处方解释：b")).isEmpty();
            assertThat(ThreeSectionAnswer.doses("处方推荐：麻黄9g")).isEmpty();
            assertThatThrownBy(() -> ThreeSectionAnswer.doses(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("text must not be null");
        }

        @Test
        @DisplayName("gives no dose, and does not throw, for grams a double cannot hold")
        void outOfRange() {
            String huge = "1" + "0".repeat(309);
            String tiny = "0." + "0".repeat(322) + "1";
            String text = "症状分析：a\n处方推荐：麻黄" + huge + "g、桂枝" + tiny + "mg、甘草3g\n处方解释：b";
            assertThat(ThreeSectionAnswer.doses(text)).containsExactly(Map.entry("甘草", Dose.grams(3)));
        }
    }
}
