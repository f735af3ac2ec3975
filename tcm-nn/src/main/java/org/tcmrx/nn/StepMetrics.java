package org.tcmrx.nn;

/**
 * What one optimizer step did, as Hugging Face's Trainer logs it.
 *
 * @param step the 1-based optimizer step ({@code global_step} after it)
 * @param epoch the 0-based epoch it belongs to
 * @param loss the mean loss of its micro-batches; NaN for a step skipped because the loss was not finite
 * @param learningRate the learning rate it used ({@code learning_rate})
 * @param gradNorm the global gradient norm before clipping ({@code grad_norm}); NaN when not computed
 * @param millis the wall time of the step in milliseconds, forward, backward and update
 * @param examples the examples of its micro-batches, as the task reports them; 0 when it does not
 * @param tokens the tokens of its micro-batches, as the task reports them; 0 when it does not
 * @param skipped true when a non-finite loss or gradient made the loop skip the update
 */
public record StepMetrics(int step, int epoch, double loss, double learningRate, double gradNorm, long millis,
        long examples, long tokens, boolean skipped) {}
