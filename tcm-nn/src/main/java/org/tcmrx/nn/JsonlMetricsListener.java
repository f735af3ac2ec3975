package org.tcmrx.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.internal.Checks;

/**
 * Writes one JSON line per training event to a file, each appended whole ({@link Jsonl#append}), so a crashed run
 * leaves a readable log and a resumed run simply continues it. Keys follow Hugging Face's {@code log_history}:
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
