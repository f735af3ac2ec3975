/**
 * Implicit preference pairs built from BART and the LLM, and Direct Preference Optimization of the LoRA model.
 *
 * <p>Pairs: a {@link org.tcmrx.dpo.PreferencePairBuilder} turns each training record's
 * {@link org.tcmrx.dpo.PreferenceCandidate} (the SFT model's answer and BART's prescription, both scored against the
 * record's true herbs by a {@link org.tcmrx.dpo.PrescriptionMetric}) into a {@link org.tcmrx.dpo.PairDecision}; the
 * default {@link org.tcmrx.dpo.ImplicitPreferenceBuilder} makes a pair when BART is better by a margin, its chosen
 * answer written around BART's herbs by a {@link org.tcmrx.dpo.ChosenWriter}. Pairs are stored in TRL's format by
 * {@link org.tcmrx.dpo.PreferencePairJsonl}.
 *
 * <p>Training: a {@link org.tcmrx.dpo.DpoTrainer} aligns the policy on the pairs; {@link org.tcmrx.dpo.LoraDpoTrainer}
 * trains a Qwen2 model's LoRA adapter with {@link org.tcmrx.dpo.DpoLoss} on {@link org.tcmrx.dpo.SequenceLogProbs},
 * the reference log-probabilities computed once and cached.
 */
package org.tcmrx.dpo;
