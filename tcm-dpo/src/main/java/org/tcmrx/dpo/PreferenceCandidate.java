package org.tcmrx.dpo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.Query;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.lora.ChatMessage;
import org.tcmrx.lora.LlmHerbRanker;

/**
 * One clinical record with both prescriptions, before a {@link PreferencePairBuilder} decides whether it gives a pair:
 * the conversation the LLM was asked, its full answer and the herbs read from it, and BART's prescription.
 *
 * <p>Make one with {@link #of(ClinicalCase, List, String, List, HerbNormalizer)}, which reads the LLM's herbs itself,
 * or {@link #of(ClinicalCase, LlmHerbRanker.Answer, List, HerbNormalizer)} from an {@link LlmHerbRanker} answer.
 *
 * @param id the record's id
 * @param prompt the conversation up to the assistant's turn: at least one message, the last not the assistant's
 * @param truth the record's true herbs, at least one, no herb twice
 * @param llmResponse the LLM's full generated text (special tokens skipped); may be empty
 * @param llmHerbs the herbs read from the response, normalized, in order, no herb twice; empty when it did not parse
 * @param llmParsed whether {@link ThreeSectionAnswer#parse} read a three-section answer from the response
 * @param bartHerbs BART's prescription, in order, at least one herb, no herb twice
 * @param query the record's findings, which a {@link ChosenWriter} may write about
 */
public record PreferenceCandidate(String id, List<ChatMessage> prompt, List<Herb> truth, String llmResponse,
        List<Herb> llmHerbs, boolean llmParsed, List<Herb> bartHerbs, Query query) {
    /**
     * Validates and copies the candidate.
     *
     * @param id the record's id
     * @param prompt the conversation up to the assistant's turn
     * @param truth the record's true herbs
     * @param llmResponse the LLM's generated text
     * @param llmHerbs the herbs read from the response
     * @param llmParsed whether the response parsed
     * @param bartHerbs BART's prescription
     * @param query the record's findings
     * @throws IllegalArgumentException naming the field when a value is null, blank where it must not be, a list is
     *     empty where it must not be or holds null or a herb twice, the prompt ends with an assistant message, or
     *     an unparsed response has herbs
     */
    public PreferenceCandidate {
        Checks.name(id, "id");
        prompt = checkPrompt(prompt, "prompt");
        truth = Checks.uniqueList(truth, "truth");
        if (truth.isEmpty()) {
            throw new IllegalArgumentException("truth must not be empty");
        }
        Checks.notNull(llmResponse, "llmResponse");
        llmHerbs = Checks.uniqueList(llmHerbs, "llmHerbs");
        if (!llmParsed && !llmHerbs.isEmpty()) {
            throw new IllegalArgumentException("llmHerbs must be empty when the response did not parse, got "
                    + llmHerbs);
        }
        bartHerbs = Checks.uniqueList(bartHerbs, "bartHerbs");
        if (bartHerbs.isEmpty()) {
            throw new IllegalArgumentException("bartHerbs must not be empty");
        }
        Checks.notNull(query, "query");
    }

    /**
     * Checks and copies a prompt: at least one message, no null, the last message not the assistant's.
     *
     * @param prompt the messages
     * @param what the argument's name, for messages
     * @return an immutable copy
     * @throws IllegalArgumentException when the prompt breaks a rule
     */
    static List<ChatMessage> checkPrompt(List<ChatMessage> prompt, String what) {
        Checks.notNull(prompt, what);
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < prompt.size(); i++) {
            if (prompt.get(i) == null) {
                throw new IllegalArgumentException(what + "[" + i + "] must not be null");
            }
        }
        if (prompt.get(prompt.size() - 1).role().equals(ChatMessage.ASSISTANT)) {
            throw new IllegalArgumentException(what + " must not end with an assistant message: the prompt is the "
                    + "conversation before the answer");
        }
        return List.copyOf(prompt);
    }

    /**
     * Builds a candidate from a record, the conversation the LLM was asked, its answer and BART's prescription.
     *
     * <p>The LLM's herbs are read from the response by {@link ThreeSectionAnswer#parse}, normalized by
     * {@code normalizer}, and kept once each at their first place; unlike {@link LlmHerbRanker#answer}, herbs outside
     * any vocabulary are kept, since a herb the record does not hold is a miss, not something to ignore.
     *
     * @param record the clinical record: its id, findings and true herbs
     * @param prompt the conversation the LLM answered
     * @param llmResponse the LLM's generated text
     * @param bartHerbs BART's prescription, e.g. from {@code BartHerbRanker.prescribe}
     * @param normalizer how the LLM's herb names are normalized, as the record's herbs were
     * @return the candidate
     * @throws IllegalArgumentException when an argument is null or breaks a rule of the record
     */
    public static PreferenceCandidate of(ClinicalCase record, List<ChatMessage> prompt, String llmResponse,
            List<Herb> bartHerbs, HerbNormalizer normalizer) {
        Checks.notNull(record, "record");
        Checks.notNull(llmResponse, "llmResponse");
        Checks.notNull(normalizer, "normalizer");
        ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(llmResponse);
        Set<Herb> herbs = new LinkedHashSet<>();
        if (parse.ok()) {
            for (String written : parse.answerOrNull().herbs()) {
                herbs.add(normalizer.normalize(written));
            }
        }
        return new PreferenceCandidate(record.id(), prompt, record.herbs(), llmResponse, new ArrayList<>(herbs),
                parse.ok(), bartHerbs, record.query());
    }

    /**
     * Builds a candidate from an {@link LlmHerbRanker} answer: the prompt is its user prompt as the one message
     * (the ranker's chat template adds its system message when the conversation is rendered), the response its
     * text, read again as {@link #of(ClinicalCase, List, String, List, HerbNormalizer)} does.
     *
     * @param record the clinical record
     * @param answer the ranker's answer to the record's query
     * @param bartHerbs BART's prescription
     * @param normalizer how the LLM's herb names are normalized, e.g. the ranker's
     * @return the candidate
     * @throws IllegalArgumentException when an argument is null or breaks a rule of the record
     */
    public static PreferenceCandidate of(ClinicalCase record, LlmHerbRanker.Answer answer, List<Herb> bartHerbs,
            HerbNormalizer normalizer) {
        Checks.notNull(answer, "answer");
        return of(record, List.of(ChatMessage.user(answer.prompt())), answer.text(), bartHerbs, normalizer);
    }
}
