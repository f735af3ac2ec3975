package org.tcmrx.examples;

/** The data formats {@code --format} accepts. */
enum DataFormat {
    /** SMGCN Set2Set, official split: train and test. */
    SMGCN,
    /** SMGCN Set2Set, SDPR split: train, valid and test. */
    SMGCN_SDPR,
    /** TCM-PD's named TSV with KDHR's names and 60/20/20 split. */
    TCMPD,
    /** The 88 PresRecRF lung cases with doses (one split, {@code all}). */
    LUNG,
    /** TCM-Rx's own JSONL, splits from the records' {@code split} fields. */
    JSONL
}
