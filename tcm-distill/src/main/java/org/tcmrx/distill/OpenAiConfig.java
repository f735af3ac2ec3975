package org.tcmrx.distill;

import java.net.URI;
import java.time.Duration;

/**
 * Settings of an {@link OpenAiChatClient}. Build with {@link #builder()}: {@code setBaseUrl} and {@code setModel} are
 * required. The API key is not a setting: the client reads it from the environment variable named here, and keeps it
 * out of every message, log line and file. {@link #toString()} shows the variable's name, never its value.
 *
 * @param baseUrl the API's base URL, up to and including {@code /v1}
 * @param model the model's name, e.g. {@code gpt-4o}
 * @param apiKeyEnv the environment variable holding the key, or null for servers that need none
 * @param temperature the sampling temperature (default 0.7)
 * @param maxTokens the most tokens per answer ({@code max_tokens}, default 2,048)
 * @param seed the {@code seed} sent to servers that honour it, or null to send none
 * @param responseFormat the response format (default {@link ResponseFormat#TEXT})
 * @param connectTimeout how long to wait for a connection (default 10 s)
 * @param requestTimeout how long to wait for an answer (default 120 s)
 * @param maxRetries how many times a request is sent again after 429, 5xx, a garbled response or a connection
 *     error (default 5)
 * @param baseDelay the first retry's delay, doubled for each further retry (default 1 s)
 * @param maxDelay the longest computed delay (default 60 s; a server's {@code Retry-After} may ask for longer)
 * @param maxConcurrency the most requests in flight at once (default 8)
 * @param requestsPerMinute the most request starts per minute, or 0 for no limit (default 0)
 */
public record OpenAiConfig(URI baseUrl, String model, String apiKeyEnv, double temperature, int maxTokens,
        Long seed, ResponseFormat responseFormat, Duration connectTimeout, Duration requestTimeout, int maxRetries,
        Duration baseDelay, Duration maxDelay, int maxConcurrency, int requestsPerMinute) {
    /**
     * Validates the settings.
     *
     * @param baseUrl the base URL
     * @param model the model
     * @param apiKeyEnv the key's variable, or null
     * @param temperature the temperature
     * @param maxTokens the most tokens
     * @param seed the seed, or null
     * @param responseFormat the response format
     * @param connectTimeout the connection timeout
     * @param requestTimeout the request timeout
     * @param maxRetries the retries
     * @param baseDelay the first delay
     * @param maxDelay the longest delay
     * @param maxConcurrency the most requests in flight
     * @param requestsPerMinute the rate limit
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     */
    public OpenAiConfig {
        if (baseUrl == null || baseUrl.getScheme() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL, got " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
            throw new IllegalArgumentException("apiKeyEnv must be null or a variable name, got '" + apiKeyEnv + "'");
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        if (responseFormat == null) {
            throw new IllegalArgumentException("responseFormat must not be null");
        }
        positive(connectTimeout, "connectTimeout");
        positive(requestTimeout, "requestTimeout");
        positive(maxDelay, "maxDelay");
        if (baseDelay == null || baseDelay.isNegative()) {
            throw new IllegalArgumentException("baseDelay must be at least 0, got " + baseDelay);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be at least 0, got " + maxRetries);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, got " + maxConcurrency);
        }
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requestsPerMinute must be at least 0, got " + requestsPerMinute);
        }
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link OpenAiConfig}. */
    public static final class Builder {
        private URI baseUrl;
        private String model;
        private String apiKeyEnv = "OPENAI_API_KEY";
        private double temperature = 0.7;
        private int maxTokens = 2048;
        private Long seed;
        private ResponseFormat responseFormat = ResponseFormat.TEXT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(120);
        private int maxRetries = 5;
        private Duration baseDelay = Duration.ofSeconds(1);
        private Duration maxDelay = Duration.ofSeconds(60);
        private int maxConcurrency = 8;
        private int requestsPerMinute;

        private Builder() {}

        /**
         * Sets the base URL, e.g. {@code https://api.openai.com/v1}; {@code /chat/completions} is appended.
         *
         * @param baseUrl the URL
         * @return this builder
         * @throws IllegalArgumentException when it is not a URI
         */
        public Builder setBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl == null ? null : URI.create(baseUrl.replaceAll("/+$", ""));
            return this;
        }

        /**
         * Sets the model.
         *
         * @param model the model's name
         * @return this builder
         */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the environment variable holding the API key (default {@code OPENAI_API_KEY}); null sends no key.
         *
         * @param apiKeyEnv the variable's name, or null
         * @return this builder
         */
        public Builder optApiKeyEnv(String apiKeyEnv) {
            this.apiKeyEnv = apiKeyEnv;
            return this;
        }

        /**
         * Sets the temperature.
         *
         * @param temperature in [0, 2]
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Sets the most tokens per answer.
         *
         * @param maxTokens at least 1
         * @return this builder
         */
        public Builder optMaxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Sets the seed sent with each request.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the response format.
         *
         * @param responseFormat the format
         * @return this builder
         */
        public Builder optResponseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /**
         * Sets the connection and request timeouts.
         *
         * @param connect how long to wait for a connection
         * @param request how long to wait for an answer
         * @return this builder
         */
        public Builder optTimeouts(Duration connect, Duration request) {
            this.connectTimeout = connect;
            this.requestTimeout = request;
            return this;
        }

        /**
         * Sets the retry policy.
         *
         * @param maxRetries how many times a request is sent again
         * @param baseDelay the first delay
         * @param maxDelay the longest computed delay
         * @return this builder
         */
        public Builder optRetries(int maxRetries, Duration baseDelay, Duration maxDelay) {
            this.maxRetries = maxRetries;
            this.baseDelay = baseDelay;
            this.maxDelay = maxDelay;
            return this;
        }

        /**
         * Sets the most requests in flight at once.
         *
         * @param maxConcurrency at least 1
         * @return this builder
         */
        public Builder optMaxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * Sets the most request starts per minute.
         *
         * @param requestsPerMinute at least 0; 0 for no limit
         * @return this builder
         */
        public Builder optRequestsPerMinute(int requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the setting that is missing or out of range
         */
        public OpenAiConfig build() {
            return new OpenAiConfig(baseUrl, model, apiKeyEnv, temperature, maxTokens, seed, responseFormat,
                    connectTimeout, requestTimeout, maxRetries, baseDelay, maxDelay, maxConcurrency,
                    requestsPerMinute);
        }
    }
}
