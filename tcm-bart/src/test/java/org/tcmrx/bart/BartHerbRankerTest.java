package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;

@DisplayName("BartHerbRanker")
class BartHerbRankerTest {
    @Test
    @DisplayName("every scoring gives finite scores, only herbs, no herb twice, on every query")
    void finiteScores() {
        List<ClinicalCase> train = EmbeddedCorpus.load().split(Dataset.TRAIN);
        HerbTokenizer tokenizer = HerbTokenizer.fit(train, HerbOrder.RANDOM, true);
        BartConfig config = BartHerbTrainingConfig.builder().optSize(32, 1, 4, 64).build()
                .modelConfig(tokenizer.size());
        try (BartHerbRanker first = BartHerbRanker.of(BartModel.init(config, 7, Device.cpu()), tokenizer,
                HerbScoring.FIRST_STEP)) {
            BartHerbRanker greedy = BartHerbRanker.view(first.model(), tokenizer, HerbScoring.GREEDY);
            BartHerbRanker beam = BartHerbRanker.view(first.model(), tokenizer, HerbScoring.BEAM);
            try {
                List<ClinicalCase> test = EmbeddedCorpus.load().split(Dataset.TEST);
                for (int i = 0; i < test.size(); i++) {
                    ClinicalCase c = test.get(i);
                    // Beam search is the slow one; a third of the queries is enough for it.
                    for (BartHerbRanker r : i % 3 == 0 ? List.of(first, greedy, beam) : List.of(first, greedy)) {
                        Ranking ranking = r.rank(c.query(), 12);
                        assertThat(ranking.size()).isEqualTo(12);
                        assertThat(ranking.entries()).extracting(ScoredHerb::score)
                                .allSatisfy(s -> assertThat(s).isFinite());
                    }
                }
            } finally {
                greedy.close();
                beam.close();
            }
        }
    }

    @Test
    @DisplayName("prescribe: greedy herbs until EOS, at least one, at most maxHerbs, none twice, first as GREEDY's top")
    void prescribe() {
        List<ClinicalCase> train = EmbeddedCorpus.load().split(Dataset.TRAIN);
        HerbTokenizer tokenizer = HerbTokenizer.fit(train, HerbOrder.RANDOM, true);
        BartConfig config = BartHerbTrainingConfig.builder().optSize(32, 1, 4, 64).build()
                .modelConfig(tokenizer.size());
        int herbCount = tokenizer.size() - tokenizer.herbStart();
        try (BartHerbRanker greedy = BartHerbRanker.of(BartModel.init(config, 7, Device.cpu()), tokenizer,
                HerbScoring.GREEDY)) {
            List<ClinicalCase> test = EmbeddedCorpus.load().split(Dataset.TEST);
            for (ClinicalCase c : test.subList(0, Math.min(6, test.size()))) {
                Herb top = greedy.rank(c.query(), 1).herbs().get(0);
                for (int max : List.of(1, 3, 8)) {
                    List<Herb> herbs = greedy.prescribe(c.query(), max);
                    assertThat(herbs).hasSizeBetween(1, max).doesNotHaveDuplicates();
                    assertThat(herbs.get(0)).isEqualTo(top);
                    // Until EOS the choice is GREEDY's: the largest herb logit among those not yet written.
                    assertThat(greedy.rank(c.query(), max).herbs()).startsWith(herbs.toArray(Herb[]::new));
                    assertThat(herbs).allSatisfy(h -> assertThat(tokenizer.herbId(h)).isGreaterThanOrEqualTo(
                            tokenizer.herbStart()));
                }
                assertThat(greedy.prescribe(c.query(), 1)).containsExactly(top);
                assertThat(greedy.prescribe(c.query(), 8)).as("greedy, so the same")
                        .isEqualTo(greedy.prescribe(c.query(), 8));
            }
            List<Herb> all = greedy.prescribe(test.get(0).query(), herbCount + 5);
            assertThat(all).hasSizeLessThanOrEqualTo(herbCount).doesNotHaveDuplicates();
            assertThatThrownBy(() -> greedy.prescribe(test.get(0).query(), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("maxHerbs must be at least 1, got 0");
            assertThatThrownBy(() -> greedy.prescribe(null, 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("query must not be null");
        }
        // A bias that makes EOS the likeliest token everywhere: it may not end the first step, and ends the second.
        try (BartHerbRanker stopping = BartHerbRanker.of(BartModel.init(config, 7, Device.cpu()), tokenizer,
                HerbScoring.GREEDY)) {
            stopping.model().parameters().get(BartModel.FINAL_LOGITS_BIAS)
                    .set(new NDIndex(0, config.eosTokenId()), 100f);
            ClinicalCase c = EmbeddedCorpus.load().split(Dataset.TEST).get(0);
            assertThat(stopping.prescribe(c.query(), 8)).containsExactly(stopping.rank(c.query(), 1).herbs().get(0));
        }
    }
}
