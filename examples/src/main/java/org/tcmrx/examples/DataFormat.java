package org.tcmrx.examples;

import java.util.Locale;

/** The data formats {@code --format} accepts. */
enum DataFormat {
    /** SMGCN Set2Set, official split: train and test. */
    SMGCN,
    /** SMGCN Set2Set, SDPR split: train, valid and test. */
    SMGCN_SDPR,
    /** TCM-PD's named TSV with Yao's names and split (train and test). */
    TCMPD,
    /** The 88 PresRecRF lung cases with doses (one split, {@code all}). */
    LUNG,
    /** TCM-Rx's own JSONL, splits from the records' {@code split} fields. */
    JSONL;

    /** The name on the command line, e.g. {@code smgcn-sdpr}. */
    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a command-line label.
     *
     * @throws IllegalArgumentException naming the valid labels
     */
    static DataFormat parse(String text) {
        for (DataFormat f : values()) {
            if (f.label().equalsIgnoreCase(text.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + text + "'; valid formats: "
                + String.join(", ", java.util.Arrays.stream(values()).map(DataFormat::label).toList()));
    }

    @Override
    public String toString() {
        return label();
    }
}
