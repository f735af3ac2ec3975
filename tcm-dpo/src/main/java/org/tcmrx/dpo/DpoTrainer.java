package org.tcmrx.dpo;

import java.io.IOException;
import java.util.List;

/**
 * Aligns a policy model on preference pairs by Direct Preference Optimization (Rafailov et al., 2023): each pair's
 * chosen completion is made more likely than its rejected one, relative to a fixed reference model, without a
 * reward model. {@link LoraDpoTrainer} trains a Qwen2 model's LoRA adapter; an application may implement this
 * interface around another engine and keep the rest of the pipeline.
 */
public interface DpoTrainer {
    /**
     * Trains on the pairs.
     *
     * @param train the training pairs, at least one
     * @param valid held-out pairs for {@code eval_*} metrics, early stopping and the best adapter; may be empty
     * @return the run
     * @throws IOException when a checkpoint, the log, a chart or the adapter cannot be written
     * @throws IllegalArgumentException when a list is null or holds null, or no training pair survives encoding
     */
    DpoResult train(List<PreferencePair> train, List<PreferencePair> valid) throws IOException;
}
