package org.tcmrx.nn.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.tcmrx.nn.Evaluation;

/**
 * The {@code trainer_state.json} of a checkpoint: where training stands, so a resumed run continues exactly where the
 * checkpoint was taken. Field names follow Hugging Face's {@code trainer_state.json} where it has one.
 *
 * @param globalStep the optimizer steps done
 * @param epoch the 0-based epoch in progress
 * @param batchIndex the next micro-batch of that epoch, 0-based
 * @param lastLoss the loss of the last step, or null before the first or after a skipped step
 * @param bestMetric the best early-stopping metric so far, or null
 * @param bestStep the step of {@code bestMetric}, or -1
 * @param evaluationsWithoutImprovement evaluations since the last improvement
 * @param seed the run's seed
 * @param config the {@code TrainingConfig} summary
 * @param history every evaluation so far
 */
public record TrainerState(
        @JsonProperty("global_step") int globalStep,
        @JsonProperty("epoch") int epoch,
        @JsonProperty("batch_index") int batchIndex,
        @JsonProperty("last_loss") Double lastLoss,
        @JsonProperty("best_metric") Double bestMetric,
        @JsonProperty("best_step") int bestStep,
        @JsonProperty("evaluations_without_improvement") int evaluationsWithoutImprovement,
        @JsonProperty("seed") long seed,
        @JsonProperty("config") Map<String, String> config,
        @JsonProperty("log_history") List<Evaluation> history) {
    /**
     * Copies the collections.
     *
     * @param globalStep the optimizer steps done
     * @param epoch the 0-based epoch in progress
     * @param batchIndex the next micro-batch of that epoch
     * @param lastLoss the loss of the last step, or null
     * @param bestMetric the best early-stopping metric so far, or null
     * @param bestStep the step of {@code bestMetric}, or -1
     * @param evaluationsWithoutImprovement evaluations since the last improvement
     * @param seed the run's seed
     * @param config the config summary
     * @param history every evaluation so far
     */
    public TrainerState {
        config = Map.copyOf(config == null ? Map.of() : config);
        history = List.copyOf(history == null ? List.of() : history);
    }
}
