package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.nn.LearningRateSchedule;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingConfig;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.TrainingLoop;

@DisplayName("BART training memory")
class BartHerbTaskMemoryTest {
    @Test
    @DisplayName("native arrays alive under the parameters' manager stay constant over 60 steps with evaluations")
    void noLeak(@TempDir Path dir) throws IOException {
        List<ClinicalCase> train = EmbeddedCorpus.load().split(Dataset.TRAIN);
        List<ClinicalCase> valid = EmbeddedCorpus.load().split(Dataset.VALID).subList(0, 5);
        HerbTokenizer tokenizer = HerbTokenizer.fit(train, HerbOrder.RANDOM, true);
        BartConfig config = BartHerbTrainingConfig.builder().optSize(32, 1, 4, 64).build()
                .modelConfig(tokenizer.size());
        try (BartModel model = BartModel.init(config, 3, Device.cpu()); ParameterStore store = new ParameterStore()) {
            model.parameters().forEach(store::add);
            BartHerbTask task = new BartHerbTask(model, tokenizer, train, valid, 16, 0.1f, 0.5f, HerbScoring.FIRST_STEP,
                    store);
            NDManager base = store.manager();
            List<Integer> alive = new ArrayList<>();
            TrainingListener counter = new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    alive.add(((BaseNDManager) base).getManagedArrays().size());
                }
            };
            new TrainingLoop<HerbBatch>(TrainingConfig.builder().setEpochs(6)
                    .setSchedule(LearningRateSchedule.constant(1e-3)).setSeed(1).optEvalEverySteps(20)
                    .optCheckpointDir(dir).addListener(counter).build()).train(task);
            assertThat(alive).hasSizeGreaterThan(60);
            // After the first step the AdamW moments exist; from then on nothing may accumulate.
            assertThat(alive.subList(1, alive.size())).containsOnly(alive.get(1));
        }
    }
}
