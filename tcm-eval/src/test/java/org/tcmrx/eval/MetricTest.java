package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Metric")
class MetricTest {
    @Test
    @DisplayName("parses constant names and labels, ignoring case")
    void parse() {
        assertThat(Metric.parse("ndcg")).isEqualTo(Metric.NDCG);
        assertThat(Metric.parse("f1-of-means")).isEqualTo(Metric.F1_OF_MEANS);
        assertThat(Metric.parse("F1")).isEqualTo(Metric.F1_OF_MEANS);
        assertThat(Metric.parse(" hr ")).isEqualTo(Metric.HIT_RATE);
        assertThat(Metric.parse("meanF1")).isEqualTo(Metric.MEAN_F1);
    }

    @Test
    @DisplayName("an unknown name fails listing the valid ones")
    void unknown() {
        assertThatThrownBy(() -> Metric.parse("map"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown metric 'map'; valid metrics: precision, recall, f1_of_means, mean_f1, ndcg,"
                        + " ndcg_smgcn, hit_rate");
    }

    @Test
    @DisplayName("F1 of means has no per-case value")
    void perCase() {
        CaseMetrics m = new CaseMetrics(5, 1, 0.2, 0.5, 2 * 0.1 / 0.7, 0.3, 0.4, 1);
        assertThat(m.value(Metric.RECALL)).isEqualTo(0.5);
        assertThat(Metric.F1_OF_MEANS.perCaseMean()).isFalse();
        assertThatThrownBy(() -> m.value(Metric.F1_OF_MEANS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("F1_OF_MEANS has no per-case value: it is the harmonic mean of mean precision and mean"
                        + " recall");
        assertThatThrownBy(() -> new CaseMetrics(5, 1, 1.5, 0.5, 0.1, 0.3, 0.4, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("precision must be in [0, 1], got 1.5");
    }
}
