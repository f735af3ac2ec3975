package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("DpoChart")
class DpoChartTest {
    @Test
    @DisplayName("reads the loss, rewards and accuracy of step lines and eval_loss of evaluations; labels every axis")
    void readsAndDraws(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("metrics.jsonl");
        Files.writeString(log, String.join("\n",
                "{\"event\":\"step\",\"step\":1,\"loss\":0.69,\"rewards/chosen\":0.0,\"rewards/rejected\":0.0,"
                        + "\"rewards/margins\":0.0,\"rewards/accuracies\":0.0}",
                "{\"event\":\"step\",\"step\":2,\"loss\":\"NaN\",\"rewards/chosen\":0.1}",
                "{\"event\":\"step\",\"step\":3,\"loss\":0.5,\"rewards/chosen\":0.3,\"rewards/rejected\":-0.2,"
                        + "\"rewards/margins\":0.5,\"rewards/accuracies\":1.0}",
                "{\"event\":\"evaluation\",\"step\":3,\"metrics\":{\"eval_loss\":0.55}}", ""));
        DpoChart chart = DpoChart.fromMetrics(log);
        assertThat(chart.series().get(DpoChart.LOSS)).containsOnlyKeys(1, 3);
        assertThat(chart.series().get("rewards/chosen")).containsEntry(2, 0.1);
        assertThat(chart.series().get(DpoChart.EVAL_LOSS)).containsEntry(3, 0.55);
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.chart().getPlot();
        assertThat(plot.getDomainAxis().getLabel()).isEqualTo("optimizer step");
        @SuppressWarnings("unchecked")
        List<XYPlot> panels = plot.getSubplots();
        assertThat(panels).extracting(p -> p.getRangeAxis().getLabel())
                .containsExactly("loss", "reward (beta * log-ratio)", "reward accuracy");
        Path png = dir.resolve("out/rewards.png");
        chart.write(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(800);
    }

    @Test
    @DisplayName("a line that is not JSON is reported with its file and line")
    void badLine(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("metrics.jsonl");
        Files.writeString(log, "{\"event\":\"step\",\"step\":1,\"loss\":0.6}\n{oops\n");
        assertThatThrownBy(() -> DpoChart.fromMetrics(log)).isInstanceOf(MalformedDataException.class)
                .hasMessageStartingWith(log + ":2:");
    }
}
