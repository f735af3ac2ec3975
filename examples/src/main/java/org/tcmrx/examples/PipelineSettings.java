package org.tcmrx.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a pipeline run does: its data and models, and the knobs of each stage. The embedded default trains a small
 * Qwen2 from scratch; {@code base} names a Hugging Face Qwen2 folder to fine-tune instead.
 *
 * @param data the data set folder or file, or null for the embedded corpus
 * @param format the data format's label, or null for the default
 * @param seed seeds every stage
 * @param teacher {@code knowledge} (offline) or {@code openai}
 * @param teacherUrl the OpenAI-compatible base URL (openai teacher)
 * @param teacherModel the teacher model's name (openai teacher)
 * @param apiKeyEnv the environment variable with the API key, or {@code none}
 * @param apiKeyFile a file holding the API key, readable by its owner only, or null to use {@code apiKeyEnv}
 * @param base a Hugging Face Qwen2 folder, or null to train a small one from scratch
 * @param baseFp16 store the base's weight matrices as float16
 * @param bart a Hugging Face BART folder to start BART from, or null for random initialization
 * @param gpu run the Qwen2 stages on the GPU
 * @param copies SFT samples per record, each with its herbs in another order
 * @param scratchEpochs full-parameter epochs of the model trained from scratch
 * @param hiddenSize its width
 * @param layers its layers
 * @param loraEpochs LoRA SFT epochs
 * @param maxLength the longest SFT sample and DPO sequence, in tokens
 * @param maxNewTokens the generation limit of an answer
 * @param margin the pair builder's δ
 * @param reversePairs whether the LLM's better answers make reverse pairs
 * @param chosen {@code knowledge} or {@code forced}
 * @param loss the DPO loss
 * @param beta the DPO β
 * @param dpoLearningRate the DPO learning rate
 * @param dpoEpochs the DPO epochs
 * @param trainLimit at most this many training records (0: all)
 * @param testLimit at most this many test records (0: all)
 */
record PipelineSettings(Path data, String format, long seed, String teacher, String teacherUrl, String teacherModel,
        String apiKeyEnv, Path apiKeyFile, Path base, boolean baseFp16, Path bart, boolean gpu, int copies,
        int scratchEpochs, int hiddenSize, int layers, int loraEpochs, int maxLength, int maxNewTokens, double margin,
        boolean reversePairs, String chosen, String loss, double beta, double dpoLearningRate, int dpoEpochs,
        int trainLimit, int testLimit) {

    /** Whether a small model is trained from scratch (no {@code base}). */
    boolean fromScratch() {
        return base == null;
    }

    /** The settings each stage's result depends on. */
    Map<String, Object> forStage(String stage) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (stage) {
            case "distill" -> {
                m.put("data", String.valueOf(data));
                m.put("format", String.valueOf(format));
                m.put("teacher", teacher.equals("openai") ? teacher + " " + teacherModel + " " + teacherUrl : teacher);
                m.put("train_limit", trainLimit);
            }
            case "sft" -> {
                m.put("seed", seed);
                m.put("base", String.valueOf(base));
                m.put("base_fp16", baseFp16);
                m.put("copies", copies);
                m.put("scratch_epochs", scratchEpochs);
                m.put("hidden_size", hiddenSize);
                m.put("layers", layers);
                m.put("lora_epochs", loraEpochs);
                m.put("max_length", maxLength);
            }
            case "bart" -> {
                m.put("data", String.valueOf(data));
                m.put("seed", seed);
                m.put("bart", String.valueOf(bart));
                m.put("train_limit", trainLimit);
            }
            case "pairs" -> {
                m.put("max_new_tokens", maxNewTokens);
                m.put("margin", margin);
                m.put("reverse_pairs", reversePairs);
                m.put("chosen", chosen);
            }
            case "dpo" -> {
                m.put("loss", loss);
                m.put("beta", beta);
                m.put("dpo_learning_rate", dpoLearningRate);
                m.put("dpo_epochs", dpoEpochs);
                m.put("max_length", maxLength);
            }
            case "eval" -> {
                m.put("test_limit", testLimit);
                m.put("max_new_tokens", maxNewTokens);
            }
            default -> { }
        }
        return m;
    }

    /** Every setting, for {@code run.json}. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String stage : PipelineStages.STAGES) {
            m.putAll(forStage(stage));
        }
        m.put("gpu", gpu);
        return m;
    }
}
