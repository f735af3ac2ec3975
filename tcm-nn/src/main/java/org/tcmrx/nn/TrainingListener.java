package org.tcmrx.nn;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Receives what the training loop does, as minGPT's trainer callbacks: the loop itself never prints. Every method
 * does nothing by default; listeners run on the training thread, in the order they were added.
 */
public interface TrainingListener {
    /**
     * Called after every optimizer step.
     *
     * @param metrics what the step did
     * @throws IOException to abort training
     */
    default void onStep(StepMetrics metrics) throws IOException {}

    /**
     * Called after every evaluation.
     *
     * @param evaluation the metrics
     * @throws IOException to abort training
     */
    default void onEvaluation(Evaluation evaluation) throws IOException {}

    /**
     * Called after a checkpoint folder is complete.
     *
     * @param step the optimizer steps it holds
     * @param folder the folder ({@code checkpoint-<step>} or {@code best})
     * @throws IOException to abort training
     */
    default void onCheckpoint(int step, Path folder) throws IOException {}

    /**
     * Called once when training ends normally.
     *
     * @param result the result
     * @throws IOException to report a failure
     */
    default void onEnd(TrainingResult result) throws IOException {}
}
