package org.tcmrx.nn;

import java.time.Duration;
import java.util.List;

/**
 * How a training run ended.
 *
 * @param steps the optimizer steps done in all, counting those before a resume
 * @param epochs the epochs completed; a partial epoch (stopped by {@code maxSteps} or early stopping) does not count
 * @param finalTrainLoss the loss of the last step; NaN when no step ran
 * @param bestMetric the best value of the early-stopping metric; NaN without early stopping or evaluations
 * @param bestStep the step of {@code bestMetric}; -1 when there is none
 * @param stoppedEarly true when early stopping ended the run
 * @param history every evaluation, in order, counting those before a resume
 * @param wallTime the wall time of this call (not counting the time before a resume)
 */
public record TrainingResult(int steps, int epochs, double finalTrainLoss, double bestMetric, int bestStep,
        boolean stoppedEarly, List<Evaluation> history, Duration wallTime) {
    /**
     * Copies the history.
     *
     * @param steps the optimizer steps done in all
     * @param epochs the epochs completed
     * @param finalTrainLoss the loss of the last step
     * @param bestMetric the best value of the early-stopping metric
     * @param bestStep the step of {@code bestMetric}
     * @param stoppedEarly true when early stopping ended the run
     * @param history every evaluation, in order
     * @param wallTime the wall time of this call
     */
    public TrainingResult {
        history = List.copyOf(history);
    }
}
