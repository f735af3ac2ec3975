package org.tcmrx.distill;

/** How the herbs a teacher recommends must match the record's herbs, after normalization. */
public enum HerbMatch {
    /** The same set: no herb missing, none added. The default, as the paper keeps the record's prescription. */
    EXACT,
    /** No herb added; some may be missing (at least one herb). */
    SUBSET,
    /** No herb added, and at least {@code ValidationConfig.minCoverage()} of the record's herbs recommended. */
    COVERAGE
}
