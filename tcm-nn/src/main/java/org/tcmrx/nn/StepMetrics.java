package org.tcmrx.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param metrics what the task measured during the step ({@link TrainingTask#stepMetrics()}), by name, in the task's
 *     order; empty when it measures nothing
 */
public record StepMetrics(int step, int epoch, double loss, double learningRate, double gradNorm, long millis,
        long examples, long tokens, boolean skipped, Map<String, Double> metrics) {
    /**
     * Copies the task's metrics, keeping their order.
     *
     * @param step the step
     * @param epoch the epoch
     * @param loss the mean loss
     * @param learningRate the learning rate
     * @param gradNorm the gradient norm
     * @param millis the wall time
     * @param examples the examples
     * @param tokens the tokens
     * @param skipped whether the update was skipped
     * @param metrics the task's metrics
     * @throws IllegalArgumentException when {@code metrics} is null or holds a null name or value
     */
    public StepMetrics {
        if (metrics == null) {
            throw new IllegalArgumentException("metrics must not be null");
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        metrics.forEach((name, value) -> {
            if (name == null || value == null) {
                throw new IllegalArgumentException("metrics must not hold a null name or value");
            }
            copy.put(name, value);
        });
        metrics = Collections.unmodifiableMap(copy);
    }

    /**
     * Creates the record of a step for which the task measured nothing more.
     *
     * @param step the 1-based optimizer step
     * @param epoch the 0-based epoch
     * @param loss the mean loss of its micro-batches
     * @param learningRate the learning rate
     * @param gradNorm the global gradient norm before clipping
     * @param millis the wall time in milliseconds
     * @param examples the examples of its micro-batches
     * @param tokens the tokens of its micro-batches
     * @param skipped true when the update was skipped
     */
    public StepMetrics(int step, int epoch, double loss, double learningRate, double gradNorm, long millis,
            long examples, long tokens, boolean skipped) {
        this(step, epoch, loss, learningRate, gradNorm, millis, examples, tokens, skipped, Map.of());
    }
}
