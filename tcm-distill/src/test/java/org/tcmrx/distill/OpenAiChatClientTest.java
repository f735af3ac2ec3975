package org.tcmrx.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.distill.ChatServerStub.Mode;

@DisplayName("OpenAiChatClient")
class OpenAiChatClientTest {
    static final String KEY = "sk-test-5f3c9a1e7b2d4c60";
    static final String ENV = "TCMRX_TEST_KEY";
    private static final Map<String, String> ENVIRONMENT = Map.of(ENV, KEY);

    static OpenAiChatClient client(ChatServerStub server, int retries, Duration requestTimeout) {
        OpenAiConfig config = OpenAiConfig.builder().setBaseUrl(server.baseUrl()).setModel("gpt-4o")
                .optApiKeyEnv(ENV).optSeed(7).optTimeouts(Duration.ofSeconds(2), requestTimeout)
                .optRetries(retries, Duration.ofMillis(1), Duration.ofMillis(20)).optMaxConcurrency(8).build();
        return OpenAiChatClient.create(config, ENVIRONMENT::get);
    }

    static TeacherDistiller distiller(OpenAiChatClient client) {
        return TeacherDistiller.builder().setClient(client).optMaxReAsks(1).build();
    }

    @Nested
    @DisplayName("against a misbehaving server")
    class Misbehaving {
        @Test
        @DisplayName("ends every record accepted, none lost or twice, whatever the first response was")
        void everyRecordEnds(@TempDir Path dir) throws IOException {
            Mode[] first = {Mode.OK, Mode.SLOW, Mode.RATE_LIMITED, Mode.SERVER_ERROR, Mode.TRUNCATED,
                    Mode.WRONG_SCHEMA, Mode.CLOSE, Mode.WRONG_HERBS};
            BiFunction<String, Integer, Mode> script = (conversation, n) ->
                    n == 0 ? first[Math.floorMod(conversation.hashCode(), first.length)] : Mode.OK;
            List<ClinicalCase> cases = EmbeddedCorpus.load().allCases().subList(0, 40);
            try (ChatServerStub server = new ChatServerStub(KEY, 0, script)) {
                OpenAiChatClient client = client(server, 3, Duration.ofMillis(250));
                DistillSummary s = DistillRun.builder().setDistiller(distiller(client)).setOutput(dir)
                        .optConcurrency(4).build().run(cases);
                assertThat(s.accepted()).as(s.describe()).isEqualTo(40);
                assertThat(s.retried()).isPositive();
                assertThat(s.reAsked()).isPositive();
                assertThat(s.usage()).isEqualTo(client.usage());
                assertThat(client.usage().promptTokens()).isEqualTo(100L * (40 + s.reAsked()));
                List<String> ids = Files.readAllLines(dir.resolve("records.jsonl")).stream()
                        .map(l -> l.replaceAll("^\\{\"id\":\"([^\"]+)\".*$", "$1")).toList();
                assertThat(ids).hasSize(40).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(cases.stream().map(ClinicalCase::id).toList());
                assertThat(Files.readAllLines(dir.resolve("samples.jsonl"))).hasSize(40).doesNotHaveDuplicates();
            }
            assertKeyNowhere(dir);
        }

        @Test
        @DisplayName("leaves a record whose server keeps failing for the next run, and rejects a refused request")
        void failuresAndRejections(@TempDir Path dir) throws IOException {
            List<ClinicalCase> cases = EmbeddedCorpus.load().allCases().subList(0, 3);
            String failing = teacherPrompt(cases.get(0));
            String refused = teacherPrompt(cases.get(1));
            BiFunction<String, Integer, Mode> script = (c, n) -> c.equals(failing) ? Mode.SERVER_ERROR
                    : c.equals(refused) ? Mode.BAD_REQUEST : Mode.OK;
            try (ChatServerStub server = new ChatServerStub(KEY, 0, script)) {
                DistillSummary s = DistillRun.builder().setDistiller(distiller(client(server, 2,
                        Duration.ofSeconds(2)))).setOutput(dir).build().run(cases);
                assertThat(List.of(s.accepted(), s.rejected(), s.failed())).containsExactly(1L, 1L, 1L);
                assertThat(server.perConversation.values().stream().mapToInt(a -> a.get()).max()).hasValue(3);
                assertThat(Files.readString(dir.resolve("rejected.jsonl")))
                        .contains("unusable teacher response: HTTP 400 from http://127.0.0.1:");
            }
            try (ChatServerStub healthy = new ChatServerStub(KEY, 0, (c, n) -> Mode.OK)) {
                DistillSummary s = DistillRun.builder().setDistiller(distiller(client(healthy, 0,
                        Duration.ofSeconds(2)))).setOutput(dir).build().run(cases);
                assertThat(List.of(s.skipped(), s.accepted(), s.failed())).containsExactly(2L, 1L, 0L);
                assertThat(healthy.requests.get()).isEqualTo(1);
            }
            assertThat(Files.readAllLines(dir.resolve("records.jsonl"))).hasSize(3);
            assertKeyNowhere(dir);
        }

        @Test
        @DisplayName("waits at least the Retry-After a 429 asks for")
        void retryAfter() throws IOException {
            try (ChatServerStub server = new ChatServerStub(KEY, 0,
                    (c, n) -> n == 0 ? Mode.RATE_LIMITED : Mode.OK)) {
                server.retryAfter = "1";
                OpenAiChatClient client = client(server, 2, Duration.ofSeconds(2));
                long start = System.nanoTime();
                TeacherReply r = client.complete(List.of(TeacherMessage.user("【处方】麻黄")));
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(1_000_000_000L);
                assertThat(r.retries()).isEqualTo(1);
                assertThat(r.usage()).isEqualTo(new TokenUsage(100, 50));
            }
        }

        @Test
        @DisplayName("keeps the API key out of messages even when the server echoes it")
        void keyRedacted() throws IOException {
            try (ChatServerStub server = new ChatServerStub(KEY, 0, (c, n) -> Mode.UNAUTHORIZED_ECHO)) {
                OpenAiChatClient client = client(server, 2, Duration.ofSeconds(2));
                assertThatThrownBy(() -> client.complete(List.of(TeacherMessage.user("【处方】麻黄"))))
                        .isInstanceOf(IOException.class).isNotInstanceOf(TeacherResponseException.class)
                        .hasMessageContaining("HTTP 401").hasMessageContaining("[API key]")
                        .hasMessageNotContaining(KEY);
                assertThat(server.requests.get()).isEqualTo(1);
                assertThat(client.toString()).doesNotContain(KEY);
                assertThat(client.config().toString()).doesNotContain(KEY).contains(ENV);
            }
        }

        @Test
        @DisplayName("keeps at most maxConcurrency requests in flight")
        void concurrencyLimit() throws Exception {
            try (ChatServerStub server = new ChatServerStub(null, 30, (c, n) -> Mode.OK)) {
                OpenAiConfig config = OpenAiConfig.builder().setBaseUrl(server.baseUrl()).setModel("m")
                        .optApiKeyEnv(null).optMaxConcurrency(3).build();
                OpenAiChatClient client = OpenAiChatClient.create(config, k -> null);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    String prompt = "【处方】麻黄" + i;
                    threads.add(new Thread(() -> {
                        try {
                            client.complete(List.of(TeacherMessage.user(prompt)));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                threads.forEach(Thread::start);
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(server.requests.get()).isEqualTo(12);
                assertThat(server.maxInFlight.get()).isBetween(2, 3);
            }
        }
    }

    @Nested
    @DisplayName("requests")
    class Requests {
        @Test
        @DisplayName("send the model, sampling settings, seed, key and a strict JSON schema; JSON answers are read")
        void jsonSchema() throws IOException {
            try (ChatServerStub server = new ChatServerStub(KEY, 0, (c, n) -> Mode.JSON)) {
                OpenAiConfig config = OpenAiConfig.builder().setBaseUrl(server.baseUrl() + "/").setModel("gpt-4o")
                        .optApiKeyEnv(ENV).optTemperature(0.2).optMaxTokens(512).optSeed(7)
                        .optResponseFormat(ResponseFormat.JSON_SCHEMA).build();
                TeacherDistiller d = TeacherDistiller.builder().setClient(OpenAiChatClient.create(config,
                        ENVIRONMENT::get)).optJson(true).build();
                DistillResult r = d.distill(KnowledgeTeacherTest.MAHUANG);
                assertThat(r.reasons()).isEmpty();
                assertThat(r.sampleOrNull().answer()).contains("处方推荐：麻黄、桂枝、苦杏仁、炙甘草");
                var req = server.lastRequest;
                assertThat(req.get("model").asText()).isEqualTo("gpt-4o");
                assertThat(req.get("temperature").asDouble()).isEqualTo(0.2);
                assertThat(req.get("max_tokens").asInt()).isEqualTo(512);
                assertThat(req.get("seed").asLong()).isEqualTo(7);
                assertThat(req.get("response_format").get("type").asText()).isEqualTo("json_schema");
                assertThat(req.get("response_format").get("json_schema").get("schema").get("required"))
                        .hasSize(3);
                assertThat(req.get("messages").get(1).get("content").asText()).contains("JSON");
            }
        }
    }

    @Nested
    @DisplayName("configuration")
    class Configuration {
        @Test
        @DisplayName("refuses a missing key variable and bad settings, naming them")
        void errors() {
            OpenAiConfig config = OpenAiConfig.builder().setBaseUrl("http://127.0.0.1:1/v1").setModel("m")
                    .optApiKeyEnv("NOT_SET_ANYWHERE").build();
            assertThatThrownBy(() -> OpenAiChatClient.create(config, k -> null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("apiKeyEnv: environment variable NOT_SET_ANYWHERE is not set");
            assertThatThrownBy(() -> OpenAiConfig.builder().setBaseUrl("ftp://x").setModel("m").build())
                    .hasMessage("baseUrl must be an http or https URL, got ftp://x");
            assertThatThrownBy(() -> OpenAiConfig.builder().setBaseUrl("http://x/v1").setModel("m")
                    .optTemperature(3).build()).hasMessage("temperature must be in [0, 2], got 3.0");
        }
    }

    private static String teacherPrompt(ClinicalCase c) {
        return PromptTemplate.standard().teacherMessages(c, false).get(1).content();
    }

    /** Searches the output files and the test log for the key. */
    static void assertKeyNowhere(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(files::add);
        }
        Path log = Path.of("target", "distill-tests.log");
        assertThat(log).exists();
        files.add(log);
        for (Path f : files) {
            assertThat(Files.readString(f)).as(f.toString()).doesNotContain(KEY);
        }
    }
}
