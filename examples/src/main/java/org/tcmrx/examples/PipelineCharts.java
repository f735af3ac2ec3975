package org.tcmrx.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Checks;

/**
 * The charts of a pipeline report, drawn with JFreeChart on a white background with a title and labelled axes: the
 * rankers' P@K and R@K with their bootstrap intervals, and the SFT and BART training curves.
 */
final class PipelineCharts {
    /** The width of a written chart, in pixels. */
    static final int WIDTH = 900;
    /** The height of a written chart, in pixels. */
    static final int HEIGHT = 600;
    /** The axis every training chart shares. */
    static final String STEP_AXIS = "optimizer step";

    /** Colours told apart on a white background (Tableau's ten), used in turn across a chart's panels. */
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
        new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
        new Color(0x9C755F), new Color(0xBAB0AC)};

    /** A metric drawn against K. */
    enum AtK {
        /** P@K. */
        PRECISION("Precision at K", "precision@K", PipelineRun.Row::precision),
        /** R@K. */
        RECALL("Recall at K", "recall@K", PipelineRun.Row::recall);

        private final String title;
        private final String axis;
        private final Function<PipelineRun.Row, PipelineRun.Interval> value;

        AtK(String title, String axis, Function<PipelineRun.Row, PipelineRun.Interval> value) {
            this.title = title;
            this.axis = axis;
            this.value = value;
        }
    }

    private PipelineCharts() {}

    /**
     * Draws a metric against K, one line per ranker, each point with its 95% bootstrap interval as an error bar. The
     * rankers' points are shifted a little sideways around each K so that their bars do not hide one another.
     *
     * @param summary the evaluation
     * @param metric the metric
     * @return the chart
     * @throws IllegalArgumentException when an argument is null
     */
    static JFreeChart atK(PipelineRun.Summary summary, AtK metric) {
        Checks.notNull(summary, "summary");
        Checks.notNull(metric, "metric");
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<PipelineRun.Ranker> rankers = summary.rankers();
        // The sideways shift between neighbouring rankers, in units of K: small enough to keep each point at its K.
        double spread = 0.25;
        int maxK = 0;
        for (int i = 0; i < rankers.size(); i++) {
            double shift = (i - (rankers.size() - 1) / 2.0) * spread;
            YIntervalSeries series = new YIntervalSeries(rankers.get(i).name());
            for (PipelineRun.Row row : rankers.get(i).rows()) {
                PipelineRun.Interval v = metric.value.apply(row);
                if (Double.isFinite(v.value())) {
                    series.add(row.k() + shift, v.value(), finiteOr(v.lower(), v.value()),
                            finiteOr(v.upper(), v.value()));
                }
                maxK = Math.max(maxK, row.k());
            }
            data.addSeries(series);
        }
        NumberAxis k = new NumberAxis("K (number of herbs recommended)");
        k.setTickUnit(new NumberTickUnit(5));
        k.setRange(0, maxK + 2.5);
        NumberAxis range = new NumberAxis(metric.axis + " (95% bootstrap interval)");
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setCapLength(6);
        renderer.setErrorStroke(new BasicStroke(1.2f));
        paint(renderer, rankers.size(), 0);
        XYPlot plot = plot(data, k, range, renderer);
        return chart(metric.title + " on the " + summary.split() + " split (" + summary.cases() + " cases)", plot);
    }

    /**
     * Draws SFT's training loss by step, one panel per model trained (the full model from scratch, the LoRA adapter),
     * with the validation loss as points when it was evaluated.
     *
     * @param full the full model's log, or null when there is none
     * @param lora the LoRA adapter's log, or null when there is none
     * @return the chart
     * @throws IllegalArgumentException when both logs are null
     */
    static JFreeChart sft(PipelineRun.TrainingLog full, PipelineRun.TrainingLog lora) {
        if (full == null && lora == null) {
            throw new IllegalArgumentException("full and lora must not both be null");
        }
        CombinedDomainXYPlot plot = combined();
        int colour = 0;
        if (full != null) {
            XYPlot panel = lossPanel(full, "full: ", "loss (full model, from scratch)", colour);
            colour += panel.getDataset().getSeriesCount();
            plot.add(panel, 1);
        }
        if (lora != null) {
            plot.add(lossPanel(lora, "LoRA: ", "loss (LoRA adapter)", colour), 1);
        }
        return chart("SFT training loss", plot);
    }

    /**
     * Draws BART's training: the training loss by step (with any validation loss), and below it every other
     * validation metric (P@5, R@20) at each evaluation.
     *
     * @param log BART's log
     * @return the chart
     * @throws IllegalArgumentException when {@code log} is null
     */
    static JFreeChart bart(PipelineRun.TrainingLog log) {
        Checks.notNull(log, "log");
        CombinedDomainXYPlot plot = combined();
        XYPlot losses = lossPanel(log, "", "loss", 0);
        plot.add(losses, 1);
        List<String> metrics = new ArrayList<>();
        log.evaluations().keySet().stream().filter(name -> !isLoss(name)).forEach(metrics::add);
        if (!metrics.isEmpty()) {
            XYSeriesCollection data = new XYSeriesCollection();
            metrics.forEach(name -> data.addSeries(series(validation(name), log.evaluations().get(name))));
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
            paint(renderer, metrics.size(), losses.getDataset().getSeriesCount());
            plot.add(plot(data, null, new NumberAxis("validation metric"), renderer), 1);
        }
        return chart("BART training", plot);
    }

    /**
     * Writes a chart as a {@value #WIDTH} x {@value #HEIGHT} PNG, atomically.
     *
     * @param chart the chart
     * @param png the file, replaced when present; its folder is created
     * @throws IOException when writing fails
     */
    static void write(JFreeChart chart, Path png) throws IOException {
        AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }

    /**
     * A panel of a log's training loss and validation losses; series names start with {@code prefix} and take the
     * palette's colours from {@code colour} on.
     */
    private static XYPlot lossPanel(PipelineRun.TrainingLog log, String prefix, String axis, int colour) {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series(prefix + "training loss", log.loss()));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        int index = 1;
        for (Map.Entry<String, Map<Integer, Double>> e : log.evaluations().entrySet()) {
            if (isLoss(e.getKey())) {
                data.addSeries(series(prefix + validation(e.getKey()), e.getValue()));
                // Evaluations are sparse: their points are drawn, so a single one still shows.
                renderer.setSeriesShapesVisible(index++, true);
            }
        }
        paint(renderer, data.getSeriesCount(), colour);
        NumberAxis range = new NumberAxis(axis);
        range.setAutoRangeIncludesZero(false);
        return plot(data, null, range, renderer);
    }

    private static void paint(XYLineAndShapeRenderer renderer, int series, int first) {
        for (int i = 0; i < series; i++) {
            renderer.setSeriesPaint(i, PALETTE[(first + i) % PALETTE.length]);
        }
    }

    /** A legend entry: {@code eval_loss} as "validation loss", {@code P@5} as "validation P@5". */
    private static String validation(String metric) {
        String name = metric.startsWith("eval_") ? metric.substring("eval_".length()) : metric;
        return "validation " + name.replace('_', ' ');
    }

    private static boolean isLoss(String metric) {
        return metric.endsWith("loss");
    }

    private static XYSeries series(String name, Map<Integer, Double> points) {
        XYSeries s = new XYSeries(name);
        points.forEach(s::add);
        return s;
    }

    private static CombinedDomainXYPlot combined() {
        NumberAxis steps = new NumberAxis(STEP_AXIS);
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(steps);
        plot.setGap(12);
        return plot;
    }

    private static XYPlot plot(XYDataset data, NumberAxis domain, NumberAxis range,
            XYLineAndShapeRenderer renderer) {
        XYPlot plot = new XYPlot(data, domain, range, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    private static JFreeChart chart(String title, Plot plot) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static double finiteOr(double value, double fallback) {
        return Double.isFinite(value) ? value : fallback;
    }
}
