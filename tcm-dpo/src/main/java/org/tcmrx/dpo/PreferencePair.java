package org.tcmrx.dpo;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.lora.ChatMessage;

/**
 * One preference pair for DPO: a prompt and two answers to it, the chosen one preferred over the rejected one.
 * {@link PreferencePairJsonl} writes it in TRL's conversational preference format.
 *
 * @param id the clinical record's id
 * @param prompt the conversation up to the assistant's turn: at least one message, the last not the assistant's
 * @param chosen the preferred answer, not blank
 * @param rejected the other answer, not blank and not equal to {@code chosen}
 * @param chosenScore the chosen answer's prescription score against the record's herbs, finite
 * @param rejectedScore the rejected answer's score, finite
 * @param chosenSource whose prescription the chosen answer carries: {@value #BART} or {@value #LLM}
 * @param metadata how the pair was made (metric, margin, writer, ...), sorted by key; no null key or value
 */
public record PreferencePair(String id, List<ChatMessage> prompt, String chosen, String rejected, double chosenScore,
        double rejectedScore, String chosenSource, Map<String, String> metadata) {
    /** The source of a chosen answer that carries BART's prescription. */
    public static final String BART = "bart";
    /** The source of a chosen answer that is the LLM's own. */
    public static final String LLM = "llm";
    /** The accepted sources. */
    public static final List<String> SOURCES = List.of(BART, LLM);

    /**
     * Validates and copies the pair.
     *
     * @param id the clinical record's id
     * @param prompt the conversation up to the assistant's turn
     * @param chosen the preferred answer
     * @param rejected the other answer
     * @param chosenScore the chosen answer's score
     * @param rejectedScore the rejected answer's score
     * @param chosenSource {@value #BART} or {@value #LLM}
     * @param metadata how the pair was made
     * @throws IllegalArgumentException naming the field when a value is null, blank or out of range, the prompt is
     *     empty or ends with an assistant message, or the two answers are the same text
     */
    public PreferencePair {
        Checks.name(id, "id");
        prompt = PreferenceCandidate.checkPrompt(prompt, "prompt");
        checkAnswer(chosen, "chosen");
        checkAnswer(rejected, "rejected");
        if (chosen.equals(rejected)) {
            throw new IllegalArgumentException("chosen and rejected must differ");
        }
        checkScore(chosenScore, "chosenScore");
        checkScore(rejectedScore, "rejectedScore");
        Checks.notNull(chosenSource, "chosenSource");
        if (!SOURCES.contains(chosenSource)) {
            throw new IllegalArgumentException("chosenSource: unsupported value '" + chosenSource + "'; supported: "
                    + String.join(", ", SOURCES));
        }
        Checks.notNull(metadata, "metadata");
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("metadata must not hold null keys or values, got " + metadata);
            }
            sorted.put(e.getKey(), e.getValue());
        }
        metadata = Collections.unmodifiableMap(sorted);
    }

    private static void checkAnswer(String text, String what) {
        Checks.notNull(text, what);
        if (text.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void checkScore(double score, String what) {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException(what + " must be finite, got " + score);
        }
    }

    /**
     * Returns how much better the chosen answer scored.
     *
     * @return {@code chosenScore - rejectedScore}
     */
    public double scoreGap() {
        return chosenScore - rejectedScore;
    }
}
