package org.tcmrx.dpo;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.internal.AtomicFiles;

/**
 * The chart of a DPO run, drawn with JFreeChart: three panels over the optimizer step, the loss (training and, when
 * evaluated, validation), the rewards ({@code rewards/chosen}, {@code rewards/rejected}, {@code rewards/margins}) and
 * the reward accuracy, each with labelled axes.
 */
public final class DpoChart {
    /** The training loss series. */
    public static final String LOSS = "loss";
    /** The validation loss series. */
    public static final String EVAL_LOSS = "eval_loss";
    private static final List<String> REWARDS = List.of("rewards/chosen", "rewards/rejected", "rewards/margins");
    private static final String ACCURACY = "rewards/accuracies";

    private final Map<String, Map<Integer, Double>> series;

    /**
     * Creates a chart from series of points.
     *
     * @param series the values by step of each series by name: {@value #LOSS}, {@value #EVAL_LOSS},
     *     {@code rewards/chosen}, {@code rewards/rejected}, {@code rewards/margins}, {@code rewards/accuracies};
     *     others are ignored and missing ones are left out
     * @throws IllegalArgumentException when {@code series} is null
     */
    public DpoChart(Map<String, Map<Integer, Double>> series) {
        if (series == null) {
            throw new IllegalArgumentException("series must not be null");
        }
        Map<String, Map<Integer, Double>> copy = new LinkedHashMap<>();
        series.forEach((name, points) -> copy.put(name, Collections.unmodifiableMap(new TreeMap<>(points))));
        this.series = Collections.unmodifiableMap(copy);
    }

    /**
     * Reads the series of a {@link LoraDpoTrainer} log: the {@code loss} and rewards of every step line and the
     * {@code eval_loss} of every evaluation. A step logged twice keeps its last value; non-finite values are left out,
     * and so is a torn last line, what a run killed midway leaves ({@link Jsonl#readAppended}).
     *
     * @param metricsFile the JSON Lines file
     * @return the chart
     * @throws IOException when the file cannot be read
     * @throws org.tcmrx.core.MalformedDataException when a line is not JSON
     */
    public static DpoChart fromMetrics(Path metricsFile) throws IOException {
        Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
        for (JsonNode line : Jsonl.readAppended(metricsFile, JsonNode.class)) {
            String event = line.path("event").asText();
            int step = line.path("step").asInt(-1);
            if (event.equals("step")) {
                List<String> names = new ArrayList<>(REWARDS);
                names.add(0, LOSS);
                names.add(ACCURACY);
                for (String name : names) {
                    put(series, name, step, line.path(name));
                }
            } else if (event.equals("evaluation")) {
                put(series, EVAL_LOSS, step, line.path("metrics").path(DpoTask.EVAL_LOSS));
            }
        }
        return new DpoChart(series);
    }

    private static void put(Map<String, Map<Integer, Double>> series, String name, int step, JsonNode value) {
        if (value.isNumber() && Double.isFinite(value.asDouble())) {
            series.computeIfAbsent(name, k -> new TreeMap<>()).put(step, value.asDouble());
        }
    }

    /**
     * Returns the series.
     *
     * @return the values by step of each series by name
     */
    public Map<String, Map<Integer, Double>> series() {
        return series;
    }

    /**
     * Builds the JFreeChart chart.
     *
     * @return the chart: three panels sharing the step axis
     */
    public JFreeChart chart() {
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("optimizer step"));
        plot.setGap(12);
        plot.add(panel("loss", List.of(LOSS, EVAL_LOSS)), 2);
        plot.add(panel("reward (beta * log-ratio)", REWARDS), 2);
        plot.add(panel("reward accuracy", List.of(ACCURACY)), 1);
        JFreeChart chart = new JFreeChart("DPO training", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private XYPlot panel(String axis, List<String> names) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String name : names) {
            XYSeries s = new XYSeries(name);
            series.getOrDefault(name, Map.of()).forEach(s::add);
            data.addSeries(s);
        }
        NumberAxis range = new NumberAxis(axis);
        range.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < names.size(); i++) {
            // Sparse series (evaluations) also get their points drawn.
            renderer.setSeriesShapesVisible(i, names.get(i).equals(EVAL_LOSS));
        }
        XYPlot panel = new XYPlot(data, null, range, renderer);
        panel.setBackgroundPaint(Color.WHITE);
        panel.setDomainGridlinePaint(Color.LIGHT_GRAY);
        panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return panel;
    }

    /**
     * Writes the chart as a 900 x 800 PNG, atomically.
     *
     * @param png the file, replaced when present; its folder is created
     * @throws IOException when writing fails; the previous file is then unchanged
     */
    public void write(Path png) throws IOException {
        JFreeChart chart = chart();
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, 800));
    }
}
