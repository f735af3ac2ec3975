package org.tcmrx.dpo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.lora.CausalLmLoss;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.QwenTokenizer;

/**
 * Tokenizes preference pairs as TRL's DPO trainer does: the prompt rendered with the chat template and its
 * generation prompt, each completion as the assistant turn after it (its content and {@code <|im_end|>} learnt), the
 * prompt cut from the start to {@code maxPromptLength} and the whole cut from the end to {@code maxLength}.
 */
final class PairEncoder {
    private final ChatTemplate template;
    private final QwenTokenizer tokenizer;
    private final int maxPromptLength;
    private final int maxLength;

    PairEncoder(ChatTemplate template, QwenTokenizer tokenizer, int maxPromptLength, int maxLength) {
        this.template = template;
        this.tokenizer = tokenizer;
        this.maxPromptLength = maxPromptLength;
        this.maxLength = maxLength;
    }

    /**
     * The encoded pairs and what truncation did. Since {@code maxLength > maxPromptLength}, every completion keeps at
     * least its first token, so no pair is ever dropped.
     *
     * @param pairs the encoded pairs, in input order
     * @param truncated pairs cut to the limits
     */
    record Encoding(List<EncodedPair> pairs, int truncated) {}

    Encoding encode(List<PreferencePair> pairs) {
        List<EncodedPair> out = new ArrayList<>(pairs.size());
        int truncated = 0;
        for (int i = 0; i < pairs.size(); i++) {
            PreferencePair p = pairs.get(i);
            if (p == null) {
                throw new IllegalArgumentException("pairs[" + i + "] must not be null");
            }
            Sequence chosen = sequence(p, p.chosen());
            Sequence rejected = sequence(p, p.rejected());
            truncated += chosen.truncated || rejected.truncated ? 1 : 0;
            out.add(EncodedPair.of(p.id(), i, chosen.ids, chosen.labels, rejected.ids, rejected.labels));
        }
        return new Encoding(List.copyOf(out), truncated);
    }

    /** A completion's ids and labels after the cuts. */
    private Sequence sequence(PreferencePair pair, String completion) {
        QwenTokenizer.MaskedIds masked = tokenizer.encode(template.renderTraining(pair.prompt(), completion));
        long[] ids = masked.ids();
        long[] labels = masked.labels();
        int promptLength = 0;
        while (promptLength < labels.length && labels[promptLength] == CausalLmLoss.IGNORE_INDEX) {
            promptLength++;
        }
        int from = Math.max(0, promptLength - maxPromptLength); // keep the prompt's end
        int to = Math.min(ids.length, from + maxLength);
        boolean cut = from > 0 || to < ids.length;
        return new Sequence(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(labels, from, to), cut);
    }

    private record Sequence(long[] ids, long[] labels, boolean truncated) {}

    /**
     * One tokenized pair.
     *
     * @param id the pair's id
     * @param index its position in the list given to the trainer
     * @param key a hash of the four arrays, for the reference cache
     * @param chosenIds the chosen sequence's ids
     * @param chosenLabels its labels: the ids where learnt, {@link CausalLmLoss#IGNORE_INDEX} elsewhere
     * @param rejectedIds the rejected sequence's ids
     * @param rejectedLabels its labels
     */
    record EncodedPair(String id, int index, String key, long[] chosenIds, long[] chosenLabels, long[] rejectedIds,
            long[] rejectedLabels) {
        int maxLength() {
            return Math.max(chosenIds.length, rejectedIds.length);
        }

        long tokens() {
            return chosenIds.length + rejectedIds.length;
        }

        /** The learnt (predicted) tokens of the chosen completion. */
        long chosenCount() {
            return learnt(chosenLabels);
        }

        /** The learnt tokens of the rejected completion. */
        long rejectedCount() {
            return learnt(rejectedLabels);
        }

        private static long learnt(long[] labels) {
            long n = 0;
            for (int t = 1; t < labels.length; t++) {
                n += labels[t] == CausalLmLoss.IGNORE_INDEX ? 0 : 1;
            }
            return n;
        }

        static EncodedPair of(String id, int index, long[] chosenIds, long[] chosenLabels, long[] rejectedIds,
                long[] rejectedLabels) {
            java.security.MessageDigest digest = Sha256.newDigest();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(Long.BYTES);
            for (long[] part : List.of(chosenIds, chosenLabels, rejectedIds, rejectedLabels)) {
                for (long v : part) {
                    digest.update(buffer.clear().putLong(v).array());
                }
                digest.update(buffer.clear().putLong(Long.MIN_VALUE).array()); // a separator no id or label takes
            }
            return new EncodedPair(id, index, Sha256.hex(digest), chosenIds, chosenLabels, rejectedIds,
                    rejectedLabels);
        }
    }
}
