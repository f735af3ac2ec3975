package org.tcmrx.distill;

import java.util.List;

/**
 * An accepted training sample: the prompt the student will see and the three-section answer it should learn.
 *
 * @param prompt the user message: the record's findings and the request for an answer (without the true herbs,
 *     which only the teacher sees)
 * @param answer the accepted answer in the canonical three-section form ({@code ThreeSectionAnswer.render()})
 */
public record DistilledSample(String prompt, String answer) {
    /**
     * Validates the sample.
     *
     * @param prompt the user message
     * @param answer the answer
     * @throws IllegalArgumentException when either is null or blank
     */
    public DistilledSample {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
        if (answer == null || answer.isBlank()) {
            throw new IllegalArgumentException("answer must not be blank");
        }
    }

    /**
     * One line of the chat format: {@code {"messages":[{"role":"user",…},{"role":"assistant",…}]}}.
     *
     * @param messages the user's prompt and the assistant's answer
     */
    public record Chat(List<TeacherMessage> messages) {
        /**
         * Copies the messages.
         *
         * @param messages the messages
         * @throws IllegalArgumentException when they are null or empty
         */
        public Chat {
            if (messages == null || messages.isEmpty()) {
                throw new IllegalArgumentException("messages must not be empty");
            }
            messages = List.copyOf(messages);
        }
    }

    /**
     * One line of the alpaca format.
     *
     * @param instruction the prompt
     * @param input the extra input (empty: the prompt holds everything)
     * @param output the answer
     */
    public record Alpaca(String instruction, String input, String output) {}

    /**
     * Returns the sample in the chat format TRL, LLaMA-Factory and {@code SftJsonl} read.
     *
     * @return the line's value; it serializes as {@code {"messages":[{"role","content"},…]}}
     */
    public Chat messagesFormat() {
        return new Chat(List.of(TeacherMessage.user(prompt), TeacherMessage.assistant(answer)));
    }

    /**
     * Returns the sample in the alpaca format: {@code {"instruction":prompt,"input":"","output":answer}}.
     *
     * @return the line's value
     */
    public Alpaca alpacaFormat() {
        return new Alpaca(prompt, "", answer);
    }
}
