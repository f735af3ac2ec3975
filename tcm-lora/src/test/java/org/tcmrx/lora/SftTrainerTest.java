package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.Progress;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingListener;

@DisplayName("SftTrainer on a tiny random Qwen2 and a character tokenizer")
class SftTrainerTest {
    private static final Logger LOG = LoggerFactory.getLogger(SftTrainerTest.class);
    /** No default system message: shorter sequences, and the samples need none. */
    private static final ChatTemplate TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();

    @TempDir
    static Path tmp;
    private static List<SftSample> train;
    private static List<SftSample> valid;
    private static QwenTokenizer tokenizer;
    private static Qwen2Config modelConfig;

    @BeforeAll
    static void setUp() throws IOException {
        List<SftSample> all = SftJsonlTest.resource(SftJsonlTest.SAMPLES);
        train = all.subList(0, 32);
        valid = all.subList(32, 36);
        tokenizer = QwenTokenizer.load(charTokenizer(tmp.resolve("tokenizer.json"), all));
        modelConfig = Qwen2Config.builder().optVocabSize(tokenizer.vocabSize()).optHiddenSize(32)
                .optIntermediateSize(64).optNumHiddenLayers(2).optNumAttentionHeads(4).optNumKeyValueHeads(2)
                .optTieWordEmbeddings(true)
                // Ten times Hugging Face's 0.02: with unit RMSNorm scales, 0.02 bounds the logits too tightly to learn.
                .optInitializerRange(0.2).build();
    }

    @AfterAll
    static void tearDown() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    /** A tokenizer with one token per character of the rendered samples (see {@link Qwen2Fixtures#charTokenizer}). */
    static Path charTokenizer(Path file, List<SftSample> samples) throws IOException {
        StringBuilder text = new StringBuilder();
        for (SftSample s : samples) {
            text.append(s.render(TEMPLATE).text());
        }
        return Qwen2Fixtures.charTokenizer(file, text.toString());
    }

    private static SftConfigBuilder lora() {
        return SftConfig.builder()
                .optLora(LoraConfig.builder().optR(8).optLoraAlpha(16).optLoraDropout(0.05)
                        .optTargetModules(List.of("all-linear")).build())
                .optChatTemplate(TEMPLATE)
                .optBatchSize(4)
                .optLearningRate(2e-2)
                .optWarmupRatio(0.1)
                .optSeed(7);
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
        Map<String, float[]> copy = new HashMap<>();
        arrays.forEach((name, array) -> copy.put(name, array.toFloatArray()));
        return copy;
    }

    private static double meanLoss(List<StepMetrics> steps, int epoch) {
        return steps.stream().filter(m -> m.epoch() == epoch).mapToDouble(StepMetrics::loss).average().orElseThrow();
    }

    /** Counts what a progress display is told. */
    private static final class CountingProgress implements Progress {
        long total;
        long advanced;
        boolean finished;

        @Override
        public void start(String task, long steps) {
            total = steps;
        }

        @Override
        public void advance(long steps) {
            advanced += steps;
        }

        @Override
        public void finish() {
            finished = true;
        }
    }

    /** Records every step. */
    private static final class Steps implements TrainingListener {
        final List<StepMetrics> all = new java.util.ArrayList<>();

        @Override
        public void onStep(StepMetrics metrics) {
            all.add(metrics);
        }
    }

    @Nested
    @DisplayName("LoRA mode")
    class Lora {
        @Test
        @DisplayName("the loss falls, only lora_A/lora_B change, and the log, chart and adapter are written")
        void trains() throws IOException {
            Path out = tmp.resolve("lora");
            Steps steps = new Steps();
            try (Qwen2Model model = Qwen2Model.init(modelConfig, 11, Device.cpu())) {
                Map<String, float[]> base = snapshot(model.parameters());
                NDManager weights = model.parameters().get("model.norm.weight").getManager();
                DataSource source = new DataSource("tcm-sft.jsonl", SftJsonlTest.SAMPLES, "0f".repeat(32), 36);
                CountingProgress progress = new CountingProgress();
                SftResult r = new SftTrainer(lora().optEpochs(3).optOutputDir(out).build())
                        .withProgress(progress).withDataSources(List.of(source))
                        .train(model, tokenizer, train, valid, List.of(steps));
                LOG.info("LoRA SFT: {} steps, losses by epoch {} {} {}, eval {}, {} tokens/s", r.training().steps(),
                        meanLoss(steps.all, 0), meanLoss(steps.all, 1), meanLoss(steps.all, 2),
                        r.training().history(), r.tokensPerSecond());

                assertThat(r.training().steps()).isEqualTo(24);
                assertThat(meanLoss(steps.all, 2)).isLessThan(meanLoss(steps.all, 0) - 0.5);
                List<Double> eval = r.training().history().stream().map(e -> e.metrics().get("eval_loss")).toList();
                assertThat(eval).hasSize(3);
                assertThat(eval.get(2)).isLessThan(eval.get(0));
                assertThat(r.training().bestMetric()).isEqualTo(eval.stream().min(Double::compare).orElseThrow());

                LoraAdapter adapter = r.adapter();
                assertThat(adapter).isSameAs(model.adapterOrNull());
                model.parameters().forEach((name, array) ->
                        assertThat(array.toFloatArray()).as(name).containsExactly(base.get(name)));
                assertThat(adapter.parameters()).hasSize(28);
                adapter.parameters().forEach((name, array) -> {
                    float[] v = array.toFloatArray();
                    assertThat(v).as(name).isNotEqualTo(new float[v.length]);
                });
                // The arrays are the model's and the adapter's again, not a closed store's.
                assertThat(model.parameters().get("model.norm.weight").getManager()).isSameAs(weights);
                assertThat(model.parameters().values()).noneMatch(NDArray::hasGradient);

                assertThat(r.trainSamples()).isEqualTo(32);
                assertThat(r.validSamples()).isEqualTo(4);
                assertThat(r.truncatedSamples()).isZero();
                assertThat(r.tokensPerSecond()).isPositive();
                assertThat(r.provenance().parameters()).containsEntry("mode", "lora").containsEntry("steps", "24");
                assertThat(r.provenance().data()).containsExactly(source);
                assertThat(progress.total).isEqualTo(24);
                assertThat(progress.advanced).isEqualTo(24);
                assertThat(progress.finished).isTrue();

                List<JsonNode> log = Jsonl.read(r.metricsFile(), JsonNode.class);
                List<JsonNode> stepLines = log.stream().filter(l -> l.path("event").asText().equals("step")).toList();
                assertThat(stepLines).hasSize(24).allMatch(l -> l.path("tokens").asLong() > 0)
                        .allMatch(l -> l.path("tokens_per_second").asDouble() == l.path("tokens").asLong() * 1000.0
                                / l.path("millis").asLong() || l.path("millis").asLong() == 0);
                assertThat(log).filteredOn(l -> l.path("event").asText().equals("evaluation")).hasSize(3)
                        .allMatch(l -> l.path("metrics").has("eval_loss")
                                && l.path("metrics").path("train_tokens_per_second").asDouble() > 0);
                BufferedImage png = ImageIO.read(r.lossChart().toFile());
                assertThat(png.getWidth()).isEqualTo(800);
                assertThat(png.getHeight()).isEqualTo(500);
                assertThat(SftLossChart.fromMetrics(r.metricsFile()).train()).hasSize(24);

                Path saved = tmp.resolve("lora-adapter");
                r.save(saved);
                assertThat(saved.resolve(LoraAdapter.WEIGHTS_FILE)).isRegularFile();
                assertThat(saved.resolve(SftResult.PROVENANCE_FILE)).isRegularFile();
            }
        }

        @Test
        @DisplayName("resuming from a checkpoint reaches the uninterrupted run's final loss and weights")
        void resume() throws IOException {
            SftConfigBuilder config = lora().optEpochs(1).optSaveSteps(3).optSaveTotalLimit(0);
            Map<String, float[]> straight;
            double straightLoss;
            try (Qwen2Model model = Qwen2Model.init(modelConfig, 11, Device.cpu())) {
                SftResult r = new SftTrainer(config.optOutputDir(tmp.resolve("straight")).build())
                        .train(model, tokenizer, train, List.of());
                straight = snapshot(r.adapter().parameters());
                straightLoss = r.training().finalTrainLoss();
                assertThat(r.training().steps()).isEqualTo(8);
            }
            Path dir = tmp.resolve("interrupted");
            try (Qwen2Model model = Qwen2Model.init(modelConfig, 11, Device.cpu())) {
                SftResult r = new SftTrainer(config.optOutputDir(dir).optMaxSteps(5).build())
                        .train(model, tokenizer, train, List.of());
                assertThat(r.training().steps()).isEqualTo(5);
                assertThat(r.training().finalTrainLoss()).isNotEqualTo(straightLoss);
            }
            try (Qwen2Model model = Qwen2Model.init(modelConfig, 11, Device.cpu())) {
                SftResult r = new SftTrainer(config.optOutputDir(dir).optMaxSteps(-1).build())
                        .resume(model, tokenizer, train, List.of(), dir.resolve("checkpoint-3"), List.of());
                assertThat(r.training().steps()).isEqualTo(8);
                assertThat(r.training().finalTrainLoss()).isEqualTo(straightLoss);
                r.adapter().parameters().forEach((name, array) ->
                        assertThat(array.toFloatArray()).as(name).containsExactly(straight.get(name)));
                // The interrupted run's lines of steps 4 and 5 were cut on resuming from step 3: one line per step.
                assertThat(Jsonl.read(r.metricsFile(), JsonNode.class).stream()
                        .filter(line -> line.path("event").asText().equals("step"))
                        .map(line -> line.path("step").asInt())).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
                assertThat(SftLossChart.fromMetrics(r.metricsFile()).train()).hasSize(8);
            }
        }
    }

    @Nested
    @DisplayName("full-parameter mode")
    class Full {
        @Test
        @DisplayName("every weight trains and the loss falls; no adapter is added")
        void trains() throws IOException {
            Steps steps = new Steps();
            try (Qwen2Model model = Qwen2Model.init(modelConfig, 11, Device.cpu())) {
                Map<String, float[]> base = snapshot(model.parameters());
                SftResult r = new SftTrainer(lora().optFullParameters().optEpochs(1).optLearningRate(1e-2)
                        .optOutputDir(tmp.resolve("full")).build()).train(model, tokenizer, train, List.of(),
                                List.of(steps));
                assertThat(r.adapter()).isNull();
                assertThat(model.adapterOrNull()).isNull();
                double first = steps.all.get(0).loss();
                double last = steps.all.get(steps.all.size() - 1).loss();
                LOG.info("full SFT: loss {} -> {}", first, last);
                assertThat(last).isLessThan(first - 0.5);
                model.parameters().forEach((name, array) ->
                        assertThat(array.toFloatArray()).as(name).isNotEqualTo(base.get(name)));
                assertThat(r.provenance().parameters()).containsEntry("mode", "full");
            }
        }
    }

    @Nested
    @DisplayName("float16 weight storage")
    class Float16 {
        @Test
        @DisplayName("LoRA trains beside the frozen float16 weights; full-parameter mode is refused")
        void frozen() throws IOException {
            Path dir = tmp.resolve("float16-model");
            try (Qwen2Model model = Qwen2Model.init(modelConfig, 11, Device.cpu())) {
                model.save(dir);
            }
            try (Qwen2Model model = Qwen2Model.load(dir, Device.cpu(), WeightStorage.FLOAT16)) {
                SftTrainer full = new SftTrainer(lora().optFullParameters().optOutputDir(tmp.resolve("f16-full"))
                        .build());
                assertThatThrownBy(() -> full.train(model, tokenizer, train, valid))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("full-parameter training needs a model loaded with WeightStorage.FLOAT32; this "
                                + "one stores its weight matrices as FLOAT16, which stay frozen (train a LoRA adapter "
                                + "instead)");
                Map<String, float[]> base = snapshot(model.parameters());
                Steps steps = new Steps();
                SftResult r = new SftTrainer(lora().optMaxSteps(3).optOutputDir(tmp.resolve("f16-lora")).build())
                        .train(model, tokenizer, train, List.of(), List.of(steps));
                assertThat(steps.all).hasSize(3).allSatisfy(m -> assertThat(m.loss()).isFinite());
                assertThat(r.adapter().parameters()).allSatisfy((name, a) -> {
                    assertThat(a.getDataType()).as(name).isEqualTo(DataType.FLOAT32);
                    if (name.endsWith(".lora_B.weight")) { // PEFT starts it at zero: a non-zero one has trained
                        assertThat(a.abs().max().getFloat()).as(name).isPositive();
                    }
                });
                model.parameters().forEach((name, array) -> {
                    assertThat(array.toFloatArray()).as(name).containsExactly(base.get(name));
                    assertThat(array.getDataType()).as(name).isIn(DataType.FLOAT16, DataType.FLOAT32);
                });
                assertThat(model.parameters().get("model.embed_tokens.weight").getDataType())
                        .isEqualTo(DataType.FLOAT16);
            }
        }
    }

    @Nested
    @DisplayName("arguments")
    class Arguments {
        @Test
        @DisplayName("the config names the invalid value")
        void config() {
            assertThatThrownBy(() -> SftConfig.builder().optLrSchedulerType("polynomial").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lrSchedulerType: unsupported value 'polynomial'; supported: cosine, linear, constant");
            assertThatThrownBy(() -> SftConfig.builder().optWarmupRatio(1.5).build())
                    .hasMessage("warmupRatio must be in [0, 1], got 1.5");
            assertThatThrownBy(() -> SftConfig.builder().optMaxLength(1).build())
                    .hasMessage("maxLength must be at least 2, got 1");
            assertThat(SftConfig.builder().optWarmupRatio(0.5).optLrSchedulerType(SftConfig.CONSTANT).build()
                    .schedule(10).at(2)).isCloseTo(0.4 * 2e-5, org.assertj.core.data.Offset.offset(1e-12));
        }

        @Test
        @DisplayName("a model that already has an adapter, or samples that leave nothing to learn, are refused")
        void refused() throws IOException {
            try (Qwen2Model model = Qwen2Model.init(modelConfig, 11, Device.cpu())) {
                SftTrainer tooShort = new SftTrainer(lora().optMaxLength(5).optOutputDir(tmp.resolve("short")).build());
                assertThatThrownBy(() -> tooShort.train(model, tokenizer, train, valid))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("no training sample is left: 32 given, 32 skipped because no assistant token fits "
                                + "in maxLength 5");
                assertThat(model.adapterOrNull()).isNull();
                model.applyLora(LoraConfig.defaults(), 1);
                assertThatThrownBy(() -> new SftTrainer(lora().build()).train(model, tokenizer, train, valid))
                        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the model already has");
            }
        }
    }
}
