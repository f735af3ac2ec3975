package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.Jsonl;
import org.tcmrx.lora.CharacterTokenizer;
import org.tcmrx.lora.ChatMessage;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.LoraAdapter;
import org.tcmrx.lora.LoraConfig;
import org.tcmrx.lora.Qwen2Config;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTokenizer;
import org.tcmrx.lora.SftConfig;
import org.tcmrx.lora.SftSample;
import org.tcmrx.lora.SftTrainer;
import org.tcmrx.nn.Evaluation;
import org.tcmrx.nn.TrainingListener;
import org.tcmrx.nn.internal.NativeArrays;

@DisplayName("LoraDpoTrainer")
class LoraDpoTrainerTest {
    private static final ChatTemplate TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();
    private static final String[] HERBS = {"麻黄", "桂枝", "杏仁", "甘草", "石膏", "知母", "人参", "白术"};
    private static final LoraConfig LORA = LoraConfig.builder().optR(4).optLoraAlpha(8)
            .optTargetModules(List.of("all-linear")).build();

    @TempDir
    Path tmp;
    private QwenTokenizer tokenizer;
    private Qwen2Model model;

    @BeforeEach
    void setUp() throws IOException {
        StringBuilder text = new StringBuilder("症状分析处方推荐解释：、\n患者见恶寒发热无汗头痛口渴请辨证并推荐");
        for (String h : HERBS) {
            text.append(h);
        }
        tokenizer = QwenTokenizer.load(CharacterTokenizer.write(tmp.resolve("tokenizer.json"), text));
        Qwen2Config config = Qwen2Config.builder().optVocabSize(tokenizer.vocabSize()).optHiddenSize(32)
                .optIntermediateSize(64).optNumHiddenLayers(2).optNumAttentionHeads(4).optNumKeyValueHeads(2)
                .optTieWordEmbeddings(true).build();
        model = Qwen2Model.init(config, 3, Device.cpu());
    }

    @AfterEach
    void tearDown() {
        model.close();
        tokenizer.close();
    }

    /** Eight pairs: the chosen answers prescribe herbs of the list's first half, the rejected ones of the other. */
    static List<PreferencePair> pairs() {
        List<PreferencePair> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String prompt = "患者见" + (i % 2 == 0 ? "恶寒发热" : "口渴头痛") + "，请辨证并推荐" + HERBS[i];
            String chosen = answer(HERBS[i % 4], HERBS[(i + 1) % 4]);
            String rejected = answer(HERBS[4 + i % 4], HERBS[4 + (i + 1) % 4]);
            out.add(new PreferencePair("case-" + i, List.of(ChatMessage.user(prompt)), chosen, rejected, 1.0, 0.0,
                    "bart", Map.of()));
        }
        return out;
    }

    private static String answer(String a, String b) {
        return "症状分析：恶寒发热。\n处方推荐：" + a + "、" + b + "\n处方解释：" + a + "解" + b + "。";
    }

    /** A LoRA SFT stage on the chosen answers, so the adapter is not the identity. */
    private void sft() throws IOException {
        List<SftSample> samples = pairs().stream()
                .map(p -> SftSample.promptCompletion(p.prompt(), p.rejected())).toList();
        new SftTrainer(SftConfig.builder().optLora(LORA).optChatTemplate(TEMPLATE).optEpochs(2).optBatchSize(4)
                .optLearningRate(5e-2).optSeed(1).optOutputDir(tmp.resolve("sft")).build())
                .train(model, tokenizer, samples, List.of());
        assertThat(max(model.adapterOrNull().parameters().values().stream()
                .filter(a -> true).toList())).isGreaterThan(0);
    }

    private static float max(List<NDArray> arrays) {
        float m = 0;
        for (NDArray a : arrays) {
            for (float v : NativeArrays.toFloats(a)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }


    private Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new HashMap<>();
        arrays.forEach((k, v) -> out.put(k, NativeArrays.toFloats(v)));
        return out;
    }

    @Test
    @DisplayName("SFT merged, a new adapter against the adapter-disabled reference: the first step has zero rewards "
            + "and loss ln 2; training ranks the pairs, changes only the adapter and writes PEFT folders, the log "
            + "and the chart")
    void mergedSft() throws IOException {
        sft();
        model.adapterOrNull().mergeAndUnload();
        Map<String, float[]> base = snapshot(model.parameters());
        List<Evaluation> evaluations = new ArrayList<>();
        TrainingListener evals = new TrainingListener() {
            @Override
            public void onEvaluation(Evaluation e) {
                evaluations.add(e);
            }
        };
        Path out = tmp.resolve("dpo");
        DpoResult result = new LoraDpoTrainer(model, tokenizer, DpoConfig.builder().optLora(LORA)
                .optChatTemplate(TEMPLATE).optEpochs(15).optBatchSize(4).optLearningRate(2e-2).optSeed(5)
                .optOutputDir(out).build()).train(pairs(), pairs(), List.of(evals));

        assertThat(result.firstStep().get("loss")).isCloseTo(Math.log(2), within(1e-5));
        for (String name : DpoTask.METRICS) {
            assertThat(result.firstStep()).containsKey(name);
        }
        assertThat(result.firstStep().get("rewards/chosen")).isCloseTo(0, within(1e-5));
        assertThat(result.firstStep().get("rewards/rejected")).isCloseTo(0, within(1e-5));
        assertThat(result.firstStep().get("rewards/margins")).isCloseTo(0, within(1e-5));
        Evaluation last = evaluations.get(evaluations.size() - 1);
        assertThat(last.metrics().get("eval_rewards/accuracies")).isGreaterThan(0.9);
        assertThat(last.metrics().get("eval_loss")).isLessThan(Math.log(2));

        // Only the adapter trained.
        snapshot(model.parameters()).forEach((name, values) -> assertThat(values).as(name).isEqualTo(base.get(name)));
        assertThat(max(new ArrayList<>(model.adapterOrNull().parameters().values()))).isGreaterThan(0);

        assertThat(result.adapterDir()).isEqualTo(out.resolve(LoraDpoTrainer.ADAPTER_DIR));
        assertThat(LoraConfig.read(result.adapterDir().resolve(LoraAdapter.CONFIG_FILE)).r()).isEqualTo(4);
        assertThat(result.adapterDir().resolve(LoraAdapter.WEIGHTS_FILE)).isRegularFile();
        assertThat(result.adapterDir().resolve(LoraDpoTrainer.PROVENANCE_FILE)).isRegularFile();
        assertThat(out.resolve("best").resolve(LoraAdapter.CONFIG_FILE)).isRegularFile();
        List<Map<String, Object>> steps = new ArrayList<>();
        for (Object line : Jsonl.read(result.metricsFile(), Map.class)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) line;
            if ("step".equals(map.get("event"))) {
                steps.add(map);
            }
        }
        assertThat(steps).hasSize(result.training().steps());
        assertThat(steps.get(0).keySet()).containsAll(DpoTask.METRICS);
        BufferedImage png = ImageIO.read(result.chart().toFile());
        assertThat(png.getWidth()).isEqualTo(900);
        assertThat(png.getHeight()).isEqualTo(800);
        assertThat(out.resolve(ReferenceLogProbs.FILE)).isRegularFile();
        assertThat(result.referenceComputed()).isEqualTo(8); // the validation pairs are the training pairs
    }

    @Test
    @DisplayName("the SFT adapter trained further against the initial policy: the first step is the same model")
    void continuedSft() throws IOException {
        sft();
        Map<String, float[]> base = snapshot(model.parameters());
        Map<String, float[]> sftAdapter = snapshot(model.adapterOrNull().parameters());
        DpoResult result = new LoraDpoTrainer(model, tokenizer, DpoConfig.builder().optChatTemplate(TEMPLATE)
                .optReferenceMode(ReferenceMode.INITIAL_POLICY).optEpochs(2).optBatchSize(4).optLearningRate(2e-2)
                .optOutputDir(tmp.resolve("dpo")).build()).train(pairs(), List.of());
        assertThat(result.firstStep().get("loss")).isCloseTo(Math.log(2), within(1e-5));
        assertThat(result.firstStep().get("rewards/chosen")).isCloseTo(0, within(1e-5));
        assertThat(result.lastStep().get("rewards/margins")).isNotEqualTo(0.0);
        snapshot(model.parameters()).forEach((name, values) -> assertThat(values).as(name).isEqualTo(base.get(name)));
        Map<String, float[]> after = snapshot(model.adapterOrNull().parameters());
        assertThat(after.keySet()).isEqualTo(sftAdapter.keySet());
        assertThat(after.entrySet().stream().anyMatch(e -> !java.util.Arrays.equals(e.getValue(),
                sftAdapter.get(e.getKey())))).isTrue();
    }

    @Test
    @DisplayName("a second run over the same reference model reads every reference log-prob from the cache")
    void referenceCache() throws IOException {
        Path out = tmp.resolve("dpo");
        DpoConfig config = DpoConfig.builder().optLora(LORA).optChatTemplate(TEMPLATE).optMaxSteps(1)
                .optBatchSize(4).optOutputDir(out).build();
        DpoResult first = new LoraDpoTrainer(model, tokenizer, config).train(pairs(), List.of());
        assertThat(first.referenceComputed()).isEqualTo(8);
        model.adapterOrNull().close();
        DpoResult second = new LoraDpoTrainer(model, tokenizer, config).train(pairs().subList(0, 6), List.of());
        assertThat(second.referenceComputed()).isZero();
        assertThat(second.referenceReused()).isEqualTo(6);
        model.adapterOrNull().close();
        // Other weights: the cache is recomputed, not trusted.
        sft();
        model.adapterOrNull().mergeAndUnload();
        DpoResult third = new LoraDpoTrainer(model, tokenizer, config).train(pairs(), List.of());
        assertThat(third.referenceComputed()).isEqualTo(8);
    }

    @Test
    @DisplayName("refuses a disabled adapter, no training pair, a null pair, and a resume without a checkpoint")
    void errors() throws IOException {
        LoraAdapter adapter = model.applyLora(LORA, 1);
        adapter.setEnabled(false);
        LoraDpoTrainer trainer = new LoraDpoTrainer(model, tokenizer, DpoConfig.builder()
                .optChatTemplate(TEMPLATE).optOutputDir(tmp.resolve("x")).build());
        assertThatThrownBy(() -> trainer.train(pairs(), List.of())).isInstanceOf(IllegalStateException.class)
                .hasMessage("the model's adapter is disabled; DPO trains an enabled, unmerged adapter (or a new one "
                        + "on a model without any)");
        adapter.close();
        assertThatThrownBy(() -> trainer.train(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("train must hold at least one pair");
        assertThat(model.adapterOrNull()).isNull();
        List<PreferencePair> withNull = new ArrayList<>(pairs());
        withNull.set(2, null);
        assertThatThrownBy(() -> trainer.train(withNull, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pairs[2] must not be null");
        assertThatThrownBy(() -> trainer.resume(pairs(), List.of(), null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("checkpoint must not be null");
    }
}
