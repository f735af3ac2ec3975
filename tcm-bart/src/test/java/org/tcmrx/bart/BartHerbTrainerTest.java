package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Ranking;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.Metric;
import org.tcmrx.eval.RankerEvaluator;
import org.tcmrx.eval.TopPopRanker;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingListener;

/** Trains a tiny BART on the embedded corpus: seconds on a CPU. */
@DisplayName("BartHerbTrainer on the embedded corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BartHerbTrainerTest {
    private final Dataset corpus = EmbeddedCorpus.load();
    private final List<Double> losses = new ArrayList<>();
    private BartHerbTrainer.Trained trained;

    @BeforeAll
    void train(@TempDir Path work) throws IOException {
        // A tiny model on 164 records learns fastest with a high rate and no dropout.
        BartHerbTrainingConfig config = BartHerbTrainingConfig.builder().optSize(64, 1, 4, 128).optEpochs(25)
                .optBatchSize(16).optOptimizer(1e-3, 0.05, 0.01).optDropout(0).build();
        TrainingListener record = new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                losses.add(m.loss());
            }
        };
        trained = BartHerbTrainer.train(corpus, config, work, Progress.NONE, List.of(record));
    }

    @AfterAll
    void close() {
        if (trained != null) {
            trained.ranker().close();
        }
    }

    @Test
    @DisplayName("the training loss falls")
    void lossFalls() {
        double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 5, losses.size()).stream().mapToDouble(Double::doubleValue)
                .average().orElseThrow();
        // Random herb order keeps an irreducible share of the loss (the order itself), so the bar is modest.
        assertThat(last).isLessThan(first * 0.8);
    }

    @Test
    @DisplayName("the ranker beats TopPop on the test split")
    void beatsTopPop() {
        CaseSet test = corpus.split(Dataset.TEST);
        RankerEvaluator evaluator = RankerEvaluator.builder().optKs(5, 10).optThreads(1).build();
        EvaluationResult bart = evaluator.evaluate(trained.ranker(), test);
        EvaluationResult top = evaluator.evaluate(TopPopRanker.fit(corpus.split(Dataset.TRAIN)), test);
        assertThat(bart.value(Metric.PRECISION, 5)).isGreaterThan(top.value(Metric.PRECISION, 5));
    }

    @Test
    @DisplayName("the provenance names the data set and its files")
    void provenance() {
        assertThat(trained.provenance().parameters()).containsEntry("data", corpus.name())
                .containsEntry("resumed_from", "-");
        assertThat(trained.provenance().data()).isEqualTo(corpus.sources()).isNotEmpty();
    }

    @Test
    @DisplayName("rankings hold only herbs, each once, and survive save and load")
    void saveLoad(@TempDir Path dir) throws IOException {
        ClinicalCase c = corpus.split(Dataset.TEST).get(0);
        Ranking before = trained.ranker().rank(c.query(), 20);
        assertThat(before.size()).isEqualTo(20);
        trained.ranker().save(dir, trained.provenance());
        try (BartHerbRanker loaded = BartHerbRanker.load(dir, HerbScoring.FIRST_STEP, Device.cpu())) {
            Ranking after = loaded.rank(c.query(), 20);
            assertThat(after.herbs()).isEqualTo(before.herbs());
        }
    }

    @Test
    @DisplayName("resuming needs a checkpoint")
    void resumeNeedsCheckpoint() {
        assertThatThrownBy(() -> BartHerbTrainer.resume(corpus, BartHerbTrainingConfig.defaults(), null,
                Progress.NONE, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint must not be null");
    }
}
