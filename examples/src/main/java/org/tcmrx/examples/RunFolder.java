package org.tcmrx.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.nn.internal.Checkpoints;

/**
 * A pipeline's run folder: one sub-folder per stage, each finished by a marker {@value #MARKER} holding the stage's
 * key. The key hashes the stage's own settings and the keys of the stages it reads, so a re-run skips a stage whose
 * key is unchanged and redoes it (and, through their keys, every stage after it) when a setting it depends on
 * changed.
 */
final class RunFolder {
    /** The marker a finished stage leaves in its folder. */
    static final String MARKER = "stage.json";
    /** The run's settings at the top of the folder. */
    static final String RUN_FILE = "run.json";

    private final Path root;

    RunFolder(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The folder of a stage. */
    Path stage(String name) {
        return root.resolve(name);
    }

    /**
     * Computes a stage's key.
     *
     * @param name the stage
     * @param settings what the stage's result depends on, by name
     * @param upstream the keys of the stages it reads
     * @return a SHA-256 hex string
     */
    static String key(String name, Map<String, ?> settings, List<String> upstream) {
        MessageDigest digest = Sha256.newDigest();
        StringBuilder text = new StringBuilder(name).append('\n');
        new TreeMap<>(settings).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        upstream.forEach(u -> text.append("after ").append(u).append('\n'));
        digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return Sha256.hex(digest);
    }

    /** The key a finished stage recorded, or null when it has not finished. */
    String finishedKey(String name) throws IOException {
        Path marker = stage(name).resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        JsonNode node = Json.MAPPER.readTree(marker.toFile());
        return node.path("key").isTextual() ? node.get("key").asText() : null;
    }

    /** Empties a stage's folder before the stage runs again. */
    void reset(String name) throws IOException {
        Path dir = stage(name);
        if (Files.exists(dir)) {
            Checkpoints.deleteTree(dir);
        }
        Files.createDirectories(dir);
    }

    /** Marks a stage finished. */
    void finish(String name, String key, double seconds, List<String> outputs) throws IOException {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("stage", name);
        marker.put("key", key);
        marker.put("seconds", Math.round(seconds * 10) / 10.0);
        marker.put("finished", Instant.now().toString());
        marker.put("outputs", outputs);
        AtomicFiles.writeString(stage(name).resolve(MARKER),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(marker) + "\n");
    }

    /** Writes {@value #RUN_FILE}: the command and its settings. */
    void writeRun(Map<String, Object> settings) throws IOException {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "tcm pipeline");
        run.put("settings", settings);
        run.put("started", Instant.now().toString());
        Files.createDirectories(root);
        AtomicFiles.writeString(root.resolve(RUN_FILE),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(run) + "\n");
    }
}
