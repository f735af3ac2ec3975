package org.tcmrx.distill;

/** The {@code response_format} an {@link OpenAiChatClient} asks for. */
public enum ResponseFormat {
    /** No {@code response_format}: plain text in the three-section form. Every server supports it. */
    TEXT,
    /**
     * {@code {"type":"json_object"}}: a JSON object (GPT-4o, DeepSeek, vLLM, Ollama, llama.cpp server); pair it
     * with {@code TeacherDistiller.Builder.optJson(true)} so the prompt asks for the three keys.
     */
    JSON_OBJECT,
    /**
     * {@code {"type":"json_schema",…}} with a strict schema of the three keys (GPT-4o, vLLM, llama.cpp server; not
     * DeepSeek); pair it with {@code optJson(true)} too.
     */
    JSON_SCHEMA
}
