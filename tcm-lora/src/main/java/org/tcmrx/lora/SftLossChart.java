package org.tcmrx.lora;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.internal.AtomicFiles;

/**
 * A line chart of a run's training loss per step and validation loss per evaluation, drawn with Java2D and written as
 * PNG (no plotting dependency).
 */
public final class SftLossChart {
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color EVAL = new Color(255, 127, 14);
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final int TICKS = 5;

    private final List<Point> train;
    private final List<Point> eval;

    /**
     * Creates a chart.
     *
     * @param train the training loss by step
     * @param eval the validation loss by step
     * @throws IllegalArgumentException when a list is null
     */
    public SftLossChart(List<Point> train, List<Point> eval) {
        if (train == null || eval == null) {
            throw new IllegalArgumentException("train and eval must not be null");
        }
        this.train = List.copyOf(train);
        this.eval = List.copyOf(eval);
    }

    /**
     * Reads the points of a {@code JsonlMetricsListener} log: the {@code loss} of every {@code step} event and the
     * {@code eval_loss} of every {@code evaluation} event. A step logged twice (a run resumed from an earlier
     * checkpoint into the same folder) keeps its last value; skipped steps (loss NaN) are left out, and so is a torn
     * last line, what a run killed midway leaves ({@link Jsonl#readAppended}).
     *
     * @param metricsFile the JSON Lines file
     * @return the chart
     * @throws IOException when the file cannot be read
     * @throws org.tcmrx.core.MalformedDataException when a line is not JSON
     */
    public static SftLossChart fromMetrics(Path metricsFile) throws IOException {
        Map<Integer, Double> train = new TreeMap<>();
        Map<Integer, Double> eval = new TreeMap<>();
        for (JsonNode line : Jsonl.readAppended(metricsFile, JsonNode.class)) {
            String event = line.path("event").asText();
            int step = line.path("step").asInt(-1);
            if (event.equals("step") && line.path("loss").isNumber()) {
                train.put(step, line.path("loss").asDouble());
            } else if (event.equals("evaluation") && line.path("metrics").path(SftTask.EVAL_LOSS).isNumber()) {
                eval.put(step, line.path("metrics").path(SftTask.EVAL_LOSS).asDouble());
            }
        }
        return new SftLossChart(points(train), points(eval));
    }

    private static List<Point> points(Map<Integer, Double> byStep) {
        List<Point> out = new ArrayList<>(byStep.size());
        byStep.forEach((step, value) -> {
            if (Double.isFinite(value)) {
                out.add(new Point(step, value));
            }
        });
        return out;
    }

    /**
     * Returns the training points.
     *
     * @return the loss by step, in step order
     */
    public List<Point> train() {
        return train;
    }

    /**
     * Returns the validation points.
     *
     * @return the loss by step, in step order
     */
    public List<Point> eval() {
        return eval;
    }

    /**
     * Writes the chart as an 800 x 500 PNG, atomically.
     *
     * @param png the file, replaced when present; its folder is created
     * @throws IOException when writing fails; the previous file is then unchanged
     */
    public void write(Path png) throws IOException {
        BufferedImage image = render(800, 500);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM for " + png);
            }
        });
    }

    /**
     * Draws the chart.
     *
     * @param width the width in pixels, at least 200
     * @param height the height in pixels, at least 150
     * @return the image
     * @throws IllegalArgumentException when the size is too small
     */
    public BufferedImage render(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("the chart must be at least 200 x 150, got " + width + " x " + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.BLACK);
            g.drawString("SFT loss", LEFT, TOP - 15);
            Frame f = Frame.of(train, eval, width, height);
            axes(g, f);
            g.setStroke(new BasicStroke(1.5f));
            line(g, f, train, TRAIN, false);
            line(g, f, eval, EVAL, true);
            legend(g, width);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void axes(Graphics2D g, Frame f) {
        g.setColor(Color.GRAY);
        g.drawRect(f.x0, f.y0, f.w, f.h);
        g.setColor(Color.BLACK);
        for (int i = 0; i <= TICKS; i++) {
            double y = f.minY + (f.maxY - f.minY) * i / TICKS;
            int py = f.py(y);
            g.drawLine(f.x0 - 4, py, f.x0, py);
            String label = String.format(Locale.ROOT, "%.3g", y);
            g.drawString(label, f.x0 - 8 - g.getFontMetrics().stringWidth(label), py + 4);
            double x = f.minX + (f.maxX - f.minX) * i / TICKS;
            int px = f.px(x);
            g.drawLine(px, f.y0 + f.h, px, f.y0 + f.h + 4);
            String step = String.valueOf(Math.round(x));
            g.drawString(step, px - g.getFontMetrics().stringWidth(step) / 2, f.y0 + f.h + 18);
        }
        g.drawString("step", f.x0 + f.w / 2 - 12, f.y0 + f.h + 38);
    }

    private static void line(Graphics2D g, Frame f, List<Point> points, Color color, boolean marks) {
        if (points.isEmpty()) {
            return;
        }
        g.setColor(color);
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            if (i == 0) {
                path.moveTo(f.px(p.step()), f.py(p.loss()));
            } else {
                path.lineTo(f.px(p.step()), f.py(p.loss()));
            }
            if (marks) {
                g.fillOval(f.px(p.step()) - 3, f.py(p.loss()) - 3, 7, 7);
            }
        }
        g.draw(path);
    }

    private static void legend(Graphics2D g, int width) {
        int x = width - RIGHT - 150;
        g.setColor(TRAIN);
        g.fillRect(x, TOP - 24, 14, 4);
        g.setColor(Color.BLACK);
        g.drawString("train loss", x + 20, TOP - 18);
        g.setColor(EVAL);
        g.fillRect(x + 85, TOP - 24, 14, 4);
        g.setColor(Color.BLACK);
        g.drawString("eval loss", x + 105, TOP - 18);
    }

    /**
     * One point of a curve.
     *
     * @param step the optimizer step
     * @param loss the loss
     */
    public record Point(int step, double loss) {}

    /** The plot area and the data ranges it shows. */
    private record Frame(int x0, int y0, int w, int h, double minX, double maxX, double minY, double maxY) {
        static Frame of(List<Point> train, List<Point> eval, int width, int height) {
            double minX = Double.POSITIVE_INFINITY;
            double maxX = Double.NEGATIVE_INFINITY;
            double minY = Double.POSITIVE_INFINITY;
            double maxY = Double.NEGATIVE_INFINITY;
            for (List<Point> points : List.of(train, eval)) {
                for (Point p : points) {
                    minX = Math.min(minX, p.step());
                    maxX = Math.max(maxX, p.step());
                    minY = Math.min(minY, p.loss());
                    maxY = Math.max(maxY, p.loss());
                }
            }
            if (minX > maxX) {
                // Nothing to draw: an empty frame over [0, 1] x [0, 1].
                minX = 0;
                maxX = 1;
                minY = 0;
                maxY = 1;
            }
            // A flat or single-point curve still needs a non-empty range.
            if (maxX == minX) {
                maxX = minX + 1;
            }
            double pad = maxY > minY ? 0.05 * (maxY - minY) : Math.max(1e-3, Math.abs(maxY) * 0.05);
            return new Frame(LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM, minX, maxX, minY - pad,
                    maxY + pad);
        }

        int px(double x) {
            return x0 + (int) Math.round((x - minX) / (maxX - minX) * w);
        }

        int py(double y) {
            return y0 + h - (int) Math.round((y - minY) / (maxY - minY) * h);
        }
    }
}
