package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.lora.Qwen2Fixtures.longs;
import static org.tcmrx.lora.Qwen2Fixtures.maxAbsDiff;
import static org.tcmrx.lora.Qwen2Fixtures.positions;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.nn.AdamW;
import org.tcmrx.nn.AdamWConfig;
import org.tcmrx.nn.ParameterStore;
import org.tcmrx.nn.internal.Autograd;

@DisplayName("LoraAdapter in training")
class LoraTrainingTest {
    private static final Logger LOG = LoggerFactory.getLogger(LoraTrainingTest.class);

    private static Path base;
    private static Path adapterDir;
    /** qwen2-tiny-A's expected outputs: the batch, its labels. */
    private static SafetensorsFile batch;
    private static SafetensorsFile golden;
    private static NDManager manager;

    @BeforeAll
    static void open() throws IOException {
        base = Qwen2Fixtures.qwen2TinyA();
        adapterDir = Qwen2Fixtures.peftLoraA();
        batch = SafetensorsFile.open(base.resolve("expected.safetensors"));
        golden = SafetensorsFile.open(adapterDir.resolve("expected.safetensors"));
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        if (batch != null) {
            batch.close();
            golden.close();
            manager.close();
        }
    }

    private static float[] logits(Qwen2Model model, boolean training) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            return model.forward(longs(m, batch, "input_ids"), longs(m, batch, "attention_mask"), training)
                    .toFloatArray();
        }
    }

    private static float loss(Qwen2Model model) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            NDArray out = model.forward(longs(m, batch, "input_ids"), longs(m, batch, "attention_mask"));
            return CausalLmLoss.lossValue(out, longs(m, batch, "labels"));
        }
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
        Map<String, float[]> copy = new HashMap<>();
        arrays.forEach((name, array) -> copy.put(name, array.toFloatArray()));
        return copy;
    }

    @Nested
    @DisplayName("training")
    class Training {
        @Test
        @DisplayName("AdamW on the adapter alone lowers the loss, with finite gradients; the base stays bit-identical")
        void adamW() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu()); ParameterStore store = new ParameterStore()) {
                LoraAdapter adapter = model.applyLora(LoraConfig.builder().optTargetModules(List.of("all-linear"))
                        .optLoraDropout(0.1).build(), 42);
                Map<String, float[]> baseBefore = snapshot(model.parameters());
                Map<String, float[]> loraBefore = snapshot(adapter.parameters());
                model.parameters().forEach((name, array) -> store.add(name, array, false));
                adapter.parameters().forEach((name, array) -> store.add(name, array, true));
                assertThat(store.trainableNames()).hasSize(28).allMatch(LoraAdapter::isAdapterParameter);
                assertThat(store.names()).filteredOn(LoraAdapter::isAdapterParameter).hasSize(28);
                float before = loss(model);
                List<Integer> arrays = new ArrayList<>();
                try (AdamW adamW = new AdamW(AdamWConfig.builder().build(), store)) {
                    for (int step = 0; step < 6; step++) {
                        Engine.getInstance().setRandomSeed(step);
                        try (NDManager m = store.manager().newSubManager();
                                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray out = model.forward(longs(m, batch, "input_ids"),
                                    longs(m, batch, "attention_mask"), true);
                            collector.backward(CausalLmLoss.loss(out, longs(m, batch, "labels")));
                        }
                        checkGradients(store, step);
                        adamW.step(1e-2);
                        store.zeroGradients();
                        arrays.add(store.manager().getManagedArrays().size());
                    }
                }
                float after = loss(model);
                LOG.info("loss {} -> {} after 6 AdamW steps on the adapter", before, after);
                assertThat(after).isLessThan(before - 0.05f);
                assertThat(arrays.subList(1, arrays.size())).as("no array leaks across steps")
                        .containsOnly(arrays.get(1));
                model.parameters().forEach((name, array) ->
                        assertThat(array.toFloatArray()).as(name).containsExactly(baseBefore.get(name)));
                adapter.parameters().forEach((name, array) ->
                        assertThat(array.toFloatArray()).as(name).isNotEqualTo(loraBefore.get(name)));
            }
        }

        /** Every trainable gradient is finite; at the first step B = 0, so only lora_B's are non-zero. */
        private void checkGradients(ParameterStore store, int step) {
            for (String name : store.trainableNames()) {
                try (NDArray grad = Autograd.gradientOrNull(store.get(name))) {
                    assertThat(grad).as(name).isNotNull();
                    float[] g = grad.toFloatArray();
                    float largest = maxAbsDiff(g, new float[g.length], null);
                    assertThat(largest).as(name).isFinite();
                    if (step == 0) {
                        if (name.endsWith("lora_B.weight")) {
                            assertThat(largest).as(name).isGreaterThan(0f);
                        } else {
                            assertThat(largest).as(name).isEqualTo(0f);
                        }
                    }
                }
            }
            for (String name : store.names()) {
                if (!store.isTrainable(name)) {
                    assertThat(Autograd.gradientOrNull(store.get(name))).as(name).isNull();
                }
            }
        }
    }

    @Nested
    @DisplayName("dropout")
    class Dropout {
        @Test
        @DisplayName("lora_dropout changes training-mode outputs only; inference stays exact; the seed fixes the mask")
        void loraDropout() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                float[] plain = logits(model, false);
                assertThat(logits(model, true)).as("no dropout without an adapter").containsExactly(plain);
                LoraAdapter adapter = model.loadAdapter(adapterDir); // lora_dropout 0.05
                float[] eval = logits(model, false);
                Engine.getInstance().setRandomSeed(1);
                float[] train = logits(model, true);
                Engine.getInstance().setRandomSeed(1);
                float[] again = logits(model, true);
                Engine.getInstance().setRandomSeed(2);
                float[] other = logits(model, true);
                assertThat(maxAbsDiff(train, eval, null)).isGreaterThan(1e-3f);
                assertThat(again).containsExactly(train);
                assertThat(other).isNotEqualTo(train);
                assertThat(logits(model, false)).containsExactly(eval);
                boolean[] real = positions(golden.longs("attention_mask"), v -> v == 1, 512);
                assertThat(maxAbsDiff(eval, golden.floats("logits"), real)).isLessThanOrEqualTo(1e-4f);
                adapter.setEnabled(false);
                assertThat(logits(model, true)).containsExactly(plain);
            }
        }

        @Test
        @DisplayName("attention_dropout applies in training mode only")
        void attentionDropout() throws IOException {
            Qwen2Config config = Qwen2Config.read(base.resolve("config.json")).toBuilder().optAttentionDropout(0.2)
                    .build();
            try (Qwen2Model model = Qwen2Model.init(config, 3, Device.cpu())) {
                float[] eval = logits(model, false);
                assertThat(maxAbsDiff(logits(model, true), eval, null)).isGreaterThan(1e-4f);
                assertThat(logits(model, false)).containsExactly(eval);
            }
        }
    }

    @Nested
    @DisplayName("memory")
    class Memory {
        @Test
        @DisplayName("forwards, greedy runs, merges and switches with an adapter leave no array behind")
        void noLeak() throws IOException {
            try (Qwen2Model model = Qwen2Model.load(base, Device.cpu())) {
                LoraAdapter adapter = model.loadAdapter(adapterDir);
                NDManager weights = model.parameters().get("model.norm.weight").getManager();
                NDManager own = adapter.parameters().values().iterator().next().getManager();
                int weightsBefore = weights.getManagedArrays().size();
                int ownBefore = own.getManagedArrays().size();
                int baseBefore = manager.getManagedArrays().size();
                long[] ids = batch.longs("input_ids");
                long[] mask = batch.longs("attention_mask");
                for (int step = 0; step < 30; step++) {
                    try (NDManager m = manager.newSubManager()) {
                        model.forward(longs(m, ids, 2), longs(m, mask, 2));
                        model.forward(longs(m, ids, 2), longs(m, mask, 2), true);
                        if (step == 0) {
                            // The two inputs and the logits, twice; nothing else.
                            assertThat(m.getManagedArrays()).hasSize(6);
                        }
                        if (step % 5 == 0) {
                            model.greedy(longs(m, ids, 2), 3, null);
                            adapter.merge();
                            model.forward(longs(m, ids, 2), null);
                            adapter.setEnabled(false);
                            model.forward(longs(m, ids, 2), null);
                            adapter.setEnabled(true);
                        }
                    }
                }
                assertThat(weights.getManagedArrays()).hasSize(weightsBefore);
                assertThat(own.getManagedArrays()).hasSize(ownBefore).hasSize(16);
                assertThat(manager.getManagedArrays()).hasSize(baseBefore);
            }
        }
    }
}
