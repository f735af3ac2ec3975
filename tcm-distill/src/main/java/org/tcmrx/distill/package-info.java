/**
 * Distillation: teacher language models turn structured clinical records into explainable training samples in
 * three sections (症状分析, 处方推荐, 处方解释), stage 1 of the paper.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link org.tcmrx.distill.Distiller}: record → {@link org.tcmrx.distill.DistillResult} (an accepted
 *       {@link org.tcmrx.distill.DistilledSample}, or a rejection with reasons), with
 *       {@link org.tcmrx.distill.SampleProvenance}.
 *   <li>{@link org.tcmrx.distill.TeacherDistiller} asks a {@link org.tcmrx.distill.TeacherClient}, such as
 *       {@link org.tcmrx.distill.OpenAiChatClient}, with a versioned, hashed
 *       {@link org.tcmrx.distill.PromptTemplate}, validates each answer with a
 *       {@link org.tcmrx.distill.SampleValidator} and sends rejected answers back with their reasons.
 *   <li>{@link org.tcmrx.distill.KnowledgeTeacher} writes the samples offline and deterministically from a
 *       {@link org.tcmrx.distill.HerbKnowledge} table; its samples pass the same validation.
 *   <li>{@link org.tcmrx.distill.DistillRun} writes JSON Lines (chat and alpaca formats, rejections, provenance),
 *       append-only and resumable after a crash.
 * </ul>
 *
 * <h2>OpenAI-compatible servers</h2>
 * {@link org.tcmrx.distill.OpenAiChatClient} speaks {@code POST {baseUrl}/chat/completions}. Settings that work:
 * <table>
 *   <caption>Server settings</caption>
 *   <tr><th>server</th><th>{@code baseUrl}</th><th>{@code model}</th><th>key variable</th>
 *       <th>response format</th></tr>
 *   <tr><td>OpenAI GPT-4o</td><td>{@code https://api.openai.com/v1}</td><td>{@code gpt-4o}</td>
 *       <td>{@code OPENAI_API_KEY}</td><td>TEXT, JSON_OBJECT or JSON_SCHEMA; {@code seed} honoured</td></tr>
 *   <tr><td>DeepSeek</td><td>{@code https://api.deepseek.com/v1}</td><td>{@code deepseek-chat}</td>
 *       <td>{@code DEEPSEEK_API_KEY}</td><td>TEXT or JSON_OBJECT (no JSON_SCHEMA)</td></tr>
 *   <tr><td>vLLM ({@code vllm serve MODEL})</td><td>{@code http://localhost:8000/v1}</td><td>the served model's
 *       name, e.g. {@code Qwen/Qwen2.5-72B-Instruct}</td><td>none ({@code optApiKeyEnv(null)}), or the variable
 *       holding {@code --api-key}</td><td>TEXT, JSON_OBJECT or JSON_SCHEMA (guided decoding)</td></tr>
 *   <tr><td>Ollama</td><td>{@code http://localhost:11434/v1}</td><td>e.g. {@code qwen2.5:7b}</td>
 *       <td>none</td><td>TEXT or JSON_OBJECT</td></tr>
 *   <tr><td>llama.cpp server ({@code llama-server})</td><td>{@code http://localhost:8080/v1}</td><td>any (one
 *       model is served)</td><td>none, or the variable holding {@code --api-key}</td><td>TEXT, JSON_OBJECT or
 *       JSON_SCHEMA</td></tr>
 * </table>
 * With a JSON response format, also set {@code TeacherDistiller.Builder.optJson(true)} so that the prompt asks for
 * the three keys (OpenAI requires the word JSON in the prompt for {@code json_object}). For local servers raise
 * {@code maxConcurrency} to what the server batches (vLLM: 32 and more; Ollama: {@code OLLAMA_NUM_PARALLEL}) and
 * leave {@code requestsPerMinute} at 0; for paid APIs set {@code requestsPerMinute} to the account's limit, so that
 * 429 answers stay rare. Local models are slower to answer long prompts: raise the request timeout (default 120 s).
 */
package org.tcmrx.distill;
