package org.tcmrx.lora;

import java.io.IOException;
import java.nio.file.Path;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.nn.TrainingResult;

/**
 * A finished supervised fine-tuning run. The model (and its adapter) are the caller's, trained in place: with
 * validation samples they hold the best weights by {@code eval_loss}, otherwise the last ones.
 *
 * @param model the trained model
 * @param adapter the trained adapter, enabled and unmerged; null in full-parameter mode
 * @param training how the training loop ended
 * @param trainSamples the training samples trained on (skipped ones not counted)
 * @param validSamples the validation samples evaluated on (skipped ones not counted)
 * @param truncatedSamples samples, training and validation, cut to {@code maxLength} and kept
 * @param skippedSamples samples, training and validation, left out because no learnt token survived the cut
 * @param tokensPerSecond real (not padding) tokens per second of the optimizer steps of this call
 * @param outputDir the folder of the checkpoints, the metrics and the loss chart
 * @param provenance what produced the weights
 */
public record SftResult(Qwen2Model model, LoraAdapter adapter, TrainingResult training, int trainSamples,
        int validSamples, int truncatedSamples, int skippedSamples, double tokensPerSecond, Path outputDir,
        Provenance provenance) {
    /** The provenance file {@link #save} writes beside the weights. */
    public static final String PROVENANCE_FILE = "sft_provenance.json";

    /**
     * Validates the record.
     *
     * @param model the trained model
     * @param adapter the trained adapter, or null
     * @param training the loop's result
     * @param trainSamples the training samples
     * @param validSamples the validation samples
     * @param truncatedSamples the truncated samples
     * @param skippedSamples the skipped samples
     * @param tokensPerSecond the throughput
     * @param outputDir the output folder
     * @param provenance the provenance
     * @throws IllegalArgumentException when a required value is null
     */
    public SftResult {
        if (model == null || training == null || outputDir == null || provenance == null) {
            throw new IllegalArgumentException("model, training, outputDir and provenance must not be null");
        }
    }

    /**
     * Returns the JSON Lines log of the run ({@code JsonlMetricsListener}'s events).
     *
     * @return {@code outputDir/}{@value SftTrainer#METRICS_FILE}
     */
    public Path metricsFile() {
        return outputDir.resolve(SftTrainer.METRICS_FILE);
    }

    /**
     * Returns the PNG chart of the training and validation losses.
     *
     * @return {@code outputDir/}{@value SftTrainer#LOSS_CHART}
     */
    public Path lossChart() {
        return outputDir.resolve(SftTrainer.LOSS_CHART);
    }

    /**
     * Writes what was trained: the adapter as a PEFT folder ({@link LoraAdapter#save}) in LoRA mode, the whole model
     * ({@link Qwen2Model#save}) in full-parameter mode, and {@value #PROVENANCE_FILE} beside it.
     *
     * @param dir the folder, created when absent
     * @throws IOException when writing fails
     */
    public void save(Path dir) throws IOException {
        if (adapter != null) {
            adapter.save(dir);
        } else {
            model.save(dir);
        }
        byte[] json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(provenance);
        AtomicFiles.write(dir.resolve(PROVENANCE_FILE), out -> out.write(json));
    }
}
