package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.Jsonl;
import org.tcmrx.nn.internal.Checkpoints;

@DisplayName("TrainingLoop after a crash")
class TrainingLoopCrashTest {
    private final NDManager base = NDManager.newBaseManager();

    @AfterEach
    void close() {
        base.close();
    }

    private RegressionTask task() {
        return new RegressionTask(base, 11, 12, 32, 4, true);
    }

    private static TrainingLoop<RegressionTask.Batch> loop(int steps, Path dir, TrainingListener... listeners) {
        TrainingConfig.Builder config = TrainingLoopTest.config(steps).optCheckpointDir(dir).optCheckpointEverySteps(4)
                .optKeepCheckpoints(0);
        for (TrainingListener l : listeners) {
            config.addListener(l);
        }
        return new TrainingLoop<>(config.build());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Each line's event and step, and the loss of step lines: the log without its timings. */
    private static List<String> events(Path log) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode line : Jsonl.read(log, JsonNode.class)) {
            out.add(line.path("event").asText() + " " + line.path("step").asInt(-1) + " " + line.path("loss"));
        }
        return out;
    }

    /** A listener that fails at a step, as a process dying there would stop the run. */
    private static TrainingListener dieAt(int step) {
        return new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) throws IOException {
                if (m.step() == step) {
                    throw new IOException("died at step " + step);
                }
            }
        };
    }

    @Nested
    @DisplayName("the last checkpoint")
    class Last {
        @Test
        @DisplayName("is the highest complete step folder: never a hidden half-written one, nor one missing a file "
                + "or holding another step's state")
        void complete(@TempDir Path dir) throws IOException {
            loop(12, dir).train(task());
            Path half = Files.createDirectories(dir.resolve(".checkpoint-16.tmp-123"));
            Files.write(half.resolve(Checkpoints.MODEL), new byte[] {1, 2, 3});
            Path noState = Files.createDirectories(dir.resolve("checkpoint-20"));
            for (String f : List.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER, Checkpoints.PROVENANCE)) {
                Files.copy(dir.resolve("checkpoint-12").resolve(f), noState.resolve(f));
            }
            Path copied = Files.createDirectories(dir.resolve("checkpoint-24"));
            try (Stream<Path> files = Files.list(dir.resolve("checkpoint-12"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, copied.resolve(f.getFileName()));
                }
            }
            assertThat(TrainingLoop.lastCheckpointOrNull(dir)).isEqualTo(dir.resolve("checkpoint-12"));
        }

        @Test
        @DisplayName("is null without a step folder or without the directory")
        void none(@TempDir Path dir) throws IOException {
            assertThat(TrainingLoop.lastCheckpointOrNull(dir.resolve("missing"))).isNull();
            Files.createDirectories(dir.resolve(".checkpoint-4.tmp-1"));
            assertThat(TrainingLoop.lastCheckpointOrNull(dir)).isNull();
        }
    }

    @Nested
    @DisplayName("a new run")
    class Recovery {
        @Test
        @DisplayName("puts back a folder moved aside whose replacement never arrived, and deletes half-written and "
                + "half-deleted ones")
        void recovers(@TempDir Path dir) throws IOException {
            Path aside = Files.createDirectories(dir.resolve(".best.old-77"));
            Files.writeString(aside.resolve("marker"), "the best so far");
            Files.createDirectories(dir.resolve(".checkpoint-8.tmp-5"));
            Files.createDirectories(dir.resolve(".checkpoint-2.del-9"));
            loop(4, dir).train(task());
            assertThat(names(dir)).containsExactly("best", "checkpoint-4");
            assertThat(dir.resolve("best/marker")).hasContent("the best so far");
        }
    }

    @Nested
    @DisplayName("resuming")
    class Resuming {
        @Test
        @DisplayName("from the last checkpoint of a run that died at step 10 gives the straight run's weights and "
                + "log: the dead run's lines past the checkpoint and its torn last line are dropped")
        void log(@TempDir Path dir) throws IOException {
            Path straightLog = dir.resolve("straight.jsonl");
            RegressionTask straight = task();
            loop(12, dir.resolve("a"), new JsonlMetricsListener(straightLog)).train(straight);

            Path crashed = dir.resolve("b");
            Path log = dir.resolve("crashed.jsonl");
            assertThatThrownBy(() -> loop(12, crashed, new JsonlMetricsListener(log), dieAt(10)).train(task()))
                    .hasMessage("died at step 10");
            Files.writeString(log, "{\"event\":\"step\",\"step\":11,\"lo", StandardOpenOption.APPEND);
            Path last = TrainingLoop.lastCheckpointOrNull(crashed);
            assertThat(last).isEqualTo(crashed.resolve("checkpoint-8"));

            RegressionTask resumed = new RegressionTask(base, 11, 99, 32, 4, true);
            TrainingResult r = loop(12, crashed, new JsonlMetricsListener(log)).resume(resumed, last);
            assertThat(r.steps()).isEqualTo(12);
            assertThat(events(log)).isEqualTo(events(straightLog));
            for (String name : List.of(RegressionTask.WEIGHT, RegressionTask.BIAS)) {
                assertThat(resumed.parameters().get(name).toFloatArray()).as(name)
                        .containsExactly(straight.parameters().get(name).toFloatArray());
            }
        }

        @Test
        @DisplayName("from the final checkpoint of a run stopped early ends at once, stopped")
        void stopped(@TempDir Path dir) throws IOException {
            TrainingConfig config = TrainingLoopTest.config(100).optEvalEverySteps(2).optCheckpointDir(dir)
                    .optEarlyStopping(new EarlyStopping("eval_loss", EarlyStopping.Mode.MIN, 1, 0)).build();
            TrainingResult first = new TrainingLoop<RegressionTask.Batch>(config)
                    .train(new ScriptedTask(base, 1.0, 2.0));
            assertThat(first.stoppedEarly()).isTrue();
            assertThat(first.steps()).isEqualTo(4);
            ScriptedTask again = new ScriptedTask(base);
            TrainingResult resumed = new TrainingLoop<RegressionTask.Batch>(config)
                    .resume(again, TrainingLoop.lastCheckpointOrNull(dir));
            assertThat(resumed.stoppedEarly()).isTrue();
            assertThat(resumed.steps()).isEqualTo(4);
            assertThat(resumed.bestStep()).isEqualTo(2);
            assertThat(again.calls).isZero();
        }
    }

    @Nested
    @DisplayName("files written with a checkpoint")
    class Extras {
        @Test
        @DisplayName("are in the folder when it appears, and when writing them fails no folder appears")
        void extras(@TempDir Path dir) throws IOException {
            TrainingListener adapter = new TrainingListener() {
                @Override
                public void onCheckpointWriting(int step, Path folder) throws IOException {
                    Files.writeString(folder.resolve("adapter_config.json"), "{\"step\":" + step + "}");
                }

                @Override
                public void onCheckpoint(int step, Path folder) {
                    assertThat(folder.resolve("adapter_config.json")).hasContent("{\"step\":" + step + "}");
                }
            };
            loop(4, dir.resolve("ok"), adapter).train(task());
            assertThat(dir.resolve("ok/checkpoint-4/adapter_config.json")).isRegularFile();

            TrainingListener failing = new TrainingListener() {
                @Override
                public void onCheckpointWriting(int step, Path folder) throws IOException {
                    throw new IOException("disk full");
                }
            };
            assertThatThrownBy(() -> loop(4, dir.resolve("failed"), failing).train(task())).hasMessage("disk full");
            assertThat(names(dir.resolve("failed"))).isEmpty();
        }
    }
}
