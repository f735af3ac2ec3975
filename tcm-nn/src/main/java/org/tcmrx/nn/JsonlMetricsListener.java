package org.tcmrx.nn;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.internal.Checks;

/**
 * Writes one JSON line per training event to a file, each appended whole ({@link Jsonl#append}), so a crashed run
 * leaves a readable log ({@link Jsonl#readAppended} leaves out a torn last line). A resumed run continues it after
 * cutting what the crashed run logged past the checkpoint ({@link #onResume}), so that every step appears once, as in
 * a run that was never interrupted. Keys follow Hugging Face's {@code log_history}:
 *
 * <pre>
 * {"event":"step","step":12,"epoch":1,"loss":0.41,"learning_rate":4.2E-5,"grad_norm":0.93,"millis":35,
 *  "examples":8,"tokens":512,"tokens_per_second":14628.6,"skipped":false}
 * {"event":"evaluation","step":100,"epoch":1,"metrics":{"eval_loss":0.52}}
 * {"event":"checkpoint","step":100,"path":"runs/a/checkpoint-100"}
 * {"event":"end","steps":300,"epochs":3,"final_loss":0.2,"best_metric":0.5,"best_step":200,"stopped_early":false,
 *  "wall_millis":61234}
 * </pre>
 *
 * (keys appear sorted, the project's JSON convention; NaN is written as the string {@code "NaN"}).
 * {@code tokens_per_second} is the step's {@code tokens} over its {@code millis}; it is left out when the task
 * reports no tokens or the step took under a millisecond. A step line also carries the task's own
 * {@link StepMetrics#metrics()} as top-level keys, as Hugging Face's {@code log_history} does (a preference trainer's
 * {@code "rewards/chosen"}, say); a name that clashes with one of the keys above is not written.
 */
public final class JsonlMetricsListener implements TrainingListener {
    private final Path file;

    /**
     * Creates a listener appending to a file (created with its folders when needed, never truncated).
     *
     * @param file the JSON Lines file
     * @throws IllegalArgumentException when {@code file} is null
     */
    public JsonlMetricsListener(Path file) {
        this.file = Checks.notNull(file, "file");
    }

    /**
     * Returns the file.
     *
     * @return the JSON Lines file
     */
    public Path file() {
        return file;
    }

    @Override
    public void onStep(StepMetrics m) throws IOException {
        Map<String, Object> line = event("step");
        line.put("step", m.step());
        line.put("epoch", m.epoch());
        line.put("loss", m.loss());
        line.put("learning_rate", m.learningRate());
        line.put("grad_norm", m.gradNorm());
        line.put("millis", m.millis());
        line.put("examples", m.examples());
        line.put("tokens", m.tokens());
        if (m.tokens() > 0 && m.millis() > 0) {
            line.put("tokens_per_second", m.tokens() * 1000.0 / m.millis());
        }
        line.put("skipped", m.skipped());
        m.metrics().forEach(line::putIfAbsent);
        append(line);
    }

    @Override
    public void onEvaluation(Evaluation e) throws IOException {
        Map<String, Object> line = event("evaluation");
        line.put("step", e.step());
        line.put("epoch", e.epoch());
        line.put("metrics", e.metrics());
        append(line);
    }

    @Override
    public void onCheckpoint(int step, Path folder) throws IOException {
        Map<String, Object> line = event("checkpoint");
        line.put("step", step);
        line.put("path", folder.toString());
        append(line);
    }

    /**
     * Cuts what the log holds past the checkpoint, with a torn last line: every line after the last
     * {@code checkpoint} line of that folder (its name and step), the run's work after it being about to run again.
     * Without such a line (the process died between writing the folder and logging it), every line of a later step
     * and every {@code end} line after the last {@code step} line of the checkpoint's step goes. Nothing happens
     * when the file does not exist.
     */
    @Override
    public void onResume(int step, Path checkpoint) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<JsonNode> lines = Jsonl.readAppended(file, JsonNode.class);
        String name = checkpoint.getFileName().toString();
        int logged = -1;
        int stepLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            if (line.path("step").asInt(-1) != step) {
                continue;
            }
            if (isEvent(line, "checkpoint") && Path.of(line.path("path").asText()).getFileName().toString()
                    .equals(name)) {
                logged = i;
            } else if (isEvent(line, "step")) {
                stepLine = i;
            }
        }
        boolean exact = logged >= 0;
        int from = exact ? logged : stepLine;
        Predicate<JsonNode> redone = new Predicate<>() {
            private int index;

            @Override
            public boolean test(JsonNode line) {
                return index++ > from && (exact || isEvent(line, "end") || line.path("step").asInt(-1) > step);
            }
        };
        Jsonl.truncateBefore(file, JsonNode.class, redone);
    }

    private static boolean isEvent(JsonNode line, String kind) {
        return kind.equals(line.path("event").asText());
    }

    @Override
    public void onEnd(TrainingResult r) throws IOException {
        Map<String, Object> line = event("end");
        line.put("steps", r.steps());
        line.put("epochs", r.epochs());
        line.put("final_loss", r.finalTrainLoss());
        line.put("best_metric", r.bestMetric());
        line.put("best_step", r.bestStep());
        line.put("stopped_early", r.stoppedEarly());
        line.put("wall_millis", r.wallTime().toMillis());
        append(line);
    }

    private static Map<String, Object> event(String kind) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", kind);
        return line;
    }

    private void append(Map<String, Object> line) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Jsonl.append(file, line);
    }
}
