package org.tcmrx.core.safety;

/** The kinds of safety rule, each with the Chinese name used in reports. */
public enum RuleKind {
    /** 十八反: pairs that must not be combined, from the eighteen incompatibilities. */
    EIGHTEEN_INCOMPATIBILITIES("十八反", true),
    /** 十九畏: pairs that should not be combined, from the nineteen antagonisms. */
    NINETEEN_ANTAGONISMS("十九畏", true),
    /** 妊娠禁用: herbs forbidden in pregnancy. */
    PREGNANCY_FORBIDDEN("妊娠禁用", false),
    /** 妊娠慎用: herbs to be used with caution in pregnancy. */
    PREGNANCY_CAUTION("妊娠慎用", false),
    /** 超剂量: a daily dose above the Pharmacopoeia's upper limit. */
    DOSE_LIMIT("超剂量", false);

    private final String label;
    private final boolean pair;

    RuleKind(String label, boolean pair) {
        this.label = label;
        this.pair = pair;
    }

    /**
     * Returns the Chinese name, e.g. {@code 十八反}.
     *
     * @return the name
     */
    public String label() {
        return label;
    }

    /**
     * Tells whether a rule of this kind is about two herbs together rather than one herb.
     *
     * @return whether the kind is a pair kind
     */
    public boolean pair() {
        return pair;
    }

    /**
     * Tells whether the kind applies only when the patient is pregnant.
     *
     * @return whether the kind is a pregnancy kind
     */
    public boolean pregnancy() {
        return this == PREGNANCY_FORBIDDEN || this == PREGNANCY_CAUTION;
    }
}
