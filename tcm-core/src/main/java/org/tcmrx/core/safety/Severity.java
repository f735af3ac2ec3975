package org.tcmrx.core.safety;

/** How serious a finding is, from least to most; compare with {@link #compareTo}. */
public enum Severity {
    /** Use with caution (慎用). */
    CAUTION,
    /** Outside the usual range, e.g. a dose above the upper limit; needs a clinician's reason. */
    WARNING,
    /** Not to be combined or used (不宜同用, 禁用). */
    CONTRAINDICATED
}
