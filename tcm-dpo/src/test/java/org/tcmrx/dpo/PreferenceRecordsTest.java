package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.dpo.PairFixtures.PROMPT;
import static org.tcmrx.dpo.PairFixtures.RECORD;
import static org.tcmrx.dpo.PairFixtures.answer;
import static org.tcmrx.dpo.PairFixtures.herbs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.Query;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.dpo.PairDecision.Outcome;
import org.tcmrx.lora.ChatMessage;
import org.tcmrx.lora.LlmHerbRanker;

@DisplayName("PreferenceCandidate, PreferencePair and PairDecision")
class PreferenceRecordsTest {
    private static final Query QUERY = RECORD.query();

    @Nested
    @DisplayName("PreferenceCandidate")
    class Candidate {
        @Test
        @DisplayName("of() reads, normalizes and de-duplicates the LLM's herbs, and takes id, truth and query")
        void of() {
            String response = "症状分析：风寒。\n处方推荐：麻黄（9g）、甘草(炙)、麻黄、ｇ生姜\n处方解释：发汗。";
            PreferenceCandidate c = PairFixtures.candidate(response, "麻黄", "甘草");
            assertThat(c.id()).isEqualTo("case-1");
            assertThat(c.prompt()).isEqualTo(PROMPT);
            assertThat(c.truth()).isEqualTo(RECORD.herbs());
            assertThat(c.llmResponse()).isEqualTo(response);
            assertThat(c.llmParsed()).isTrue();
            assertThat(c.llmHerbs()).isEqualTo(herbs("麻黄", "炙甘草", "g生姜"));
            assertThat(c.bartHerbs()).isEqualTo(herbs("麻黄", "甘草"));
            assertThat(c.query()).isEqualTo(QUERY);
        }

        @Test
        @DisplayName("a response without the three sections is unparsed and has no herbs")
        void unparsed() {
            PreferenceCandidate c = PairFixtures.candidate("麻黄、桂枝", "麻黄");
            assertThat(c.llmParsed()).isFalse();
            assertThat(c.llmHerbs()).isEmpty();
        }

        @Test
        @DisplayName("of() an LlmHerbRanker answer: its user prompt and text")
        void ofAnswer() {
            String text = answer("麻黄", "杏仁");
            LlmHerbRanker.Answer a = new LlmHerbRanker.Answer("问诊", text, ThreeSectionAnswer.parse(text),
                    herbs("麻黄"), herbs("杏仁"));
            PreferenceCandidate c = PreferenceCandidate.of(RECORD, a, herbs("桂枝"), HerbNormalizer.standard());
            assertThat(c.prompt()).containsExactly(ChatMessage.user("问诊"));
            assertThat(c.llmResponse()).isEqualTo(text);
            assertThat(c.llmHerbs()).as("herbs outside the vocabulary are misses, kept").isEqualTo(
                    herbs("麻黄", "杏仁"));
        }

        @Test
        @DisplayName("lists are copied")
        void copies() {
            List<org.tcmrx.core.Herb> bart = new ArrayList<>(herbs("麻黄"));
            PreferenceCandidate c = new PreferenceCandidate("x", PROMPT, herbs("麻黄"), "", List.of(), false, bart,
                    QUERY);
            bart.add(org.tcmrx.core.Herb.of("桂枝"));
            assertThat(c.bartHerbs()).isEqualTo(herbs("麻黄"));
        }

        @Test
        @DisplayName("invalid values are refused, naming the field")
        void invalid() {
            fails(() -> new PreferenceCandidate(" ", PROMPT, herbs("麻黄"), "", List.of(), false, herbs("麻黄"), QUERY),
                    "id must not be blank");
            fails(() -> new PreferenceCandidate("x", List.of(), herbs("麻黄"), "", List.of(), false, herbs("麻黄"),
                    QUERY), "prompt must not be empty");
            fails(() -> new PreferenceCandidate("x", List.of(ChatMessage.user("a"), ChatMessage.assistant("b")),
                    herbs("麻黄"), "", List.of(), false, herbs("麻黄"), QUERY),
                    "prompt must not end with an assistant message: the prompt is the conversation before the answer");
            fails(() -> new PreferenceCandidate("x", PROMPT, List.of(), "", List.of(), false, herbs("麻黄"), QUERY),
                    "truth must not be empty");
            fails(() -> new PreferenceCandidate("x", PROMPT, herbs("麻黄"), null, List.of(), false, herbs("麻黄"),
                    QUERY), "llmResponse must not be null");
            fails(() -> new PreferenceCandidate("x", PROMPT, herbs("麻黄"), "", herbs("麻黄"), false, herbs("麻黄"),
                    QUERY), "llmHerbs must be empty when the response did not parse, got [麻黄]");
            fails(() -> new PreferenceCandidate("x", PROMPT, herbs("麻黄"), "", List.of(), false, List.of(), QUERY),
                    "bartHerbs must not be empty");
            fails(() -> new PreferenceCandidate("x", PROMPT, herbs("麻黄"), "", List.of(), false,
                    herbs("麻黄", "麻黄"), QUERY), "bartHerbs contains 麻黄 twice");
            fails(() -> new PreferenceCandidate("x", PROMPT, herbs("麻黄"), "", List.of(), false, herbs("麻黄"), null),
                    "query must not be null");
        }
    }

    @Nested
    @DisplayName("PreferencePair")
    class Pair {
        @Test
        @DisplayName("copies the prompt and sorts the metadata; the gap is chosen minus rejected")
        void copies() {
            Map<String, String> metadata = new HashMap<>(Map.of("writer", "knowledge", "metric", "f1"));
            List<ChatMessage> prompt = new ArrayList<>(PROMPT);
            PreferencePair p = new PreferencePair("x", prompt, "a", "b", 0.75, 0.25, PreferencePair.LLM, metadata);
            prompt.add(ChatMessage.user("more"));
            metadata.put("margin", "0.1");
            assertThat(p.prompt()).isEqualTo(PROMPT);
            assertThat(p.metadata()).containsExactly(Map.entry("metric", "f1"), Map.entry("writer", "knowledge"));
            assertThat(p.scoreGap()).isEqualTo(0.5);
        }

        @Test
        @DisplayName("invalid values are refused, naming the field")
        void invalid() {
            Map<String, String> m = Map.of();
            fails(() -> new PreferencePair("x", PROMPT, " ", "b", 1, 0, "bart", m), "chosen must not be blank");
            fails(() -> new PreferencePair("x", PROMPT, "a", null, 1, 0, "bart", m), "rejected must not be null");
            fails(() -> new PreferencePair("x", PROMPT, "a", "a", 1, 0, "bart", m), "chosen and rejected must differ");
            fails(() -> new PreferencePair("x", List.of(ChatMessage.assistant("a")), "a", "b", 1, 0, "bart", m),
                    "prompt must not end with an assistant message: the prompt is the conversation before the answer");
            fails(() -> new PreferencePair("x", PROMPT, "a", "b", Double.NaN, 0, "bart", m),
                    "chosenScore must be finite, got NaN");
            fails(() -> new PreferencePair("x", PROMPT, "a", "b", 1, 0, "gpt", m),
                    "chosenSource: unsupported value 'gpt'; supported: bart, llm");
            Map<String, String> withNull = new HashMap<>();
            withNull.put("k", null);
            fails(() -> new PreferencePair("x", PROMPT, "a", "b", 1, 0, "bart", withNull),
                    "metadata must not hold null keys or values, got {k=null}");
        }
    }

    @Nested
    @DisplayName("PairDecision")
    class Decision {
        @Test
        @DisplayName("only BART_BETTER and LLM_BETTER make pairs")
        void makesPair() {
            assertThat(List.of(Outcome.values())).filteredOn(Outcome::makesPair)
                    .containsExactly(Outcome.BART_BETTER, Outcome.LLM_BETTER);
        }

        @Test
        @DisplayName("the pair is there exactly when the outcome makes one, and is of the same record")
        void pairMatchesOutcome() {
            PreferencePair p = PairFixtures.pair("a", "b", 1, 0.5);
            PairDecision d = new PairDecision("case-1", Outcome.BART_BETTER, 1, 0.5, true, p);
            assertThat(d.gap()).isEqualTo(0.5);
            fails(() -> new PairDecision("case-1", Outcome.BART_BETTER, 1, 0.5, true, null),
                    "outcome BART_BETTER needs a pair");
            fails(() -> new PairDecision("case-1", Outcome.TIE, 1, 1, true, p), "outcome TIE comes without a pair");
            fails(() -> new PairDecision("case-2", Outcome.BART_BETTER, 1, 0.5, true, p),
                    "pairOrNull is of record 'case-1', not 'case-2'");
            fails(() -> new PairDecision("case-1", Outcome.TIE, Double.POSITIVE_INFINITY, 1, true, null),
                    "scores must be finite, got bartScore Infinity and llmScore 1.0");
        }
    }

    private static void fails(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
