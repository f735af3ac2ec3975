package org.tcmrx.lora;

import java.util.List;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.distill.TeacherClient;
import org.tcmrx.distill.TeacherMessage;
import org.tcmrx.distill.TeacherReply;
import org.tcmrx.distill.TokenUsage;

/**
 * A local Qwen2 model as a distillation teacher: the conversation is rendered with the chat template (generation
 * prompt added), decoded by {@link Generator} under the given {@link GenerationConfig}, and the generated text
 * (special tokens skipped) is the answer. Token usage counts the prompt's and the generated ids; there are no
 * retries. Calls from several threads are served one at a time, since the model's native memory is shared.
 */
public final class QwenTeacherClient implements TeacherClient {
    private final Generator generator;
    private final QwenTokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final GenerationConfig generation;
    private final String model;
    private final Object lock = new Object();

    /**
     * Creates a teacher around a model it does not own (closing the model stays the caller's job).
     *
     * @param model the model, e.g. a Qwen2.5-7B-Instruct folder loaded with {@link Qwen2Model#load}
     * @param tokenizer its tokenizer
     * @param chatTemplate how conversations are rendered, e.g. {@link ChatTemplate#qwen25()}
     * @param generation how to decode; give it the tokenizer's EOS ids and room for three sections
     * @param name the model's name for provenance, e.g. {@code Qwen2.5-7B-Instruct}
     * @throws IllegalArgumentException when an argument is null or the name is blank
     */
    public QwenTeacherClient(Qwen2Model model, QwenTokenizer tokenizer, ChatTemplate chatTemplate,
            GenerationConfig generation, String name) {
        this.generator = new Generator(Checks.notNull(model, "model"), Checks.notNull(tokenizer, "tokenizer"));
        this.tokenizer = tokenizer;
        this.chatTemplate = Checks.notNull(chatTemplate, "chatTemplate");
        this.generation = Checks.notNull(generation, "generation");
        this.model = Checks.name(name, "name");
    }

    /**
     * Generates the model's answer to a conversation.
     *
     * @param messages the conversation so far, ending with a user message
     * @return the answer, with the prompt's and the answer's token counts and no retries
     * @throws IllegalArgumentException when the conversation is null or empty, or does not end with a user message
     */
    @Override
    public TeacherReply complete(List<TeacherMessage> messages) {
        if (messages == null || messages.isEmpty() || !messages.get(messages.size() - 1).role().equals("user")) {
            throw new IllegalArgumentException("messages must end with a user message, got " + messages);
        }
        List<ChatMessage> chat = messages.stream().map(m -> new ChatMessage(m.role(), m.content())).toList();
        long[] prompt = tokenizer.encode(chatTemplate.render(chat, true));
        GenerationResult result;
        synchronized (lock) {
            result = generator.generate(List.of(prompt), generation, null, null).get(0);
        }
        return new TeacherReply(result.text(), new TokenUsage(prompt.length, result.ids().length), 0);
    }

    @Override
    public String model() {
        return model;
    }
}
