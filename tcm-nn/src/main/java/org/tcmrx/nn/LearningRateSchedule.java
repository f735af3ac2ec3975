package org.tcmrx.nn;

/**
 * The learning rate of every optimizer step, as Hugging Face {@code transformers}' schedulers compute it: {@code
 * at(step)} is the rate of the update that follows {@code step} finished updates, so the first update uses {@code
 * at(0)} (which is 0 during a warmup, exactly as with {@code get_linear_schedule_with_warmup}, whose {@code
 * LambdaLR} starts at {@code lr_lambda(0)} and is stepped after each optimizer step).
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * Returns the learning rate of an update.
     *
     * @param step the number of updates already done, from 0
     * @return the learning rate, at least 0
     * @throws IllegalArgumentException when {@code step} is negative
     */
    double at(int step);

    /**
     * The same rate at every step ({@code get_constant_schedule}).
     *
     * @param lr the learning rate
     * @return the schedule
     * @throws IllegalArgumentException when {@code lr} is negative or not finite
     */
    static LearningRateSchedule constant(double lr) {
        return new Schedules.Constant(lr);
    }

    /**
     * Linear warmup from 0 to {@code peak} over {@code warmupSteps}, then {@code peak} at every step
     * ({@code get_constant_schedule_with_warmup}).
     *
     * @param peak the learning rate after the warmup
     * @param warmupSteps the warmup's length, at least 0
     * @return the schedule
     * @throws IllegalArgumentException naming the first invalid argument
     */
    static LearningRateSchedule constantWithWarmup(double peak, int warmupSteps) {
        return new Schedules.ConstantWithWarmup(peak, warmupSteps);
    }

    /**
     * Linear warmup from 0 to {@code peak} over {@code warmupSteps}, then linear decay to 0 at {@code totalSteps}
     * ({@code get_linear_schedule_with_warmup}).
     *
     * @param peak the learning rate at the end of the warmup
     * @param warmupSteps the warmup's length, at least 0
     * @param totalSteps the number of training steps, at least 1 and at least {@code warmupSteps}
     * @return the schedule
     * @throws IllegalArgumentException naming the first invalid argument
     */
    static LearningRateSchedule linearWithWarmup(double peak, int warmupSteps, int totalSteps) {
        return new Schedules.Linear(peak, warmupSteps, totalSteps);
    }

    /**
     * Linear warmup, then half a cosine wave from {@code peak} down to 0 at {@code totalSteps}
     * ({@code get_cosine_schedule_with_warmup} with {@code num_cycles=0.5}).
     *
     * @param peak the learning rate at the end of the warmup
     * @param warmupSteps the warmup's length, at least 0
     * @param totalSteps the number of training steps, at least 1 and at least {@code warmupSteps}
     * @return the schedule
     * @throws IllegalArgumentException naming the first invalid argument
     */
    static LearningRateSchedule cosineWithWarmup(double peak, int warmupSteps, int totalSteps) {
        return cosineWithWarmup(peak, warmupSteps, totalSteps, 0.5);
    }

    /**
     * Linear warmup, then a cosine of {@code numCycles} waves ({@code get_cosine_schedule_with_warmup}); the factor
     * is clamped at 0 as in {@code transformers}.
     *
     * @param peak the learning rate at the end of the warmup
     * @param warmupSteps the warmup's length, at least 0
     * @param totalSteps the number of training steps, at least 1 and at least {@code warmupSteps}
     * @param numCycles the number of cosine waves after the warmup; 0.5 decays from the peak to 0 once
     * @return the schedule
     * @throws IllegalArgumentException naming the first invalid argument
     */
    static LearningRateSchedule cosineWithWarmup(double peak, int warmupSteps, int totalSteps, double numCycles) {
        return new Schedules.Cosine(peak, warmupSteps, totalSteps, numCycles);
    }
}
