package org.tcmrx.nn.internal;

/** Derives independent seeds from a run's seed, so each epoch's order and each step's engine seed are reproducible. */
public final class Seeds {
    private Seeds() {}

    /**
     * Mixes a seed, a purpose and an index with SplitMix64's finalizer: nearby inputs give unrelated outputs.
     *
     * @param seed the run's seed
     * @param purpose a constant telling uses apart (data order, engine)
     * @param index the epoch or step
     * @return the derived seed
     */
    public static long derive(long seed, long purpose, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (purpose * 0x100000001L + index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
