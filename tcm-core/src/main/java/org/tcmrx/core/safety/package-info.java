/**
 * Clinical safety rules for prescriptions, rankings and model answers: the classical incompatibilities 十八反 and
 * 十九畏, pregnancy contraindications (妊娠禁用 and 妊娠慎用) and dose limits of toxic herbs, each rule citing its
 * source.
 *
 * <p>{@link org.tcmrx.core.safety.SafetyChecker} matches herbs through the herb normalizer and an explicit alias
 * table ({@link org.tcmrx.core.safety.SafetyRules}); {@link org.tcmrx.core.safety.SafeHerbRanker} keeps flagged
 * combinations out of a ranker's lists. Findings are values: nothing here throws on an unsafe prescription.
 */
package org.tcmrx.core.safety;
