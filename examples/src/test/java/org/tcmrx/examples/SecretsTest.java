package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API key given to the command line reaches the server and nothing else: no file of the run (samples, provenance,
 * settings, reports, models), no log line and no console output holds it.
 */
@DisplayName("API keys stay secret")
class SecretsTest {
    private static final String KEY = "sk-test-0123456789abcdefSECRET";

    /** Runs the command with standard error (where the log goes) captured too. */
    private static CliRun runCapturingLog(ByteArrayOutputStream log, String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            return CliRun.run(args);
        } finally {
            System.setErr(saved);
        }
    }

    private static List<Path> filesHolding(Path dir, byte[] needle) throws IOException {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                    hits.add(f);
                }
            }
        }
        return hits;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    @DisplayName("the pipeline with an OpenAI-compatible teacher sends the key from a key file and writes it nowhere")
    void pipeline(@TempDir Path dir) throws IOException {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Path runDir = dir.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CliRun r;
        List<String> sent;
        try (LocalChatServer server = new LocalChatServer(0, 4)) {
            r = runCapturingLog(log, "pipeline", "--smoke", "--quiet", "--teacher", "openai", "--teacher-url",
                    server.baseUrl(), "--teacher-model", "local", "--api-key-file", keyFile.toString(), "--out",
                    runDir.toString());
            sent = List.copyOf(server.authorizations());
        }
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(sent).containsExactly("Bearer " + KEY);
        assertThat(runDir.resolve("report/report.html")).isRegularFile();
        assertThat(filesHolding(runDir, KEY.getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(r.out()).doesNotContain(KEY);
        assertThat(r.err()).doesNotContain(KEY);
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(KEY).contains("DistillRun");
    }

    @Test
    @DisplayName("a key file others can read is refused, naming the file and never the key")
    void sharedKeyFile(@TempDir Path dir) throws IOException {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, KEY);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        try (LocalChatServer server = new LocalChatServer(0, 1)) {
            CliRun r = CliRun.run("distill", "--split", "valid", "--teacher", "openai", "--base-url", server.baseUrl(),
                    "--model", "local", "--api-key-file", keyFile.toString(), "--out", dir.resolve("out").toString());
            assertThat(r.code()).isNotZero();
            assertThat(r.err()).contains("apiKeyFile: " + keyFile + " has permissions rw-r--r--; a key file must be "
                    + "readable by its owner only (chmod 600 " + keyFile + ")").doesNotContain(KEY);
            assertThat(server.authorizations()).isEmpty();
        }
    }
}
