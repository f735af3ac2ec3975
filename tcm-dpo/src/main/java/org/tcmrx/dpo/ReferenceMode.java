package org.tcmrx.dpo;

/**
 * Which model gives the reference log-probabilities of DPO. Both are computed once, before the first step, with
 * dropout off, and cached on disk: no second model is ever held in memory.
 */
public enum ReferenceMode {
    /**
     * The policy with its adapter switched off, as TRL's {@code DPOTrainer} does for a PEFT model without a
     * reference model. Use it when the SFT weights are merged into the base model and DPO trains a new adapter: the
     * reference is then the SFT model, and the first step starts from policy = reference.
     */
    ADAPTER_DISABLED,
    /**
     * The policy as it is before the first step, adapter included. Use it when DPO goes on training the SFT adapter
     * itself: the reference is the SFT model, as with TRL's {@code ref_adapter_name} (the adapter loaded twice), but
     * without a second copy of the adapter.
     */
    INITIAL_POLICY
}
