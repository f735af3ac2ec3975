package org.tcmrx.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.JsonLine;

/**
 * What a finished {@code tcm pipeline} run folder holds, read for {@link PipelineReport}. Only
 * {@code eval/summary.json} is required; every other file may be missing, which a null field (or an absent map
 * entry) records.
 *
 * @param dir the run folder
 * @param run {@code run.json}, or null when missing
 * @param stages the {@code <stage>/stage.json} markers present, by stage name in {@link #STAGES} order
 * @param summary {@code eval/summary.json}
 * @param examples the cases of {@code eval/examples.jsonl} in file order, or null when missing
 * @param pairStatistics the entries of {@code pairs/pair_statistics.json} in file order, or null when missing
 */
record PipelineRun(Path dir, RunInfo run, Map<String, Stage> stages, Summary summary, List<ExampleCase> examples,
        Map<String, JsonNode> pairStatistics) {
    /** The stages of the pipeline, in the order they run. */
    static final List<String> STAGES = List.of("distill", "sft", "bart", "pairs", "dpo", "eval");

    /**
     * The run's own record, {@code run.json}.
     *
     * @param command the command line's name, e.g. {@code tcm pipeline}
     * @param settings the settings as text, in file order
     * @param started when the run started (ISO-8601 text, as written)
     */
    record RunInfo(String command, Map<String, String> settings, String started) {}

    /**
     * A stage's marker, {@code <stage>/stage.json}.
     *
     * @param stage the stage's name
     * @param key the SHA-256 of the stage's inputs and settings
     * @param seconds its wall time
     * @param finished when it finished (ISO-8601 text, as written)
     * @param outputs the files and folders it wrote, relative to the run folder
     */
    record Stage(String stage, String key, double seconds, String finished, List<String> outputs) {}

    /**
     * A metric's value with its 95% bootstrap interval.
     *
     * @param value the point estimate
     * @param lower the interval's lower end
     * @param upper the interval's upper end
     */
    record Interval(double value, double lower, double upper) {}

    /**
     * A ranker's metrics at one K.
     *
     * @param k the number of herbs recommended
     * @param precision P@K
     * @param recall R@K
     * @param f1 F1@K
     * @param ndcg NDCG@K
     */
    record Row(int k, Interval precision, Interval recall, Interval f1, Interval ndcg) {}

    /**
     * A ranker's evaluation.
     *
     * @param name the ranker's name, e.g. {@code LLM-DPO}
     * @param rows one row per K, in file order
     */
    record Ranker(String name, List<Row> rows) {}

    /**
     * A paired bootstrap comparison of two rankers on one metric.
     *
     * @param a the first ranker
     * @param b the second ranker
     * @param metric the metric's name, e.g. {@code F1}
     * @param k the K it is measured at
     * @param difference {@code a - b}
     * @param lower the difference's 95% interval, lower end
     * @param upper the difference's 95% interval, upper end
     * @param p the two-sided p-value
     */
    record Comparison(String a, String b, String metric, int k, double difference, double lower, double upper,
            double p) {}

    /**
     * The evaluation, {@code eval/summary.json}.
     *
     * @param split the evaluated split
     * @param cases the number of evaluated cases
     * @param ks the cut-offs
     * @param rankers the rankers, in file order
     * @param comparisons the comparisons, in file order (empty when the file lists none)
     */
    record Summary(String split, int cases, List<Integer> ks, List<Ranker> rankers, List<Comparison> comparisons) {}

    /**
     * One example case, a line of {@code eval/examples.jsonl}.
     *
     * @param id the case's id
     * @param findings the clinical findings
     * @param truth the true prescription's herbs
     * @param bart BART's top herbs, best first
     * @param answers the language models' answers by ranker name; a missing answer is absent
     * @param safety the safety findings of each answer and of BART's list, by ranker name; empty when none, or when
     *     the file predates safety checks
     */
    record ExampleCase(String id, String findings, List<String> truth, List<String> bart,
            Map<String, String> answers, Map<String, List<String>> safety) {}

    /**
     * A training log ({@link org.tcmrx.nn.JsonlMetricsListener}): the loss of every step line and the metrics of
     * every evaluation line. A step logged twice keeps its last value; non-finite values are left out.
     *
     * @param loss the training loss by step
     * @param evaluations each evaluation metric's values by step, by metric name in first-seen order
     */
    record TrainingLog(Map<Integer, Double> loss, Map<String, Map<Integer, Double>> evaluations) {}

    /**
     * Reads a run folder.
     *
     * @param dir the run folder
     * @return what it holds
     * @throws IOException when a file cannot be read; {@link java.nio.file.NoSuchFileException} naming
     *     {@code eval/summary.json} when it is missing
     * @throws MalformedDataException when a file present does not have the expected form
     */
    static PipelineRun read(Path dir) throws IOException {
        Summary summary = readSummary(dir.resolve("eval").resolve("summary.json"));
        Path runFile = dir.resolve("run.json");
        RunInfo run = Files.isRegularFile(runFile) ? readRunInfo(runFile) : null;
        Map<String, Stage> stages = new LinkedHashMap<>();
        for (String name : STAGES) {
            Path marker = dir.resolve(name).resolve("stage.json");
            if (Files.isRegularFile(marker)) {
                stages.put(name, readStage(marker));
            }
        }
        Path examplesFile = dir.resolve("eval").resolve("examples.jsonl");
        List<ExampleCase> examples = Files.isRegularFile(examplesFile) ? readExamples(examplesFile) : null;
        Path pairsFile = dir.resolve("pairs").resolve("pair_statistics.json");
        Map<String, JsonNode> pairs = null;
        if (Files.isRegularFile(pairsFile)) {
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            object(pairsFile).fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
            pairs = Collections.unmodifiableMap(entries);
        }
        return new PipelineRun(dir, run, Collections.unmodifiableMap(stages), summary, examples, pairs);
    }

    /**
     * Reads {@code eval/summary.json}.
     *
     * @param file the file
     * @return the evaluation
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException naming the file and the field when it does not have the expected form
     */
    static Summary readSummary(Path file) throws IOException {
        JsonNode root = object(file);
        JsonLine where = new JsonLine(file.toString(), 0);
        List<Integer> ks = new ArrayList<>();
        JsonNode ksNode = array(where, root, null, "ks");
        for (int i = 0; i < ksNode.size(); i++) {
            ks.add(integer(where, ksNode, "ks", i));
        }
        List<Ranker> rankers = new ArrayList<>();
        JsonNode rankersNode = array(where, root, null, "rankers");
        for (int i = 0; i < rankersNode.size(); i++) {
            String at = "rankers[" + i + "]";
            JsonNode ranker = rankersNode.get(i);
            List<Row> rows = new ArrayList<>();
            JsonNode rowsNode = array(where, ranker, at, "rows");
            for (int j = 0; j < rowsNode.size(); j++) {
                String rowAt = at + ".rows[" + j + "]";
                JsonNode row = rowsNode.get(j);
                rows.add(new Row(integer(where, row, rowAt, "k"), interval(where, row, rowAt, "precision"),
                        interval(where, row, rowAt, "recall"), interval(where, row, rowAt, "f1"),
                        interval(where, row, rowAt, "ndcg")));
            }
            rankers.add(new Ranker(where.string(ranker, at, "name"), List.copyOf(rows)));
        }
        List<Comparison> comparisons = new ArrayList<>();
        if (root.has("comparisons")) {
            JsonNode node = array(where, root, null, "comparisons");
            for (int i = 0; i < node.size(); i++) {
                String at = "comparisons[" + i + "]";
                JsonNode c = node.get(i);
                comparisons.add(new Comparison(where.string(c, at, "a"), where.string(c, at, "b"),
                        where.string(c, at, "metric"), integer(where, c, at, "k"), number(where, c, at, "difference"),
                        number(where, c, at, "lower"), number(where, c, at, "upper"), number(where, c, at, "p")));
            }
        }
        return new Summary(where.string(root, "split"), integer(where, root, null, "cases"), List.copyOf(ks),
                List.copyOf(rankers), List.copyOf(comparisons));
    }

    /**
     * Reads a training log; the fields of a line that are missing or not numbers are skipped, since a report
     * should not fail on a log written by an older version, and so is a torn last line, what a run killed midway
     * leaves ({@link Jsonl#readAppended}).
     *
     * @param file the JSON Lines file
     * @return the log
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not JSON
     */
    static TrainingLog readLog(Path file) throws IOException {
        Map<Integer, Double> loss = new TreeMap<>();
        Map<String, Map<Integer, Double>> evaluations = new LinkedHashMap<>();
        for (JsonNode node : Jsonl.readAppended(file, JsonNode.class)) {
            String event = node.path("event").asText();
            int step = node.path("step").asInt(-1);
            if (event.equals("step") && finite(node.path("loss"))) {
                loss.put(step, node.path("loss").asDouble());
            } else if (event.equals("evaluation")) {
                node.path("metrics").fields().forEachRemaining(e -> {
                    if (finite(e.getValue())) {
                        evaluations.computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                                .put(step, e.getValue().asDouble());
                    }
                });
            }
        }
        evaluations.replaceAll((name, points) -> Collections.unmodifiableMap(points));
        return new TrainingLog(Collections.unmodifiableMap(loss), Collections.unmodifiableMap(evaluations));
    }

    private static boolean finite(JsonNode value) {
        return value.isNumber() && Double.isFinite(value.asDouble());
    }

    private static RunInfo readRunInfo(Path file) throws IOException {
        JsonNode root = object(file);
        JsonLine where = new JsonLine(file.toString(), 0);
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode node = root.path("settings");
        if (!node.isMissingNode() && !node.isObject()) {
            throw where.fail("settings", "expected an object, found " + node);
        }
        node.fields().forEachRemaining(e -> settings.put(e.getKey(), text(e.getValue())));
        return new RunInfo(where.string(root, "command"), Collections.unmodifiableMap(settings),
                where.string(root, "started"));
    }

    private static Stage readStage(Path file) throws IOException {
        JsonNode root = object(file);
        JsonLine where = new JsonLine(file.toString(), 0);
        List<String> outputs = new ArrayList<>();
        if (root.has("outputs")) {
            JsonNode node = array(where, root, null, "outputs");
            node.forEach(o -> outputs.add(text(o)));
        }
        return new Stage(where.string(root, "stage"), where.string(root, "key"), number(where, root, null, "seconds"),
                where.string(root, "finished"), List.copyOf(outputs));
    }

    private static List<ExampleCase> readExamples(Path file) throws IOException {
        List<ExampleCase> out = new ArrayList<>();
        Jsonl.forEach(file, JsonNode.class, (number, node) -> {
            JsonLine where = new JsonLine(file.toString(), number);
            if (!node.isObject()) {
                throw where.fail(null, "expected a JSON object, found " + node);
            }
            Map<String, String> answers = new LinkedHashMap<>();
            JsonNode answersNode = node.path("answers");
            if (!answersNode.isMissingNode() && !answersNode.isNull() && !answersNode.isObject()) {
                throw where.fail("answers", "expected an object, found " + answersNode);
            }
            answersNode.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    answers.put(e.getKey(), text(e.getValue()));
                }
            });
            Map<String, List<String>> safety = new LinkedHashMap<>();
            JsonNode safetyNode = node.path("safety");
            if (!safetyNode.isMissingNode() && !safetyNode.isNull() && !safetyNode.isObject()) {
                throw where.fail("safety", "expected an object, found " + safetyNode);
            }
            safetyNode.fieldNames().forEachRemaining(name -> safety.put(name, strings(where, safetyNode, name)));
            out.add(new ExampleCase(where.string(node, "id"), where.string(node, "findings"),
                    strings(where, node, "truth"), strings(where, node, "bart"),
                    Collections.unmodifiableMap(answers), Collections.unmodifiableMap(safety)));
        });
        return List.copyOf(out);
    }

    private static List<String> strings(JsonLine where, JsonNode object, String key) {
        if (!object.has(key) || object.get(key).isNull()) {
            return List.of();
        }
        JsonNode node = array(where, object, null, key);
        List<String> out = new ArrayList<>();
        node.forEach(v -> out.add(text(v)));
        return List.copyOf(out);
    }

    /** Reads a whole file as one JSON object; a syntax error is reported with its line. */
    private static JsonNode object(Path file) throws IOException {
        String text = Files.readString(file);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
            throw new MalformedDataException(file.toString(), line, null,
                    "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedDataException(file.toString(), 0, null,
                    "expected a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
        }
        return root;
    }

    private static JsonNode array(JsonLine where, JsonNode object, String prefix, String key) {
        JsonNode v = where.required(object, prefix, key);
        if (!v.isArray()) {
            throw where.fail(JsonLine.path(prefix, key), "expected an array, found " + v);
        }
        return v;
    }

    private static int integer(JsonLine where, JsonNode array, String path, int index) {
        JsonNode v = array.get(index);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw where.fail(path + "[" + index + "]", "expected an integer, found " + v);
        }
        return v.intValue();
    }

    private static int integer(JsonLine where, JsonNode object, String prefix, String key) {
        JsonNode v = where.required(object, prefix, key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw where.fail(JsonLine.path(prefix, key), "expected an integer, found " + v);
        }
        return v.intValue();
    }

    /** A number, or one of the strings the project writes for non-finite values ({@code "NaN"}, ...). */
    private static double number(JsonLine where, JsonNode object, String prefix, String key) {
        JsonNode v = where.required(object, prefix, key);
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw where.fail(JsonLine.path(prefix, key), "expected a number, found " + v);
    }

    private static Interval interval(JsonLine where, JsonNode row, String prefix, String key) {
        JsonNode v = where.required(row, prefix, key);
        String at = JsonLine.path(prefix, key);
        if (!v.isObject()) {
            throw where.fail(at, "expected an object {value, lower, upper}, found " + v);
        }
        return new Interval(number(where, v, at, "value"), number(where, v, at, "lower"),
                number(where, v, at, "upper"));
    }

    /** A value as text: a string as is, anything else as JSON. */
    private static String text(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }
}
