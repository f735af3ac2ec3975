package org.tcmrx.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a model module gives the {@link TrainingLoop}: its data in batches, its loss, its validation metrics and its
 * parameters. The loop knows nothing else about the model.
 *
 * <p>Memory: DJL puts the result of an operation in the manager of its first operand. During {@link #loss} and
 * {@link #evaluate(NDManager)} the loop temporarily moves every parameter of {@link #parameters()} into a per-step
 * scope, so any array computed from a parameter, or from an array created in {@code scope}, is freed when the step
 * ends. An array derived first from some other long-lived array (a dataset tensor, a cached table) lands in that
 * array's manager and lives on: create batch arrays in {@code scope}, or move such arrays into it ({@code
 * scope.tempAttachAll(...)}). For the same reason, a model must not cache arrays computed from parameters across
 * steps.
 *
 * @param <B> the batch type: plain Java data (token ids, labels), turned into arrays inside {@link #loss}
 */
public interface TrainingTask<B> {
    /**
     * Returns an epoch's batches in training order. The order must depend only on the epoch and {@code rng}, which
     * the loop derives from the seed and the epoch alone, so a resumed run sees exactly the batches a straight run
     * would.
     *
     * @param epoch the 0-based epoch
     * @param rng the epoch's random generator, for shuffling
     * @return the batches, at least one
     */
    List<B> batches(int epoch, Random rng);

    /**
     * Runs the forward pass of one batch and returns its mean loss. The loop calls it inside a gradient collector and
     * runs the backward pass on {@code loss / micro-batches per step}.
     *
     * @param batch the batch
     * @param scope the step's manager: create the batch's arrays here; it is closed after the step
     * @return a float32 scalar
     */
    NDArray loss(B batch, NDManager scope);

    /**
     * Computes validation metrics with the current parameters (no gradients are recorded). The default has none.
     *
     * @return the metrics by name, e.g. {@code eval_loss}
     */
    default Map<String, Double> evaluate() {
        return Map.of();
    }

    /**
     * What the loop calls to evaluate: {@link #evaluate()} with a scope for the arrays it creates. Override this
     * one instead of {@link #evaluate()} to create input arrays in the scope; the default ignores it.
     *
     * @param scope a manager closed after the evaluation; the parameters are temporarily attached to it
     * @return the metrics by name
     */
    default Map<String, Double> evaluate(NDManager scope) {
        return evaluate();
    }

    /**
     * Returns the model's parameters; the trainable ones are trained.
     *
     * @return the store, the same on every call
     */
    ParameterStore parameters();

    /**
     * Returns what the task measured during the step that just ended, and forgets it: the loop calls this once after
     * every optimizer step (also a skipped one) and passes the result on in {@link StepMetrics#metrics()}, so a task
     * can log per-step numbers beside the loss (a preference trainer's rewards, say), typically averaged over the
     * step's {@link #loss} calls. The default measures nothing.
     *
     * @return the metrics by name, in the order to log them; not null
     */
    default Map<String, Double> stepMetrics() {
        return Map.of();
    }

    /**
     * Returns how many examples a batch holds, for throughput logs.
     *
     * @param batch the batch
     * @return the count, or 0 when not reported (the default)
     */
    default long examples(B batch) {
        return 0;
    }

    /**
     * Returns how many tokens a batch holds, for throughput logs.
     *
     * @param batch the batch
     * @return the count, or 0 when not reported (the default)
     */
    default long tokens(B batch) {
        return 0;
    }
}
