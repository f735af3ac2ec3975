package org.tcmrx.distill;

import java.io.IOException;
import java.util.List;

/**
 * A chat model that answers a conversation: the network seam of distillation. {@link OpenAiChatClient} speaks the
 * OpenAI chat completions protocol; tests plug in their own.
 *
 * <p>Implementations must be safe to call from several threads at once.
 */
public interface TeacherClient {
    /**
     * Sends a conversation and returns the teacher's answer.
     *
     * @param messages the conversation so far, ending with a user message
     * @return the answer
     * @throws IOException when no answer could be had (after the client's own retries)
     * @throws TeacherResponseException (an {@code IOException}) when the server answered, but not with a usable
     *     chat completion
     */
    TeacherReply complete(List<TeacherMessage> messages) throws IOException;

    /**
     * Names the model answering, for provenance.
     *
     * @return the model's name as the server knows it
     */
    String model();
}
