package org.tcmrx.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in OpenAI-compatible chat server on 127.0.0.1 for benchmarks and command-line tests: after a fixed latency
 * it answers each request with a valid three-section answer for the prompt's 【处方】 line, as a perfect teacher
 * would, and reports token usage from the text lengths.
 */
final class LocalChatServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // Without it the JDK server's separate header and body writes meet the client's delayed ACK: ~40 ms a request.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final long latencyMillis;
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();

    LocalChatServer(long latencyMillis, int threads) throws IOException {
        this.latencyMillis = latencyMillis;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        this.pool = Executors.newFixedThreadPool(threads);
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /** The base URL to give the client. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The distinct {@code Authorization} headers received, for tests that check which key was sent. */
    Set<String> authorizations() {
        return Set.copyOf(authorizations);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            JsonNode req = MAPPER.readTree(ex.getRequestBody());
            String prompt = "";
            for (JsonNode m : req.get("messages")) {
                if (m.get("role").asText().equals("user")) {
                    prompt = m.get("content").asText();
                    break;
                }
            }
            Thread.sleep(latencyMillis);
            String herbs = prompt.lines().filter(l -> l.startsWith("【处方】")).map(l -> l.substring(4)).findFirst()
                    .orElse("");
            StringBuilder why = new StringBuilder();
            for (String h : herbs.split("、")) {
                why.append(h).append("：依其性味归经，在方中各司其职。");
            }
            String answer = "症状分析：综合症状、舌脉，辨其证候与病机，确立治法。\n处方推荐：" + herbs + "\n处方解释：" + why;
            ObjectNode root = MAPPER.createObjectNode();
            root.putArray("choices").addObject().put("finish_reason", "stop").putObject("message")
                    .put("role", "assistant").put("content", answer);
            root.putObject("usage").put("prompt_tokens", prompt.length()).put("completion_tokens", answer.length());
            byte[] body = MAPPER.writeValueAsBytes(root);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
