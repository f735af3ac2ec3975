package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;

@DisplayName("baselines")
class BaselinesTest {
    /*
     * Training data, counted by hand:
     *   1: {发热, 恶寒} → 麻黄 桂枝 甘草
     *   2: {发热}       → 桂枝 白芍 甘草
     *   3: {咳嗽}       → 杏仁 甘草
     *   4: {发热}       → 石膏 知母
     * Popularity: 甘草 3, 桂枝 2, then 1 each: 杏仁 白芍 知母 石膏 麻黄 (ties by name: code-point order).
     * P(h|发热) over records 1, 2, 4: 桂枝 2/3, 甘草 2/3, 麻黄 1/3, 白芍 1/3, 石膏 1/3, 知母 1/3.
     * P(h|恶寒) over record 1: 麻黄 1, 桂枝 1, 甘草 1.
     */
    private static final List<ClinicalCase> TRAIN = List.of(
            c("1", List.of("发热", "恶寒"), "麻黄", "桂枝", "甘草"),
            c("2", List.of("发热"), "桂枝", "白芍", "甘草"),
            c("3", List.of("咳嗽"), "杏仁", "甘草"),
            c("4", List.of("发热"), "石膏", "知母"));

    private static ClinicalCase c(String id, List<String> symptoms, String... herbs) {
        return ClinicalCase.builder().setId(id).setSymptoms(symptoms.toArray(String[]::new))
                .setPrescription(Prescription.of(herbs)).build();
    }

    private static List<String> names(Ranking r) {
        return r.herbs().stream().map(Herb::name).toList();
    }

    @Nested
    @DisplayName("TopPop")
    class TopPop {
        @Test
        @DisplayName("ranks by popularity, ties by name, whatever the query")
        void popularity() {
            TopPopRanker r = TopPopRanker.fit(TRAIN);
            Ranking ranking = r.rank(Query.of("咳嗽"), 4);
            assertThat(names(ranking)).containsExactly("甘草", "桂枝", "杏仁", "白芍");
            assertThat(ranking.entries().get(0).score()).isEqualTo(3.0);
            assertThat(r.rank(Query.of("未知"), 4)).isEqualTo(ranking);
        }

        @Test
        @DisplayName("returns every herb when K exceeds the vocabulary")
        void largeK() {
            assertThat(TopPopRanker.fit(TRAIN).rank(Query.of("发热"), 100).size()).isEqualTo(7);
        }
    }

    @Nested
    @DisplayName("CoOcc")
    class CoOcc {
        @Test
        @DisplayName("sums P(h|s) over the query's symptoms")
        void sums() {
            Ranking r = CoOccurrenceRanker.fit(TRAIN).rank(Query.of("发热", "恶寒"), 3);
            // 桂枝 = 甘草 = 2/3 + 1 (tie broken by popularity: 甘草 first), 麻黄 = 1/3 + 1.
            assertThat(r.entries()).usingRecursiveFieldByFieldElementComparatorOnFields("herb")
                    .containsExactly(new ScoredHerb(Herb.of("甘草"), 0), new ScoredHerb(Herb.of("桂枝"), 0),
                            new ScoredHerb(Herb.of("麻黄"), 0));
            assertThat(r.entries().get(0).score()).isCloseTo(5.0 / 3, within(1e-12));
            assertThat(r.entries().get(2).score()).isCloseTo(4.0 / 3, within(1e-12));
        }

        @Test
        @DisplayName("falls back to popularity for unknown symptoms")
        void unknown() {
            CoOccurrenceRanker co = CoOccurrenceRanker.fit(TRAIN);
            assertThat(names(co.rank(Query.of("未知"), 3))).containsExactly("甘草", "桂枝", "杏仁");
            // 杏仁 and 甘草 both score 1 (tie → popularity); zero-score herbs follow in popularity order.
            assertThat(names(co.rank(Query.of("咳嗽"), 4))).containsExactly("甘草", "杏仁", "桂枝", "白芍");
        }

        @Test
        @DisplayName("rejects K < 1 and an empty training set")
        void invalid() {
            assertThatThrownBy(() -> CoOccurrenceRanker.fit(TRAIN).rank(Query.of("发热"), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be at least 1, got 0");
            assertThatThrownBy(() -> CoOccurrenceRanker.fit(List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("train must contain at least one case");
        }
    }

    @Nested
    @DisplayName("SetLookup+CoOcc")
    class SetLookup {
        @Test
        @DisplayName("adds w times the herb frequencies of records with exactly the query's symptom set")
        void exactSet() {
            // {发热} exactly: records 2 and 4 → 桂枝 白芍 甘草 石膏 知母 each 1/2.
            // CoOcc: 桂枝 2/3, 甘草 2/3, others 1/3; with w = 1: 桂枝 = 甘草 = 7/6, 白芍 = 知母 = 石膏 = 5/6, 麻黄 1/3.
            Ranking r = SetLookupRanker.fit(TRAIN, 1.0).rank(Query.of("发热"), 6);
            assertThat(names(r)).containsExactly("甘草", "桂枝", "白芍", "知母", "石膏", "麻黄");
            assertThat(r.entries().get(0).score()).isCloseTo(7.0 / 6, within(1e-12));
            assertThat(r.entries().get(2).score()).isCloseTo(5.0 / 6, within(1e-12));
        }

        @Test
        @DisplayName("equals CoOcc when the set was never seen or the weight is 0")
        void fallback() {
            CoOccurrenceRanker co = CoOccurrenceRanker.fit(TRAIN);
            assertThat(SetLookupRanker.fit(TRAIN).rank(Query.of("恶寒", "咳嗽"), 5))
                    .isEqualTo(co.rank(Query.of("恶寒", "咳嗽"), 5));
            assertThat(SetLookupRanker.fit(TRAIN, 0).rank(Query.of("发热"), 5))
                    .isEqualTo(co.rank(Query.of("发热"), 5));
        }

        @Test
        @DisplayName("symptom order does not matter")
        void order() {
            SetLookupRanker s = SetLookupRanker.fit(TRAIN);
            assertThat(s.rank(Query.of("恶寒", "发热"), 5)).isEqualTo(s.rank(Query.of("发热", "恶寒"), 5));
        }

        @Test
        @DisplayName("rejects a negative weight")
        void weight() {
            assertThatThrownBy(() -> SetLookupRanker.fit(TRAIN, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("setWeight must be finite and non-negative, got -1.0");
        }
    }
}
