package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.internal.Json;
import org.tcmrx.eval.PropertyContradiction.Attribute;

@DisplayName("FaithfulnessSummary and FaithfulnessCase")
class FaithfulnessSummaryTest {
    static final PropertyContradiction HOT = new PropertyContradiction("麻黄", Attribute.NATURE, "寒", List.of("温"));
    static final PropertyContradiction SWEET = new PropertyContradiction("麻黄", Attribute.FLAVOUR, "甘",
            List.of("辛", "微苦"));
    /** Four herbs, three explained, one explained but not prescribed, one outside the vocabulary, 2 of 10 claims. */
    static final FaithfulnessCase FIRST = new FaithfulnessCase(true, List.of("麻黄", "桂枝", "苦杏仁", "龙眼肉"),
            List.of("麻黄", "桂枝", "苦杏仁"), List.of("龙眼肉"), List.of("白芍"), List.of("龙眼肉"), 10,
            List.of(HOT, SWEET));
    /** Two herbs, both explained, two herbs explained but not prescribed, 5 claims, none contradicted. */
    static final FaithfulnessCase SECOND = new FaithfulnessCase(true, List.of("麻黄", "桂枝"), List.of("麻黄", "桂枝"),
            List.of(), List.of("白芍", "生姜"), List.of(), 5, List.of());

    @Nested
    @DisplayName("of")
    class Of {
        @Test
        @DisplayName("sums the parsed answers and divides")
        void arithmetic() {
            FaithfulnessSummary s = FaithfulnessSummary.of(List.of(FIRST, FaithfulnessCase.unparsed(), SECOND));
            assertThat(s).isEqualTo(new FaithfulnessSummary(3, 2, 2 / 3.0, 6, 5, 5 / 6.0, 2, 1.0, 3, 1.5, 1, 1 / 6.0,
                    15, 2, 2 / 15.0));
        }

        @Test
        @DisplayName("a zero denominator gives NaN")
        void zeroDenominators() {
            FaithfulnessSummary none = FaithfulnessSummary.of(List.of());
            assertThat(none.answers()).isZero();
            for (double rate : new double[] {none.parseRate(), none.explainedShare(), none.unprescribedAnswerShare(),
                    none.meanUnprescribedPerAnswer(), none.outsideVocabularyShare(), none.contradictionRate()}) {
                assertThat(rate).isNaN();
            }
            FaithfulnessSummary unparsed = FaithfulnessSummary.of(List.of(FaithfulnessCase.unparsed()));
            assertThat(unparsed.parseRate()).isEqualTo(0.0);
            assertThat(unparsed.explainedShare()).isNaN();
            assertThat(unparsed.meanUnprescribedPerAnswer()).isNaN();
            FaithfulnessCase noClaim = new FaithfulnessCase(true, List.of("麻黄"), List.of(), List.of("麻黄"), List.of(),
                    List.of(), 0, List.of());
            FaithfulnessSummary s = FaithfulnessSummary.of(List.of(noClaim));
            assertThat(s.explainedShare()).isEqualTo(0.0);
            assertThat(s.unprescribedAnswerShare()).isEqualTo(0.0);
            assertThat(s.contradictionRate()).isNaN();
        }

        @Test
        @DisplayName("rejects null")
        void rejects() {
            assertThatThrownBy(() -> FaithfulnessSummary.of(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cases must not be null");
            assertThatThrownBy(() -> FaithfulnessSummary.of(Arrays.asList(FIRST, null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("cases element must not be null");
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("a summary's counts must nest and its rates must be their quotients")
        void summary() {
            assertThatThrownBy(() -> new FaithfulnessSummary(2, 3, 1.5, 0, 0, Double.NaN, 0, 0, 0, 0, 0, Double.NaN,
                    0, 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("parsed must not exceed answers, got 3 > 2");
            assertThatThrownBy(() -> new FaithfulnessSummary(2, 1, 0.4, 0, 0, Double.NaN, 0, 0, 0, 0, 0, Double.NaN,
                    0, 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("parseRate must be 1 / 2 = 0.5, got 0.4");
            assertThatThrownBy(() -> new FaithfulnessSummary(1, 1, 1, 0, 0, Double.NaN, 0, 0, 0, 0, 0, Double.NaN,
                    0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("contradictionRate must be 0 / 0 = NaN, got 0.0");
            assertThatThrownBy(() -> new FaithfulnessSummary(1, 1, 1, -1, 0, Double.NaN, 0, 0, 0, 0, 0, Double.NaN,
                    0, 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prescribedHerbs must not be negative, got -1");
        }

        @Test
        @DisplayName("a case's explained and unexplained herbs must split its prescription")
        void caseSplit() {
            assertThatThrownBy(() -> new FaithfulnessCase(true, List.of("麻黄", "桂枝"), List.of("麻黄"), List.of(),
                    List.of(), List.of(), 0, List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("explained and unexplained must split prescribed: [麻黄] + [] != [麻黄, 桂枝]");
            assertThatThrownBy(() -> new FaithfulnessCase(true, List.of("麻黄"), List.of("麻黄"), List.of(), List.of(),
                    List.of("桂枝"), 0, List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("outsideVocabulary must hold prescribed herbs only, got [桂枝]");
            assertThatThrownBy(() -> new FaithfulnessCase(true, List.of("麻黄"), List.of("麻黄"), List.of(), List.of(),
                    List.of(), 1, List.of(HOT, SWEET))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("propertyClaims must be at least the 2 contradictions, got 1");
            assertThatThrownBy(() -> new FaithfulnessCase(false, List.of(), List.of(), List.of(), List.of(), List.of(),
                    3, List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("an unparsed answer has no herbs and no claims");
            assertThatThrownBy(() -> new FaithfulnessCase(true, null, List.of(), List.of(), List.of(), List.of(), 0,
                    List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prescribed must not be null");
        }

        @Test
        @DisplayName("a contradiction names its herb and has table values")
        void contradiction() {
            assertThatThrownBy(() -> new PropertyContradiction("麻黄", Attribute.MERIDIAN, "肝", List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("table must not be empty");
            assertThatThrownBy(() -> new PropertyContradiction(" ", Attribute.MERIDIAN, "肝", List.of("肺")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("herb must not be blank");
        }
    }

    @Nested
    @DisplayName("JSON")
    class JsonRoundTrip {
        @Test
        @DisplayName("a summary, NaN rates included, and a case round-trip through the shared mapper")
        void roundTrip() throws JsonProcessingException {
            for (FaithfulnessSummary s : List.of(FaithfulnessSummary.of(List.of(FIRST, SECOND)),
                    FaithfulnessSummary.of(List.of()))) {
                String json = Json.MAPPER.writeValueAsString(s);
                assertThat(Json.MAPPER.readValue(json, FaithfulnessSummary.class)).isEqualTo(s);
            }
            assertThat(Json.MAPPER.writeValueAsString(FaithfulnessSummary.of(List.of()))).contains(
                    "\"parseRate\":\"NaN\"");
            String json = Json.MAPPER.writeValueAsString(FIRST);
            assertThat(Json.MAPPER.readValue(json, FaithfulnessCase.class)).isEqualTo(FIRST);
        }
    }
}
