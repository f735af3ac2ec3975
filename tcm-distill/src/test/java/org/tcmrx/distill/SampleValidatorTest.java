package org.tcmrx.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.ClinicalCase;

@DisplayName("SampleValidator")
class SampleValidatorTest {
    static final ClinicalCase RECORD = KnowledgeTeacherTest.MAHUANG;
    static final String ANALYSIS = "症状分析：恶风发热，无汗而喘，脉浮紧，乃风寒束表、肺气失宣之证。\n";
    static final String GOOD = ANALYSIS + "处方推荐：麻黄9g、桂枝、苦杏仁、甘草(炙)\n"
            + "处方解释：麻黄辛温发汗为君；桂枝解肌助之为臣；苦杏仁降肺平喘为佐；炙甘草调和诸药为使。";

    private static Validation exact(String text) {
        return new SampleValidator(ValidationConfig.defaults()).validate(text, RECORD);
    }

    @Nested
    @DisplayName("accepts")
    class Accepts {
        @Test
        @DisplayName("a good answer, rendered canonically with normalized herb names")
        void good() {
            Validation v = exact(GOOD);
            assertThat(v.reasons()).isEmpty();
            assertThat(v.answerOrNull()).isEqualTo(ANALYSIS + "处方推荐：麻黄、桂枝、苦杏仁、炙甘草\n"
                    + "处方解释：麻黄辛温发汗为君；桂枝解肌助之为臣；苦杏仁降肺平喘为佐；炙甘草调和诸药为使。");
        }

        @Test
        @DisplayName("an answer written as a JSON object, in a code fence")
        void json() {
            String json = "```json\n{\"症状分析\":\"恶风发热，无汗而喘，脉浮紧，乃风寒束表之证。\",\"处方推荐\":[\"麻黄\",\"桂枝\","
                    + "\"苦杏仁\",\"炙甘草\"],\"处方解释\":\"麻黄为君，桂枝为臣，苦杏仁为佐，炙甘草为使。\"}\n```";
            assertThat(exact(json).accepted()).isTrue();
        }

        @Test
        @DisplayName("a subset, or enough coverage, when so configured")
        void subset() {
            String three = ANALYSIS + "处方推荐：麻黄、桂枝、苦杏仁\n处方解释：麻黄为君，桂枝为臣，苦杏仁为佐，三药合用。";
            assertThat(exact(three).reasons()).containsExactly("herbs of the record's prescription missing: 炙甘草");
            assertThat(validator(HerbMatch.SUBSET, 0.8).validate(three, RECORD).accepted()).isTrue();
            assertThat(validator(HerbMatch.COVERAGE, 0.75).validate(three, RECORD).accepted()).isTrue();
            assertThat(validator(HerbMatch.COVERAGE, 0.8).validate(three, RECORD).reasons())
                    .containsExactly("coverage 0.75 below 0.80; missing: 炙甘草");
        }

        private SampleValidator validator(HerbMatch match, double coverage) {
            return new SampleValidator(ValidationConfig.builder().optHerbMatch(match).optMinCoverage(coverage).build());
        }
    }

    @Nested
    @DisplayName("rejects, with reasons")
    class Rejects {
        @Test
        @DisplayName("missing or misordered sections")
        void sections() {
            assertThat(exact("处方推荐：麻黄\n处方解释：麻黄为君。").reasons()).containsExactly("missing section 症状分析");
            assertThat(exact("处方推荐：麻黄\n症状分析：恶寒\n处方解释：麻黄").reasons())
                    .containsExactly("sections out of order: 处方推荐, 症状分析, 处方解释");
        }

        @Test
        @DisplayName("herbs added or missing, herbs unexplained or explained without being prescribed")
        void herbs() {
            String text = ANALYSIS + "处方推荐：麻黄、桂枝、苦杏仁、生姜\n"
                    + "处方解释：麻黄为君，桂枝为臣，生姜为佐，白芍敛阴，炙甘草调和。";
            assertThat(exact(text).reasons()).containsExactly(
                    "herbs not in the record's prescription: 生姜",
                    "herbs of the record's prescription missing: 炙甘草",
                    "herbs not explained: 苦杏仁",
                    "explanation names herbs not prescribed: 炙甘草、白芍");
        }

        @Test
        @DisplayName("sections too short or too long, and text that is not Chinese")
        void lengthAndLanguage() {
            String text = "症状分析：风寒\n处方推荐：麻黄、桂枝、苦杏仁、炙甘草\n"
                    + "处方解释：麻黄 is the sovereign herb, 桂枝 the minister, 苦杏仁 assists and 炙甘草 harmonizes.";
            assertThat(exact(text).reasons()).containsExactly(
                    "section 症状分析 too short: 2 characters, at least 10",
                    "not Chinese enough: 0.20 of the letters are Han characters, at least 0.60 required");
            ValidationConfig shortMax = ValidationConfig.builder().optExplanationChars(0, 20).build();
            assertThat(new SampleValidator(shortMax).validate(GOOD, RECORD).reasons())
                    .containsExactly("section 处方解释 too long: 38 characters, at most 20");
        }
    }

    @Nested
    @DisplayName("configuration")
    class Configuration {
        @Test
        @DisplayName("refuses out-of-range settings, naming them")
        void errors() {
            assertThatThrownBy(() -> ValidationConfig.builder().optMinCoverage(0).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("minCoverage must be in (0, 1], got 0.0");
            assertThatThrownBy(() -> ValidationConfig.builder().optAnalysisChars(5, 2).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("analysis length bounds must satisfy 0 <= min <= max, got 5..2");
            assertThatThrownBy(() -> new SampleValidator(null)).hasMessage("config must not be null");
        }
    }

    @Nested
    @DisplayName("PromptTemplate")
    class Template {
        @Test
        @DisplayName("puts the findings and true herbs in the teacher's prompt, only the findings in the student's")
        void render() {
            PromptTemplate t = PromptTemplate.standard();
            List<TeacherMessage> m = t.teacherMessages(RECORD, false);
            assertThat(m).extracting(TeacherMessage::role).containsExactly("system", "user");
            assertThat(m.get(1).content()).contains("【症状】头痛、发热、恶风、无汗、气喘", "【舌象】苔薄白", "【脉象】脉浮紧",
                    "【证候】外感风寒表实证", "【处方】麻黄、桂枝、苦杏仁、炙甘草").doesNotContain("JSON");
            assertThat(t.teacherMessages(RECORD, true).get(1).content()).endsWith(t.jsonInstruction());
            assertThat(t.studentPrompt(RECORD)).contains("【症状】头痛").doesNotContain("麻黄", "外感风寒");
            assertThat(t.reask(List.of("a", "b"))).contains("- a\n- b");
        }

        @Test
        @DisplayName("hashes every text, so a changed word changes the hash")
        void hash() {
            PromptTemplate t = PromptTemplate.standard();
            assertThat(t.sha256()).hasSize(64).isEqualTo(PromptTemplate.standard().sha256());
            PromptTemplate changed = new PromptTemplate(t.version(), t.system() + "。", t.teacherPrompt(),
                    t.studentPrompt(), t.reask(), t.jsonInstruction());
            assertThat(changed.sha256()).isNotEqualTo(t.sha256());
            assertThatThrownBy(() -> new PromptTemplate("v", "s", "no herbs", "p", "{reasons}", "j"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("teacherPrompt must contain {herbs}");
        }
    }
}
