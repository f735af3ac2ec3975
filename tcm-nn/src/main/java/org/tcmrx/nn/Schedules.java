package org.tcmrx.nn;

/** The schedules of {@link LearningRateSchedule}, with {@code transformers}' formulas and names. */
final class Schedules {
    private Schedules() {}

    private static void requireRate(double lr, String what) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(what + " must be finite and at least 0, got " + lr);
        }
    }

    private static void requireSteps(int warmupSteps, int totalSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be at least 0, got " + warmupSteps);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        if (totalSteps < warmupSteps) {
            throw new IllegalArgumentException("totalSteps (" + totalSteps + ") must be at least warmupSteps ("
                    + warmupSteps + ")");
        }
    }

    private static void requireStep(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be at least 0, got " + step);
        }
    }

    /** {@code step / max(1, warmup)}, the warmup factor of both schedules. */
    private static double warmup(int step, int warmupSteps) {
        return (double) step / Math.max(1, warmupSteps);
    }

    record Constant(double lr) implements LearningRateSchedule {
        Constant {
            requireRate(lr, "lr");
        }

        @Override
        public double at(int step) {
            requireStep(step);
            return lr;
        }

        @Override
        public String toString() {
            return "constant(lr=" + lr + ")";
        }
    }

    record ConstantWithWarmup(double peak, int warmupSteps) implements LearningRateSchedule {
        ConstantWithWarmup {
            requireRate(peak, "peak");
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warmupSteps must be at least 0, got " + warmupSteps);
            }
        }

        @Override
        public double at(int step) {
            requireStep(step);
            return step < warmupSteps ? peak * warmup(step, warmupSteps) : peak;
        }

        @Override
        public String toString() {
            return "constant_with_warmup(peak=" + peak + ", warmup_steps=" + warmupSteps + ")";
        }
    }

    record Linear(double peak, int warmupSteps, int totalSteps) implements LearningRateSchedule {
        Linear {
            requireRate(peak, "peak");
            requireSteps(warmupSteps, totalSteps);
        }

        @Override
        public double at(int step) {
            requireStep(step);
            if (step < warmupSteps) {
                return peak * warmup(step, warmupSteps);
            }
            return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
        }

        @Override
        public String toString() {
            return "linear_with_warmup(peak=" + peak + ", warmup_steps=" + warmupSteps + ", total_steps=" + totalSteps
                    + ")";
        }
    }

    record Cosine(double peak, int warmupSteps, int totalSteps, double numCycles) implements LearningRateSchedule {
        Cosine {
            requireRate(peak, "peak");
            requireSteps(warmupSteps, totalSteps);
            if (!(numCycles > 0) || Double.isInfinite(numCycles)) {
                throw new IllegalArgumentException("numCycles must be finite and positive, got " + numCycles);
            }
        }

        @Override
        public double at(int step) {
            requireStep(step);
            if (step < warmupSteps) {
                return peak * warmup(step, warmupSteps);
            }
            double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
            return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress)));
        }

        @Override
        public String toString() {
            return "cosine_with_warmup(peak=" + peak + ", warmup_steps=" + warmupSteps + ", total_steps=" + totalSteps
                    + ", num_cycles=" + numCycles + ")";
        }
    }
}
