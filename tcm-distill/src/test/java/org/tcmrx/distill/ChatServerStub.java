package org.tcmrx.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * An OpenAI-compatible chat server on 127.0.0.1 for tests: it answers each conversation with a valid three-section
 * answer built from the prompt's 【处方】 line, after misbehaving as a script says. The script sees the conversation's
 * key (its first user message) and how many requests that conversation has made, and picks a {@link Mode}.
 */
final class ChatServerStub implements AutoCloseable {
    /** What the server does with one request. */
    enum Mode { OK, SLOW, RATE_LIMITED, SERVER_ERROR, TRUNCATED, WRONG_SCHEMA, CLOSE, WRONG_HERBS, BAD_REQUEST,
        UNAUTHORIZED_ECHO, JSON }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // Without it the JDK server's separate header and body writes meet the client's delayed ACK: ~40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final String apiKey;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final Map<String, AtomicInteger> perConversation = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService pool;
    private final BiFunction<String, Integer, Mode> script;
    private final long latencyMillis;
    volatile long slowMillis = 400;
    volatile String retryAfter = "0";
    volatile JsonNode lastRequest;

    ChatServerStub(String apiKey, long latencyMillis, BiFunction<String, Integer, Mode> script) throws IOException {
        this.apiKey = apiKey;
        this.latencyMillis = latencyMillis;
        this.script = script;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.pool = Executors.newFixedThreadPool(32);
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (ex) {
            requests.incrementAndGet();
            JsonNode req = MAPPER.readTree(ex.getRequestBody());
            lastRequest = req;
            if (apiKey != null && !("Bearer " + apiKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"error\":{\"message\":\"missing key\"}}");
                return;
            }
            String key = null;
            for (JsonNode m : req.get("messages")) {
                if (m.get("role").asText().equals("user")) {
                    key = m.get("content").asText();
                    break;
                }
            }
            int n = perConversation.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            switch (script.apply(key, n)) {
                case OK -> send(ex, 200, completion(answer(key, false)));
                case WRONG_HERBS -> send(ex, 200, completion(answer(key, true)));
                case JSON -> {
                    String[] parts = answer(key, false).split("\n(?=处方)");
                    ObjectNode json = MAPPER.createObjectNode();
                    json.put("症状分析", parts[0].substring(5));
                    List.of(parts[1].substring(5).split("、")).forEach(json.putArray("处方推荐")::add);
                    json.put("处方解释", parts[2].substring(5));
                    send(ex, 200, completion(MAPPER.writeValueAsString(json)));
                }
                case SLOW -> {
                    Thread.sleep(slowMillis);
                    send(ex, 200, completion(answer(key, false)));
                }
                case RATE_LIMITED -> {
                    ex.getResponseHeaders().add("Retry-After", retryAfter);
                    send(ex, 429, "{\"error\":{\"message\":\"rate limited\"}}");
                }
                case SERVER_ERROR -> send(ex, 500, "{\"error\":{\"message\":\"overloaded\"}}");
                case TRUNCATED -> {
                    String full = completion(answer(key, false));
                    send(ex, 200, full.substring(0, full.length() / 2));
                }
                case WRONG_SCHEMA -> send(ex, 200, "{\"id\":\"x\",\"choices\":[{\"text\":\"no message here\"}]}");
                case CLOSE -> { } // no response: closing the exchange drops the connection
                case BAD_REQUEST -> send(ex, 400, "{\"error\":{\"message\":\"context length exceeded\"}}");
                case UNAUTHORIZED_ECHO -> send(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided: "
                        + apiKey + "\"}}");
                default -> throw new IllegalStateException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout) or the connection was dropped on purpose
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** A valid answer for the prompt's herbs, or one with an extra herb. */
    static String answer(String prompt, boolean wrong) {
        String herbs = prompt.lines().filter(l -> l.startsWith("【处方】")).findFirst().orElseThrow().substring(4);
        List<String> list = List.of(herbs.split("、"));
        StringBuilder explanation = new StringBuilder();
        for (String h : list) {
            explanation.append(h).append("为方中要药，与诸药配伍协同。");
        }
        return "症状分析：据所述症状、舌象与脉象，四诊合参，辨证明确，病机清楚，治当对证。\n处方推荐："
                + herbs + (wrong ? "、人参" : "") + "\n处方解释：" + explanation;
    }

    static String completion(String content) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", "chatcmpl-test");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        root.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 50).put("total_tokens", 150);
        return MAPPER.writeValueAsString(root);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
