package org.tcmrx.nn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;
import org.tcmrx.nn.Evaluation;

@DisplayName("Checkpoints")
class CheckpointsTest {
    @Test
    @DisplayName("trainer_state.json round-trips, NaN metrics included, with Hugging Face's key names")
    void stateRoundTrip(@TempDir Path dir) throws Exception {
        TrainerState state = new TrainerState(12, 1, 4, 0.25, null, -1, 2, 7L, Map.of("seed", "7"),
                List.of(new Evaluation(8, 0, Map.of("eval_loss", Double.NaN, "recall@10", 0.5))));
        Files.write(dir.resolve(Checkpoints.STATE), Json.MAPPER.writeValueAsBytes(state));
        assertThat(Files.readString(dir.resolve(Checkpoints.STATE)))
                .contains("\"global_step\":12", "\"log_history\":[", "\"best_metric\":null");
        assertThat(Checkpoints.readState(dir)).isEqualTo(state);
    }

    @Test
    @DisplayName("a malformed state names the file and the JSON path")
    void malformed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(Checkpoints.STATE), "{\"global_step\":\"x\"}");
        assertThatThrownBy(() -> Checkpoints.readState(dir)).isInstanceOf(MalformedDataException.class)
                .hasMessageStartingWith(dir.resolve(Checkpoints.STATE) + ": global_step: ");
    }

    @Test
    @DisplayName("prune keeps the newest step folders and best/")
    void prune(@TempDir Path dir) throws Exception {
        for (String name : List.of("checkpoint-5", "checkpoint-40", "checkpoint-100", "best", "notes")) {
            Files.createDirectories(dir.resolve(name));
        }
        Files.writeString(dir.resolve("checkpoint-5/file"), "x");
        Checkpoints.prune(dir, 2);
        assertThat(dir.resolve("checkpoint-100")).isDirectory();
        assertThat(dir.resolve("checkpoint-40")).isDirectory();
        assertThat(dir.resolve("checkpoint-5")).doesNotExist();
        assertThat(dir.resolve("best")).isDirectory();
        assertThat(dir.resolve("notes")).isDirectory();
    }
}
