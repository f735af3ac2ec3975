package org.tcmrx.distill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.distill.internal.Backoff;
import org.tcmrx.distill.internal.RateLimiter;

/**
 * A {@link TeacherClient} for any server with the OpenAI chat completions API ({@code POST {baseUrl}/chat/completions}),
 * on {@code java.net.http} and Jackson. See the package documentation for the settings of GPT-4o, vLLM, Ollama,
 * llama.cpp server and DeepSeek.
 *
 * <p>Failures: HTTP 429 and 5xx, connection errors, timeouts and garbled 2xx bodies are retried up to
 * {@code maxRetries} times with exponential backoff and jitter, waiting at least the server's {@code Retry-After};
 * then a garbled body raises {@link TeacherResponseException} and the rest a plain {@link IOException}. HTTP 400 and
 * 422 (the request itself is refused) raise {@link TeacherResponseException} at once, other 4xx (a wrong key, model
 * or URL) an {@link IOException} at once.
 *
 * <p>At most {@code maxConcurrency} requests are in flight and at most {@code requestsPerMinute} start per minute,
 * whatever the number of calling threads. {@link #usage()} sums the tokens the server reported.
 *
 * <p>The API key is read once from the environment and sent only in the {@code Authorization} header; it is removed
 * from every exception message (servers sometimes echo it) and never logged.
 */
public final class OpenAiChatClient implements TeacherClient {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatClient.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BODY_EXCERPT = 200;

    private final OpenAiConfig config;
    private final String apiKey;
    private final URI endpoint;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final RateLimiter rate;
    private final Backoff backoff;
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    private OpenAiChatClient(OpenAiConfig config, String apiKey) {
        this.config = config;
        this.apiKey = apiKey;
        this.endpoint = URI.create(config.baseUrl() + "/chat/completions");
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).version(HttpClient.Version.HTTP_1_1)
                .build();
        this.inFlight = new Semaphore(config.maxConcurrency(), true);
        this.rate = new RateLimiter(config.requestsPerMinute());
        this.backoff = new Backoff(config.baseDelay(), config.maxDelay(), config.seed() == null ? 0 : config.seed());
    }

    /**
     * Makes a client, reading the API key from the process environment.
     *
     * @param config the settings
     * @return the client
     * @throws IllegalArgumentException when the config is null, or names a key variable that is not set
     */
    public static OpenAiChatClient create(OpenAiConfig config) {
        return create(config, System::getenv);
    }

    /**
     * Makes a client whose API key comes from a key file ({@link ApiKeyFile#read(Path)}) instead of the config's
     * environment variable.
     *
     * @param config the settings; its {@code apiKeyEnv} is not read
     * @param keyFile a file only its owner can read, holding the key
     * @return the client
     * @throws IllegalArgumentException when the config is null or the key file is unsafe or empty
     * @throws IOException when the key file cannot be read
     */
    public static OpenAiChatClient create(OpenAiConfig config, Path keyFile) throws IOException {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return new OpenAiChatClient(config, ApiKeyFile.read(keyFile));
    }

    /**
     * Makes a client, reading the API key from the given environment.
     *
     * @param config the settings
     * @param environment looks a variable up, returning null when it is not set
     * @return the client
     * @throws IllegalArgumentException when an argument is null, or the config names a key variable that is not set
     */
    public static OpenAiChatClient create(OpenAiConfig config, UnaryOperator<String> environment) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (environment == null) {
            throw new IllegalArgumentException("environment must not be null");
        }
        String key = null;
        if (config.apiKeyEnv() != null) {
            key = environment.apply(config.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("apiKeyEnv: environment variable " + config.apiKeyEnv()
                        + " is not set");
            }
            key = key.strip();
        }
        return new OpenAiChatClient(config, key);
    }

    @Override
    public String model() {
        return config.model();
    }

    /**
     * Returns the settings.
     *
     * @return the configuration (which holds no key)
     */
    public OpenAiConfig config() {
        return config;
    }

    /**
     * Returns the tokens spent so far, as the server reported them.
     *
     * @return the sums over every answered request
     */
    public TokenUsage usage() {
        return new TokenUsage(promptTokens.get(), completionTokens.get());
    }

    /**
     * Returns the number of requests sent so far, retries included.
     *
     * @return the count
     */
    public long requests() {
        return requests.get();
    }

    /**
     * Returns the number of retries so far.
     *
     * @return the count
     */
    public long retries() {
        return retries.get();
    }

    @Override
    public String toString() {
        return "OpenAiChatClient[" + config.baseUrl() + ", " + config.model() + "]";
    }

    @Override
    public TeacherReply complete(List<TeacherMessage> messages) throws IOException {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        byte[] body = MAPPER.writeValueAsBytes(requestBody(messages));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest req = request.build();
        try {
            inFlight.acquire();
            try {
                return send(req);
            } finally {
                inFlight.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + endpoint);
        }
    }

    private TeacherReply send(HttpRequest req) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            rate.acquire();
            requests.incrementAndGet();
            String failure;
            Duration retryAfter = null;
            boolean garbled = false;
            HttpResponse<String> resp = null;
            try {
                resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                failure = null;
            } catch (IOException e) {
                if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (resp != null) {
                int status = resp.statusCode();
                if (status >= 200 && status < 300) {
                    try {
                        return parse(resp.body(), attempt);
                    } catch (TeacherResponseException e) {
                        failure = e.getMessage();
                        garbled = true;
                    }
                } else if (status == 429 || status >= 500) {
                    failure = "HTTP " + status + ": " + excerpt(resp.body());
                    retryAfter = Backoff.retryAfter(resp.headers());
                } else if (status == 400 || status == 422) {
                    throw new TeacherResponseException(redact("HTTP " + status + " from " + endpoint + ": "
                            + excerpt(resp.body())));
                } else {
                    throw new IOException(redact("HTTP " + status + " from " + endpoint + ": " + excerpt(resp.body())));
                }
            }
            failure = redact(failure);
            if (attempt >= config.maxRetries()) {
                String msg = failure + " (after " + (attempt + 1) + " attempts to " + endpoint + ")";
                throw garbled ? new TeacherResponseException(msg) : new IOException(msg);
            }
            Duration delay = backoff.delay(attempt, retryAfter);
            retries.incrementAndGet();
            LOG.debug("retrying {} in {} ms: {}", endpoint, delay.toMillis(), failure);
            Thread.sleep(delay.toMillis(), (int) (delay.toNanosPart() % 1_000_000));
        }
    }

    private ObjectNode requestBody(List<TeacherMessage> messages) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", config.model());
        ArrayNode array = root.putArray("messages");
        for (TeacherMessage m : messages) {
            array.addObject().put("role", m.role()).put("content", m.content());
        }
        root.put("temperature", config.temperature());
        root.put("max_tokens", config.maxTokens());
        if (config.seed() != null) {
            root.put("seed", config.seed());
        }
        switch (config.responseFormat()) {
            case TEXT -> { }
            case JSON_OBJECT -> root.putObject("response_format").put("type", "json_object");
            case JSON_SCHEMA -> {
                ObjectNode schemaFormat = root.putObject("response_format");
                schemaFormat.put("type", "json_schema");
                ObjectNode js = schemaFormat.putObject("json_schema");
                js.put("name", "three_section_answer");
                js.put("strict", true);
                ObjectNode schema = js.putObject("schema");
                schema.put("type", "object");
                ObjectNode props = schema.putObject("properties");
                props.putObject(ThreeSectionAnswer.ANALYSIS).put("type", "string");
                props.putObject(ThreeSectionAnswer.PRESCRIPTION).put("type", "array").putObject("items")
                        .put("type", "string");
                props.putObject(ThreeSectionAnswer.EXPLANATION).put("type", "string");
                ArrayNode required = schema.putArray("required");
                ThreeSectionAnswer.SECTIONS.forEach(required::add);
                schema.put("additionalProperties", false);
            }
            default -> throw new IllegalStateException("unknown response format " + config.responseFormat());
        }
        return root;
    }

    private TeacherReply parse(String body, int attempt) throws TeacherResponseException {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new TeacherResponseException("response is not valid JSON (" + e.getOriginalMessage() + "): "
                    + excerpt(body));
        }
        if (root == null || !root.isObject()) {
            throw new TeacherResponseException("response is not a JSON object: " + excerpt(body));
        }
        if (root.has("error")) {
            throw new TeacherResponseException(redact("server error: " + excerpt(root.get("error").toString())));
        }
        JsonNode content = root.path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw new TeacherResponseException("response has no string at choices[0].message.content: "
                    + excerpt(body));
        }
        JsonNode u = root.path("usage");
        long prompt = Math.max(0, u.path("prompt_tokens").asLong(0));
        long completion = Math.max(0, u.path("completion_tokens").asLong(0));
        promptTokens.addAndGet(prompt);
        completionTokens.addAndGet(completion);
        if ("length".equals(root.path("choices").path(0).path("finish_reason").asText(""))) {
            LOG.debug("answer cut at max_tokens = {}", config.maxTokens());
        }
        return new TeacherReply(content.asText(), new TokenUsage(prompt, completion), attempt);
    }

    private String excerpt(String body) {
        String s = body == null ? "" : body.strip();
        return redact(s.length() <= BODY_EXCERPT ? s : s.substring(0, BODY_EXCERPT) + "…");
    }

    private String redact(String s) {
        return apiKey == null || s == null ? s : s.replace(apiKey, "[API key]");
    }
}
