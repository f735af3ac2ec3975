package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;

@DisplayName("BlendedRanker")
class BlendedRankerTest {
    /** Always returns the same list (cut to k). */
    private static HerbRanker fixed(String name, Object... herbAndScore) {
        List<ScoredHerb> entries = new java.util.ArrayList<>();
        for (int i = 0; i < herbAndScore.length; i += 2) {
            entries.add(new ScoredHerb(new Herb((String) herbAndScore[i]), (Double) herbAndScore[i + 1]));
        }
        Ranking ranking = new Ranking(entries);
        return new HerbRanker() {
            @Override
            public Ranking rank(Query query, int k) {
                return ranking.top(k);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private static final Query QUERY = Query.of("发热");

    @Test
    @DisplayName("mixes each ranker's normalized shares by weight (hand-computed)")
    void handComputed() {
        // a: 麻黄 0.6, 桂枝 0.3, 甘草 0.1 (sum 1); b: 甘草 6, 杏仁 3, 麻黄 1 (sum 10).
        HerbRanker a = fixed("BART", "麻黄", 0.6, "桂枝", 0.3, "甘草", 0.1);
        HerbRanker b = fixed("CoOcc", "甘草", 6.0, "杏仁", 3.0, "麻黄", 1.0);
        Ranking r = BlendedRanker.of(a, b, 0.3, 60).rank(QUERY, 10);
        // 麻黄 0.3*0.6 + 0.7*0.1 = 0.25; 桂枝 0.09; 甘草 0.03 + 0.42 = 0.45; 杏仁 0.21.
        assertThat(r.herbs()).extracting(Herb::name).containsExactly("甘草", "麻黄", "杏仁", "桂枝");
        assertThat(r.entries().get(0).score()).isCloseTo(0.45, within(1e-12));
        assertThat(r.entries().get(1).score()).isCloseTo(0.25, within(1e-12));
        assertThat(r.entries().get(3).score()).isCloseTo(0.09, within(1e-12));
        assertThat(BlendedRanker.of(a, b, 0.3, 60).name()).isEqualTo("BART+CoOcc");
    }

    @Test
    @DisplayName("weight 1 keeps the first ranker's order; depth cuts each list; k cuts the result")
    void edges() {
        HerbRanker a = fixed("a", "麻黄", 0.5, "桂枝", 0.4, "甘草", 0.1);
        HerbRanker b = fixed("b", "甘草", 9.0, "杏仁", 1.0);
        assertThat(BlendedRanker.of(a, b, 1, 60).rank(QUERY, 3).herbs()).extracting(Herb::name)
                .containsExactly("麻黄", "桂枝", "甘草");
        assertThat(BlendedRanker.of(a, b, 0.5, 1).rank(QUERY, 5).herbs()).extracting(Herb::name)
                .containsExactly("麻黄", "甘草");
        assertThat(BlendedRanker.of(a, b, 0.5, 60).rank(QUERY, 1).size()).isEqualTo(1);
    }

    @Test
    @DisplayName("refuses bad weights, mismatched lists and depth by name")
    void errors() {
        HerbRanker a = fixed("a", "麻黄", 1.0);
        assertThatThrownBy(() -> BlendedRanker.of(a, a, 1.5, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> BlendedRanker.of(List.of(a), new double[] {1, 2}, 10, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need one weight per ranker and at least one ranker, got 1 rankers and 2 weights");
        assertThatThrownBy(() -> BlendedRanker.of(List.of(a), new double[] {0}, 10, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("weights must not all be 0");
        assertThatThrownBy(() -> BlendedRanker.of(List.of(a), new double[] {-1}, 10, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weights must be finite and non-negative, got -1.0");
    }
}
