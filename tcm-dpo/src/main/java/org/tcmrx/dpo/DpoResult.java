package org.tcmrx.dpo;

import java.nio.file.Path;
import java.util.Map;
import org.tcmrx.core.Provenance;
import org.tcmrx.nn.TrainingResult;

/**
 * A finished DPO run.
 *
 * @param training how the training loop ended
 * @param trainPairs the training pairs
 * @param validPairs the validation pairs evaluated on
 * @param truncatedPairs pairs, training and validation, cut to the length limits
 * @param referenceComputed pairs run through the reference model by this run
 * @param referenceReused pairs whose reference log-probabilities came from the cache
 * @param firstStep the metrics of the first optimizer step of this run ({@code rewards/chosen} and the rest, with
 *     {@code loss}); empty when no step ran
 * @param lastStep the metrics of the last optimizer step
 * @param outputDir the run's folder: checkpoints, {@value LoraDpoTrainer#METRICS_FILE},
 *     {@value LoraDpoTrainer#CHART_FILE} and the reference cache
 * @param adapterDir the trained adapter as a PEFT folder (the best by {@code eval_loss} when there were validation
 *     pairs), with {@value LoraDpoTrainer#PROVENANCE_FILE}
 * @param provenance what produced the adapter
 */
public record DpoResult(TrainingResult training, int trainPairs, int validPairs, int truncatedPairs,
        int referenceComputed, int referenceReused, Map<String, Double> firstStep,
        Map<String, Double> lastStep, Path outputDir, Path adapterDir, Provenance provenance) {
    /**
     * Validates and copies the record.
     *
     * @param training the loop's result
     * @param trainPairs the training pairs
     * @param validPairs the validation pairs
     * @param truncatedPairs the truncated pairs
     * @param referenceComputed the pairs computed by the reference model
     * @param referenceReused the pairs read from the cache
     * @param firstStep the first step's metrics
     * @param lastStep the last step's metrics
     * @param outputDir the output folder
     * @param adapterDir the adapter folder
     * @param provenance the provenance
     * @throws IllegalArgumentException when a value is null
     */
    public DpoResult {
        if (training == null || firstStep == null || lastStep == null || outputDir == null || adapterDir == null
                || provenance == null) {
            throw new IllegalArgumentException("training, firstStep, lastStep, outputDir, adapterDir and provenance "
                    + "must not be null");
        }
        firstStep = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(firstStep));
        lastStep = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lastStep));
    }

    /**
     * Returns the JSON Lines log of the run.
     *
     * @return {@code outputDir/}{@value LoraDpoTrainer#METRICS_FILE}
     */
    public Path metricsFile() {
        return outputDir.resolve(LoraDpoTrainer.METRICS_FILE);
    }

    /**
     * Returns the PNG chart of the loss and the rewards.
     *
     * @return {@code outputDir/}{@value LoraDpoTrainer#CHART_FILE}
     */
    public Path chart() {
        return outputDir.resolve(LoraDpoTrainer.CHART_FILE);
    }
}
