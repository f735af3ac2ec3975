package org.tcmrx.lora;

import java.util.BitSet;

/**
 * Changes one row's next-token logits before a token is chosen, as Hugging Face's {@code LogitsProcessor} does for a
 * batch. A processor masks a token by setting its logit to {@link Float#NEGATIVE_INFINITY}. Processors compose in
 * order with {@link #andThen}; {@link Generator} runs them after the repetition penalty and before temperature, top-k
 * and top-p.
 */
@FunctionalInterface
public interface LogitsProcessor {
    /**
     * Changes the logits in place.
     *
     * @param promptIds the row's prompt, without padding; not to be changed
     * @param generatedIds the tokens generated so far in this row; not to be changed
     * @param logits the next token's logits, {@code [V]}, changed in place
     */
    void process(long[] promptIds, long[] generatedIds, float[] logits);

    /**
     * Returns a processor that runs this one, then {@code next}.
     *
     * @param next the processor to run second
     * @return the composition
     * @throws IllegalArgumentException when {@code next} is null
     */
    default LogitsProcessor andThen(LogitsProcessor next) {
        if (next == null) {
            throw new IllegalArgumentException("next must not be null");
        }
        return (prompt, generated, logits) -> {
            process(prompt, generated, logits);
            next.process(prompt, generated, logits);
        };
    }

    /**
     * Hugging Face's {@code RepetitionPenaltyLogitsProcessor} (Keskar et al., 2019): every distinct token of the prompt
     * and the generated ids has its logit divided by {@code penalty} when positive and multiplied by it otherwise, so
     * that a penalty above 1 always makes the token less likely.
     *
     * @param penalty the penalty, finite and positive; 1 changes nothing
     * @return the processor
     * @throws IllegalArgumentException naming {@code repetition_penalty} when the penalty is invalid
     */
    static LogitsProcessor repetitionPenalty(float penalty) {
        if (!(penalty > 0f) || Float.isInfinite(penalty)) {
            throw new IllegalArgumentException("repetition_penalty must be a finite positive number, got " + penalty);
        }
        return (prompt, generated, logits) -> {
            // Each distinct token once, as torch.gather/scatter over the ids does: a repeated id is not penalised twice.
            BitSet seen = new BitSet(logits.length);
            for (long[] ids : new long[][] {prompt, generated}) {
                for (long id : ids) {
                    int i = (int) id;
                    if (id >= 0 && id < logits.length && !seen.get(i)) {
                        seen.set(i);
                        logits[i] = logits[i] < 0 ? logits[i] * penalty : logits[i] / penalty;
                    }
                }
            }
        };
    }
}
