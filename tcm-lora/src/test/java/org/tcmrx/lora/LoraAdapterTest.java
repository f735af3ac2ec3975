package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.lora.Qwen2Fixtures.longs;
import static org.tcmrx.lora.Qwen2Fixtures.maxAbsDiff;
import static org.tcmrx.lora.Qwen2Fixtures.positions;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.safetensors.SafetensorsFile;

@DisplayName("LoraAdapter on qwen2-tiny-A with peft-lora-A")
class LoraAdapterTest {
    private static final Logger LOG = LoggerFactory.getLogger(LoraAdapterTest.class);
    private static final int VOCAB = 512;

    private static Path base;
    private static Path adapterDir;
    private static SafetensorsFile expected;
    private static NDManager manager;
    private static boolean[] real;

    @BeforeAll
    static void open() throws IOException {
        base = Qwen2Fixtures.qwen2TinyA();
        adapterDir = Qwen2Fixtures.peftLoraA();
        expected = SafetensorsFile.open(adapterDir.resolve("expected.safetensors"));
        manager = NDManager.newBaseManager(Device.cpu());
        real = positions(expected.longs("attention_mask"), v -> v == 1, VOCAB);
    }

    @AfterAll
    static void close() {
        if (expected != null) {
            expected.close();
            manager.close();
        }
    }

    private static float[] logits(Qwen2Model model) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            return model.forward(longs(m, expected, "input_ids"), longs(m, expected, "attention_mask"))
                    .toFloatArray();
        }
    }

    private static Map<String, float[]> weights(Qwen2Model model) {
        Map<String, float[]> copy = new HashMap<>();
        model.parameters().forEach((name, array) -> copy.put(name, array.toFloatArray()));
        return copy;
    }

    private static float diff(float[] actual, String name) throws IOException {
        return maxAbsDiff(actual, expected.floats(name), real);
    }

    @Nested
    @DisplayName("matches PEFT")
    class Golden {
        @Test
        @DisplayName("adapter logits within 1e-4 of PEFT's at real tokens")
        void adapterLogits() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                float[] plain = logits(model);
                LoraAdapter adapter = model.loadAdapter(adapterDir);
                float[] adapted = logits(model);
                LOG.info("adapter logits: max |diff| {}; the adapter moves them by {}", diff(adapted, "logits"),
                        maxAbsDiff(adapted, plain, real));
                assertThat(diff(adapted, "logits")).isLessThanOrEqualTo(1e-4f);
                assertThat(maxAbsDiff(adapted, plain, real)).isGreaterThan(0.1f);
                assertThat(adapter.modules()).hasSize(8).startsWith("model.layers.0.self_attn.q_proj",
                        "model.layers.0.self_attn.v_proj", "model.layers.0.mlp.gate_proj",
                        "model.layers.0.mlp.down_proj");
                assertThat(adapter.config().scaling()).isEqualTo(2.0);
                assertThat(model.adapterOrNull()).isSameAs(adapter);
            }
        }

        @Test
        @DisplayName("merged: logits within 1e-4 of logits_merged, weights within 1e-6, other weights untouched")
        void merged() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu());
                    SafetensorsFile mergedWeights = SafetensorsFile.open(
                            adapterDir.resolve("merged_target_weights.safetensors"))) {
                Map<String, float[]> before = weights(model);
                LoraAdapter adapter = model.loadAdapter(adapterDir);
                adapter.merge();
                assertThat(adapter.isMerged()).isTrue();
                float[] merged = logits(model);
                LOG.info("merged logits: max |diff| {}", diff(merged, "logits_merged"));
                assertThat(diff(merged, "logits_merged")).isLessThanOrEqualTo(1e-4f);
                assertThat(mergedWeights.names()).hasSize(8);
                for (String name : mergedWeights.names()) {
                    float d = maxAbsDiff(model.parameters().get(name).toFloatArray(), mergedWeights.floats(name),
                            null);
                    assertThat(d).as(name).isLessThanOrEqualTo(1e-6f);
                }
                model.parameters().forEach((name, array) -> {
                    if (!mergedWeights.contains(name)) {
                        assertThat(array.toFloatArray()).as(name).containsExactly(before.get(name));
                    }
                });
                adapter.merge(); // already merged: nothing happens
                assertThat(diff(logits(model), "logits_merged")).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("disabled: exactly the base model (logits_base within 1e-4); enabled again: the adapter")
        void disabled() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                float[] plain = logits(model);
                LoraAdapter adapter = model.loadAdapter(adapterDir);
                float[] adapted = logits(model);
                adapter.setEnabled(false);
                float[] off = logits(model);
                assertThat(adapter.isEnabled()).isFalse();
                assertThat(off).containsExactly(plain);
                assertThat(diff(off, "logits_base")).isLessThanOrEqualTo(1e-4f);
                adapter.setEnabled(true);
                assertThat(logits(model)).containsExactly(adapted);
                assertThatThrownBy(() -> {
                    adapter.setEnabled(false);
                    adapter.merge();
                }).isInstanceOf(IllegalStateException.class)
                        .hasMessage("the adapter is disabled; enable it before merging");
            }
        }

        @Test
        @DisplayName("greedy with the adapter: greedy_ids exactly, greedy_logits within 1e-4")
        void greedy() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu());
                    NDManager m = manager.newSubManager()) {
                model.loadAdapter(adapterDir);
                float[] stepLogits = new float[10 * VOCAB];
                long[][] ids = model.greedy(longs(m, expected, "greedy_prompt_ids"), 10,
                        (step, l) -> System.arraycopy(l.toFloatArray(), 0, stepLogits, step * VOCAB, VOCAB));
                float d = maxAbsDiff(stepLogits, expected.floats("greedy_logits"), null);
                LOG.info("greedy_logits with the adapter: max |diff| {}", d);
                assertThat(ids[0]).containsExactly(expected.longs("greedy_ids"));
                assertThat(d).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("unmerge, or disabling a merged adapter, restores the base weights within 1e-6")
        void unmerge() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                Map<String, float[]> before = weights(model);
                LoraAdapter adapter = model.loadAdapter(adapterDir);
                for (int round = 0; round < 2; round++) {
                    adapter.merge();
                    if (round == 0) {
                        adapter.unmerge();
                        assertThat(diff(logits(model), "logits")).isLessThanOrEqualTo(1e-4f);
                    } else {
                        adapter.setEnabled(false);
                        assertThat(diff(logits(model), "logits_base")).isLessThanOrEqualTo(1e-4f);
                    }
                    assertThat(adapter.isMerged()).isFalse();
                    model.parameters().forEach((name, array) -> assertThat(
                            maxAbsDiff(array.toFloatArray(), before.get(name), null)).as(name)
                            .isLessThanOrEqualTo(1e-6f));
                }
                adapter.unmerge(); // not merged: nothing happens
            }
        }
    }

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {
        @Test
        @DisplayName("a fresh adapter with PEFT's init (B = 0) leaves the logits exactly as they were")
        void freshIsIdentity() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                float[] plain = logits(model);
                LoraAdapter adapter = model.applyLora(LoraConfig.builder().optTargetModules(
                        List.of(LoraConfig.ALL_LINEAR)).build(), 3);
                assertThat(logits(model)).containsExactly(plain);
                assertThat(adapter.modules()).hasSize(14);
                assertThat(adapter.config().targetModules()).containsExactly("q_proj", "k_proj", "v_proj", "o_proj",
                        "gate_proj", "up_proj", "down_proj");
                assertThat(adapter.parameters()).hasSize(28);
                float[] b = adapter.parameters().get("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight")
                        .toFloatArray();
                assertThat(b).hasSize(160 * 8).containsOnly(0f);
                // kaiming_uniform_(a=sqrt(5)) on [8, 160]: U(-1/sqrt(160), 1/sqrt(160)), std bound / sqrt(3).
                float[] a = adapter.parameters().get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight")
                        .toFloatArray();
                double bound = 1 / Math.sqrt(160);
                double sq = 0;
                for (float v : a) {
                    assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
                    sq += v * v;
                }
                assertThat(Math.sqrt(sq / a.length) / (bound / Math.sqrt(3))).isBetween(0.9, 1.1);
            }
        }

        @Test
        @DisplayName("the seed decides the adapter; init_lora_weights=false makes B random too")
        void seeded() throws IOException {
            LoraConfig random = LoraConfig.builder().optInitLoraWeights(false).build();
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                float[] plain = logits(model);
                float[][] runs = new float[3][];
                long[] seeds = {5, 5, 6};
                for (int i = 0; i < 3; i++) {
                    try (LoraAdapter adapter = model.applyLora(random, seeds[i])) {
                        runs[i] = logits(model);
                    }
                }
                assertThat(runs[0]).containsExactly(runs[1]);
                assertThat(runs[0]).isNotEqualTo(runs[2]);
                assertThat(maxAbsDiff(runs[0], plain, null)).isGreaterThan(1e-3f);
                assertThat(logits(model)).containsExactly(plain);
            }
        }

        @Test
        @DisplayName("target_modules are matched as PEFT matches a list, and must select projections")
        void targets() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                assertThat(modules(model, "self_attn.q_proj", "layers.1.mlp.down_proj")).containsExactly(
                        "model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.q_proj",
                        "model.layers.1.mlp.down_proj");
                assertThat(modules(model, "model.layers.0.self_attn.o_proj"))
                        .containsExactly("model.layers.0.self_attn.o_proj");
                String adaptable = "only the decoder layers' projections can be adapted (q_proj, k_proj, v_proj, "
                        + "o_proj, gate_proj, up_proj, down_proj)";
                expectTargetError(model, List.of("q_proj", "mlp"), "'mlp' selects model.layers.0.mlp; " + adaptable);
                expectTargetError(model, List.of("lm_head"), "'lm_head' selects lm_head; " + adaptable);
                expectTargetError(model, List.of("embed_tokens"),
                        "'embed_tokens' selects model.embed_tokens; " + adaptable);
                expectTargetError(model, List.of("c_attn", "proj"),
                        "[c_attn, proj] select no module of this Qwen2 model; " + adaptable);
                assertThat(model.adapterOrNull()).isNull();
            }
        }

        private List<String> modules(Qwen2Model model, String... targets) {
            try (LoraAdapter adapter = model.applyLora(LoraConfig.builder().optTargetModules(List.of(targets))
                    .build(), 1)) {
                return adapter.modules();
            }
        }

        private void expectTargetError(Qwen2Model model, List<String> targets, String problem) {
            assertThatThrownBy(() -> model.applyLora(LoraConfig.builder().optTargetModules(targets).build(), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("target_modules: " + problem);
        }

        @Test
        @DisplayName("one adapter at a time; close restores the base model, and a closed adapter refuses work")
        void oneAtATime() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                float[] plain = logits(model);
                Map<String, float[]> before = weights(model);
                LoraAdapter adapter = model.loadAdapter(adapterDir);
                assertThatThrownBy(() -> model.applyLora(LoraConfig.defaults(), 1))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("the model already has an adapter on 8 modules; close it first");
                adapter.close();
                adapter.close();
                assertThat(model.adapterOrNull()).isNull();
                assertThat(logits(model)).containsExactly(plain);
                assertThatThrownBy(adapter::parameters).isInstanceOf(IllegalStateException.class)
                        .hasMessage("the adapter was unloaded");
                assertThatThrownBy(adapter::merge).isInstanceOf(IllegalStateException.class)
                        .hasMessage("the adapter was unloaded");
                LoraAdapter merged = model.loadAdapter(adapterDir);
                merged.merge();
                merged.close();
                model.parameters().forEach((name, array) -> assertThat(
                        maxAbsDiff(array.toFloatArray(), before.get(name), null)).as(name).isLessThanOrEqualTo(1e-6f));
                try (LoraAdapter again = model.applyLora(LoraConfig.defaults(), 1)) {
                    assertThat(model.adapterOrNull()).isSameAs(again);
                }
            }
        }

        @Test
        @DisplayName("merge and unload keeps the merged weights; saved, they load as a plain merged model")
        void mergeAndUnload(@TempDir Path dir) throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                model.loadAdapter(adapterDir).mergeAndUnload();
                assertThat(model.adapterOrNull()).isNull();
                assertThat(diff(logits(model), "logits_merged")).isLessThanOrEqualTo(1e-4f);
                model.save(dir);
            }
            try (Qwen2Model merged = Qwen2Model.load(dir, Device.cpu())) {
                assertThat(diff(logits(merged), "logits")).isLessThanOrEqualTo(1e-4f);
            }
        }

        @Test
        @DisplayName("closing the model first unloads its adapter without touching freed arrays")
        void modelClosedFirst() throws IOException {
            Qwen2Model model = Qwen2Model.load(base, Device.cpu());
            LoraAdapter adapter = model.loadAdapter(adapterDir);
            adapter.merge();
            model.close();
            adapter.close();
            assertThatThrownBy(() -> adapter.setEnabled(true)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the adapter was unloaded");
        }
    }
}
