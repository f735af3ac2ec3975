package org.tcmrx.nn;

import java.util.ArrayList;
import java.util.List;
import org.tcmrx.nn.internal.TrainerState;

/** Where a run stands; what a checkpoint's {@code trainer_state.json} holds. */
final class RunState {
    int globalStep;
    int epoch;
    int batchIndex;
    double lastLoss = Double.NaN;
    Double bestMetric;
    int bestStep = -1;
    int evaluationsWithoutImprovement;
    boolean stoppedEarly;
    boolean progressStarted;
    int lastCheckpointStep = -1;
    final List<Evaluation> history = new ArrayList<>();

    static RunState of(TrainerState s) {
        RunState r = new RunState();
        r.globalStep = s.globalStep();
        r.epoch = s.epoch();
        r.batchIndex = s.batchIndex();
        r.lastLoss = s.lastLoss() == null ? Double.NaN : s.lastLoss();
        r.bestMetric = s.bestMetric();
        r.bestStep = s.bestStep();
        r.evaluationsWithoutImprovement = s.evaluationsWithoutImprovement();
        r.lastCheckpointStep = s.globalStep();
        r.history.addAll(s.history());
        return r;
    }

    TrainerState toState(TrainingConfig config) {
        return new TrainerState(globalStep, epoch, batchIndex, Double.isNaN(lastLoss) ? null : lastLoss,
                bestMetric, bestStep, evaluationsWithoutImprovement, config.seed(), config.summary(), history);
    }
}
