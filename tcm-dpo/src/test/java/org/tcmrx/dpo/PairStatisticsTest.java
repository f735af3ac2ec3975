package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.internal.Json;
import org.tcmrx.dpo.PairDecision.Outcome;

@DisplayName("PairStatistics")
class PairStatisticsTest {
    private static PairDecision pair(Outcome outcome, double bart, double llm, boolean parsed) {
        boolean bartChosen = outcome == Outcome.BART_BETTER;
        PreferencePair p = PairFixtures.pair("chosen", "rejected", bartChosen ? bart : llm, bartChosen ? llm : bart);
        return new PairDecision("case-1", outcome, bart, llm, parsed, p);
    }

    private static PairDecision none(Outcome outcome, double bart, double llm, boolean parsed) {
        return new PairDecision("case-1", outcome, bart, llm, parsed, null);
    }

    /** Pair gaps 0.5, 0.75 and 0.4; one unparsed response, in a pair. */
    private static final List<PairDecision> DECISIONS = List.of(
            pair(Outcome.BART_BETTER, 1.0, 0.5, true),
            pair(Outcome.BART_BETTER, 0.75, 0.0, false),
            none(Outcome.TIE, 0.5, 0.5, true),
            none(Outcome.BELOW_MARGIN, 0.6, 0.55, true),
            pair(Outcome.LLM_BETTER, 0.2, 0.6, true));

    @Test
    @DisplayName("counts candidates, outcomes, pairs and unparsed responses")
    void counts() {
        PairStatistics s = PairStatistics.of(DECISIONS);
        assertThat(s.candidates()).isEqualTo(5);
        assertThat(s.pairs()).isEqualTo(3);
        assertThat(s.count(Outcome.BART_BETTER)).isEqualTo(2);
        assertThat(s.count(Outcome.SAME_TEXT)).isZero();
        assertThat(s.counts()).hasSize(Outcome.values().length).containsEntry(Outcome.TIE, 1L)
                .containsEntry(Outcome.LLM_BETTER, 1L).containsEntry(Outcome.LLM_BLANK, 0L);
        assertThat(s.llmUnparsed()).isEqualTo(1);
        assertThat(s.pairsWithUnparsedLlm()).isEqualTo(1);
    }

    @Test
    @DisplayName("mean scores over every candidate; gap mean, median, min and max over the pairs")
    void scores() {
        PairStatistics s = PairStatistics.of(DECISIONS);
        assertThat(s.meanBartScore()).isCloseTo(3.05 / 5, within(1e-12));
        assertThat(s.meanLlmScore()).isCloseTo(2.15 / 5, within(1e-12));
        assertThat(s.gapMean()).isCloseTo(1.65 / 3, within(1e-12));
        assertThat(s.gapMedian()).isEqualTo(0.5);
        assertThat(s.gapMin()).isCloseTo(0.4, within(1e-12));
        assertThat(s.gapMax()).isEqualTo(0.75);
        List<PairDecision> four = new ArrayList<>(DECISIONS);
        four.add(pair(Outcome.BART_BETTER, 0.9, 0.0, true));
        assertThat(PairStatistics.of(four).gapMedian()).as("the mean of 0.5 and 0.75").isEqualTo(0.625);
    }

    @Test
    @DisplayName("one line for a log, leaving out outcomes that did not occur")
    void line() {
        assertThat(PairStatistics.of(DECISIONS)).hasToString("5 candidates, 3 pairs (BART_BETTER 2, LLM_BETTER 1, "
                + "TIE 1, BELOW_MARGIN 1); LLM unparsed 1 (1 in pairs); mean score BART 0.610, LLM 0.430; "
                + "pair gap mean 0.550, median 0.500, min 0.400, max 0.750");
        assertThat(new PairStatistics()).hasToString("0 candidates, 0 pairs (); LLM unparsed 0 (0 in pairs); mean "
                + "score BART -, LLM -; pair gap mean -, median -, min -, max -");
    }

    @Test
    @DisplayName("a map for JSON, with null where there is nothing to average")
    void map() throws JsonProcessingException {
        Map<String, Object> m = PairStatistics.of(DECISIONS).toMap();
        assertThat(m.keySet()).containsExactly("candidates", "pairs", "outcomes", "llmUnparsed",
                "pairsWithUnparsedLlm", "meanBartScore", "meanLlmScore", "gap");
        assertThat(m).containsEntry("candidates", 5L).containsEntry("pairs", 3L);
        assertThat(Json.MAPPER.writeValueAsString(new PairStatistics().toMap())).isEqualTo("{\"candidates\":0,"
                + "\"gap\":{\"max\":null,\"mean\":null,\"median\":null,\"min\":null},\"llmUnparsed\":0,"
                + "\"meanBartScore\":null,\"meanLlmScore\":null,\"outcomes\":{\"BART_BETTER\":0,\"BELOW_MARGIN\":0,"
                + "\"LLM_BETTER\":0,\"LLM_BETTER_NO_REVERSE\":0,\"LLM_BLANK\":0,\"SAME_TEXT\":0,\"TIE\":0},"
                + "\"pairs\":0,\"pairsWithUnparsedLlm\":0}");
    }

    @Test
    @DisplayName("decisions may be added from several threads")
    void threads() throws InterruptedException {
        PairStatistics s = new PairStatistics();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    s.add(DECISIONS.get(i % DECISIONS.size()));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(s.candidates()).isEqualTo(2000);
        assertThat(s.pairs()).isEqualTo(1200);
    }

    @Test
    @DisplayName("a null decision is refused")
    void nullDecision() {
        assertThatThrownBy(() -> new PairStatistics().add(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("decision must not be null");
    }
}
