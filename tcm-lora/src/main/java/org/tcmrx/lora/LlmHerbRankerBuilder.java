package org.tcmrx.lora;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.HerbVocabulary;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.safety.SafetyChecker;

/** Builds an {@link LlmHerbRanker}; the model, tokenizer and vocabulary are required. */
public final class LlmHerbRankerBuilder {
    private Qwen2Model model;
    private QwenTokenizer tokenizer;
    private Collection<Herb> vocabulary;
    private ChatTemplate chatTemplate = ChatTemplate.qwen25();
    private GenerationConfig generationConfig;
    private String promptTemplate = LlmHerbRanker.DEFAULT_PROMPT_TEMPLATE;
    private HerbNormalizer normalizer = HerbNormalizer.standard();
    private boolean constrained;
    private SafetyChecker safety;
    private boolean rescoring;
    private String name = LlmHerbRanker.DEFAULT_NAME;

    LlmHerbRankerBuilder() {}

    /**
     * Sets the model, not closed by the ranker.
     *
     * @param value the model
     * @return this builder
     */
    public LlmHerbRankerBuilder setModel(Qwen2Model value) {
        model = value;
        return this;
    }

    /**
     * Sets the model's tokenizer, not closed by the ranker.
     *
     * @param value the tokenizer
     * @return this builder
     */
    public LlmHerbRankerBuilder setTokenizer(QwenTokenizer value) {
        tokenizer = value;
        return this;
    }

    /**
     * Sets the herbs that may be ranked.
     *
     * @param value the vocabulary
     * @return this builder
     */
    public LlmHerbRankerBuilder setVocabulary(HerbVocabulary value) {
        vocabulary = value == null ? null : value.herbs();
        return this;
    }

    /**
     * Sets the herbs that may be ranked.
     *
     * @param value the herbs, at least one
     * @return this builder
     */
    public LlmHerbRankerBuilder setHerbs(Collection<Herb> value) {
        vocabulary = value;
        return this;
    }

    /**
     * Sets the chat template (default {@link ChatTemplate#qwen25()}).
     *
     * @param value the template
     * @return this builder
     */
    public LlmHerbRankerBuilder optChatTemplate(ChatTemplate value) {
        chatTemplate = value;
        return this;
    }

    /**
     * Sets how to decode (default: greedy, {@code max_new_tokens}
     * {@value LlmHerbRanker#DEFAULT_MAX_NEW_TOKENS}, the tokenizer's EOS ids).
     *
     * @param value the generation config
     * @return this builder
     */
    public LlmHerbRankerBuilder optGenerationConfig(GenerationConfig value) {
        generationConfig = value;
        return this;
    }

    /**
     * Sets the prompt template (default {@link LlmHerbRanker#DEFAULT_PROMPT_TEMPLATE}); it must contain
     * {@value LlmHerbRanker#FINDINGS}.
     *
     * @param value the template
     * @return this builder
     */
    public LlmHerbRankerBuilder optPromptTemplate(String value) {
        promptTemplate = value;
        return this;
    }

    /**
     * Sets the normalizer of the generated herb names (default {@link HerbNormalizer#standard()}).
     *
     * @param value the normalizer
     * @return this builder
     */
    public LlmHerbRankerBuilder optNormalizer(HerbNormalizer value) {
        normalizer = value;
        return this;
    }

    /**
     * Keeps the prescription inside the vocabulary's names with a {@link PrescriptionConstraint} (default off).
     *
     * @param value whether to constrain
     * @return this builder
     */
    public LlmHerbRankerBuilder optConstrained(boolean value) {
        constrained = value;
        return this;
    }

    /**
     * Keeps what a safety checker flags out of the constrained prescription: herbs its single-herb rules flag, and
     * any herb that a pair rule forbids with a herb already written (see {@link PrescriptionConstraint}); default
     * none. Needs {@link #optConstrained(boolean)}.
     *
     * @param value the checker, e.g. {@code SafetyChecker.standard().withKinds(SafeHerbRanker.PAIR_KINDS)}, or null
     * @return this builder
     */
    public LlmHerbRankerBuilder optSafety(SafetyChecker value) {
        safety = value;
        return this;
    }

    /**
     * Orders the herbs kept by the model's log-probability of each as the prescription's first herb instead of
     * by generation order (default off); see the class description.
     *
     * @param value whether to rescore
     * @return this builder
     */
    public LlmHerbRankerBuilder optRescoring(boolean value) {
        rescoring = value;
        return this;
    }

    /**
     * Sets the report name (default {@value LlmHerbRanker#DEFAULT_NAME}).
     *
     * @param value the name
     * @return this builder
     */
    public LlmHerbRankerBuilder optName(String value) {
        name = value;
        return this;
    }

    /**
     * Builds the ranker.
     *
     * @return the ranker
     * @throws IllegalArgumentException naming the value when a required value is missing or a value is invalid
     *     (an empty vocabulary, a template without {@value LlmHerbRanker#FINDINGS}, a herb name the constraint
     *     cannot hold)
     */
    public LlmHerbRanker build() {
        Checks.notNull(model, "model");
        Checks.notNull(tokenizer, "tokenizer");
        Checks.notNull(vocabulary, "vocabulary");
        Checks.notNull(chatTemplate, "chatTemplate");
        GenerationConfig config = generationConfig != null ? generationConfig : GenerationConfig.builder()
                .optMaxNewTokens(LlmHerbRanker.DEFAULT_MAX_NEW_TOKENS).optEosTokenIds(tokenizer.eosTokenIds()).build();
        if (safety != null && !constrained) {
            throw new IllegalArgumentException("safety needs a constrained prescription: call optConstrained(true)");
        }
        LogitsProcessor constraint = constrained && !vocabulary.isEmpty()
                ? PrescriptionConstraint.of(vocabulary.stream().map(Herb::name).toList(),
                        PrescriptionConstraint.DEFAULT_SEPARATORS, tokenizer, safety) : null;
        Generator generator = new Generator(model, tokenizer);
        ChatTemplate chat = chatTemplate;
        Object lock = new Object();
        Function<String, String> generate = prompt -> {
            long[] ids = tokenizer.encode(chat.render(List.of(ChatMessage.user(prompt)), true));
            synchronized (lock) {
                return generator.generate(List.of(ids), config, constraint, null).get(0).text();
            }
        };
        LlmHerbRanker.Rescorer rescorer = !rescoring ? null : (prompt, analysis, herbs) -> {
            String prefix = chat.render(List.of(ChatMessage.user(prompt)), true) + ThreeSectionAnswer.ANALYSIS
                    + "：" + analysis + "\n" + ThreeSectionAnswer.PRESCRIPTION + "：";
            synchronized (lock) {
                return ContinuationScorer.score(model, tokenizer, prefix,
                        herbs.stream().map(Herb::name).toList());
            }
        };
        return new LlmHerbRanker(generate, rescorer, name, promptTemplate, vocabulary, normalizer);
    }
}
