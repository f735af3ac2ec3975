package org.tcmrx.bart;

/**
 * The order in which a prescription's herbs become the decoder's target sequence. A prescription is a set, but a
 * sequence model needs one order; a canonical order makes the targets deterministic and easier to learn.
 */
public enum HerbOrder {
    /**
     * Most frequent herb first, ties by name: the order of herb ids in a {@link HerbTokenizer} built from training
     * cases. The default: common herbs (甘草, 茯苓, ...) come early, where the decoder has the most context to spare.
     */
    FREQUENCY,
    /** The order the source wrote them in (classical formulas list the chief herb, 君, first). */
    AS_WRITTEN,
    /**
     * A fresh random order for every example in every epoch (seeded). The decoder then cannot rely on an order, and
     * its first-step distribution estimates how likely each herb is to belong to the prescription, which is what a
     * ranking needs.
     */
    RANDOM
}
