package org.tcmrx.core;

/**
 * Which split of the SMGCN Set2Set data {@link SmgcnReader} reads. Both use the same 3,443 test records.
 */
public enum SmgcnSplit {
    /**
     * The split of the SMGCN repository: {@code train.txt} (22,917 records) and {@code test.txt} (3,443); no
     * validation split.
     */
    OFFICIAL,
    /**
     * The split shipped with the SDPR code (Yue et al., JBHI 2025), which carves a validation split out of
     * {@code train.txt}: {@code sdpr_split/train_id.txt} (21,755), {@code sdpr_split/valid_id.txt} (1,162) and
     * {@code test.txt} (3,443).
     */
    SDPR
}
