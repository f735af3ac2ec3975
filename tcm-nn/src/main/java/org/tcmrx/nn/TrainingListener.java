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
     * Called while a checkpoint folder is being written, before it is renamed into place: what the listener writes
     * into {@code folder} becomes part of the checkpoint atomically with it (a PEFT adapter's files, say), so a crash
     * never leaves a checkpoint without them. The names of the loop's own files are taken.
     *
     * @param step the optimizer steps it holds
     * @param folder the hidden temporary folder that becomes the checkpoint
     * @throws IOException to abort training; the checkpoint is then not written
     */
    default void onCheckpointWriting(int step, Path folder) throws IOException {}

    /**
     * Called after a checkpoint folder is complete.
     *
     * @param step the optimizer steps it holds
     * @param folder the folder ({@code checkpoint-<step>} or {@code best})
     * @throws IOException to abort training
     */
    default void onCheckpoint(int step, Path folder) throws IOException {}

    /**
     * Called once when a run resumes from a checkpoint, before its first step. The steps after the checkpoint's are
     * about to run again (a crashed run may have done some of them already): a listener that keeps a record of the
     * run, such as a log, drops what it holds of them here so that they are not recorded twice.
     *
     * @param step the optimizer steps the checkpoint holds
     * @param checkpoint the checkpoint folder
     * @throws IOException to abort the resumed run
     */
    default void onResume(int step, Path checkpoint) throws IOException {}

    /**
     * Called once when training ends normally.
     *
     * @param result the result
     * @throws IOException to report a failure
     */
    default void onEnd(TrainingResult result) throws IOException {}
}
