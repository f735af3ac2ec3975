package org.tcmrx.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ApiKeyFile")
class ApiKeyFileTest {
    private static Path keyFile(Path dir, String content, String permissions) throws IOException {
        Path f = Files.writeString(dir.resolve("key"), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(permissions));
        return f;
    }

    @Test
    @DisplayName("reads the first non-blank line of an owner-only file, stripped")
    void reads(@TempDir Path dir) throws IOException {
        assertThat(ApiKeyFile.read(keyFile(dir, "\n  sk-abc \nsecond\n", "rw-------"))).isEqualTo("sk-abc");
        assertThat(ApiKeyFile.read(keyFile(dir, "sk-abc", "r--------"))).isEqualTo("sk-abc");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw--w----", "rw-rw-rw-"})
    @DisplayName("refuses a file its group or others may read or write, naming the file, never the key")
    void shared(String permissions, @TempDir Path dir) throws IOException {
        Path f = keyFile(dir, "sk-secret", permissions);
        assertThatThrownBy(() -> ApiKeyFile.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("apiKeyFile: " + f + " has permissions " + permissions + "; a key file must be readable "
                        + "by its owner only (chmod 600 " + f + ")")
                .message().doesNotContain("sk-secret");
    }

    @Test
    @DisplayName("refuses a missing file, a folder and a file without a key")
    void missing(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ApiKeyFile.read(dir.resolve("nope"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("apiKeyFile: " + dir.resolve("nope") + " is not a file");
        assertThatThrownBy(() -> ApiKeyFile.read(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("apiKeyFile: " + dir + " is not a file");
        Path empty = keyFile(dir, " \n\n", "rw-------");
        assertThatThrownBy(() -> ApiKeyFile.read(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("apiKeyFile: " + empty + " holds no key");
        assertThatThrownBy(() -> ApiKeyFile.read(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("apiKeyFile must not be null");
    }

    @Test
    @DisplayName("the client takes its key from the file, and its config holds none")
    void client(@TempDir Path dir) throws IOException {
        OpenAiConfig config = OpenAiConfig.builder().setBaseUrl("http://127.0.0.1:9/v1").setModel("m").build();
        OpenAiChatClient client = OpenAiChatClient.create(config, keyFile(dir, "sk-abc", "rw-------"));
        assertThat(client.config().toString()).doesNotContain("sk-abc");
    }
}
