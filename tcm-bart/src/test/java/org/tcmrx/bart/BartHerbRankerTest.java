package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
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
}
