package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("AdamW")
class AdamWTest {
    private static final String W = "layer.weight";
    private static final String B = "layer.bias";
    private static final float[] W0 = {0.5f, -1.0f, 2.0f, 0.25f};
    private static final float[] B0 = {0.1f, -0.3f};
    private static final float[][] GW = {{0.2f, -0.4f, 1.5f, 0.0f}, {-0.7f, 0.1f, 0.3f, 2.0f}, {0.05f, 0.9f, -1.2f,
        -0.6f}};
    private static final float[][] GB = {{1.0f, -2.0f}, {0.5f, 0.5f}, {-0.25f, 3.0f}};
    private static final double[] LR = {0.1, 0.05, 0.02};

    private ParameterStore store;

    @BeforeEach
    void setUp() {
        store = new ParameterStore();
        store.add(W, store.manager().create(W0, new Shape(2, 2)));
        store.add(B, store.manager().create(B0, new Shape(2)));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    /**
     * torch.optim.AdamW, single-tensor path, written out in double precision:
     *
     * <pre>
     * param.mul_(1 - lr * weight_decay)
     * exp_avg.lerp_(grad, 1 - beta1)
     * exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
     * bias_correction1 = 1 - beta1 ** step; bias_correction2 = 1 - beta2 ** step
     * step_size = lr / bias_correction1
     * denom = (exp_avg_sq.sqrt() / sqrt(bias_correction2)).add_(eps)
     * param.addcdiv_(exp_avg, denom, value=-step_size)
     * </pre>
     */
    private static double[] reference(float[] p0, float[][] grads, int steps, double weightDecay) {
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double[] p = new double[p0.length];
        double[] m = new double[p0.length];
        double[] v = new double[p0.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = p0[i];
        }
        for (int t = 1; t <= steps; t++) {
            double lr = LR[t - 1];
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2 = 1 - Math.pow(beta2, t);
            for (int i = 0; i < p.length; i++) {
                double g = grads[t - 1][i];
                p[i] *= 1 - lr * weightDecay;
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
            }
        }
        return p;
    }

    private void run(AdamW adamW, int steps) {
        for (int t = 0; t < steps; t++) {
            Map<String, float[]> grads = new LinkedHashMap<>();
            grads.put(W, GW[t]);
            grads.put(B, GB[t]);
            TestGradients.set(store, grads);
            adamW.step(LR[t]);
            store.zeroGradients();
        }
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Nested
    @DisplayName("matches PyTorch's formula")
    class Formula {
        @Test
        @DisplayName("one step without weight decay")
        void oneStep() {
            try (AdamW adamW = new AdamW(AdamWConfig.builder().build(), store)) {
                run(adamW, 1);
                assertClose(store.get(W).toFloatArray(), reference(W0, GW, 1, 0));
                assertClose(store.get(B).toFloatArray(), reference(B0, GB, 1, 0));
                assertThat(adamW.stepCount(W)).isEqualTo(1);
            }
        }

        @Test
        @DisplayName("three steps without weight decay")
        void threeSteps() {
            try (AdamW adamW = new AdamW(AdamWConfig.builder().build(), store)) {
                run(adamW, 3);
                assertClose(store.get(W).toFloatArray(), reference(W0, GW, 3, 0));
                assertClose(store.get(B).toFloatArray(), reference(B0, GB, 3, 0));
            }
        }

        @Test
        @DisplayName("one step with weight decay; the bias is exempt by the default noDecay")
        void oneStepDecay() {
            try (AdamW adamW = new AdamW(AdamWConfig.builder().optWeightDecay(0.5).build(), store)) {
                run(adamW, 1);
                assertClose(store.get(W).toFloatArray(), reference(W0, GW, 1, 0.5));
                assertClose(store.get(B).toFloatArray(), reference(B0, GB, 1, 0));
            }
        }

        @Test
        @DisplayName("three steps with weight decay on every parameter when noDecay selects none")
        void threeStepsDecayAll() {
            AdamWConfig config = AdamWConfig.builder().optWeightDecay(0.5).optNoDecay(name -> false).build();
            try (AdamW adamW = new AdamW(config, store)) {
                run(adamW, 3);
                assertClose(store.get(W).toFloatArray(), reference(W0, GW, 3, 0.5));
                assertClose(store.get(B).toFloatArray(), reference(B0, GB, 3, 0.5));
            }
        }

        @Test
        @DisplayName("skips a parameter without gradient, as PyTorch skips grad None")
        void skipsWithoutGradient() {
            try (AdamW adamW = new AdamW(AdamWConfig.builder().optWeightDecay(0.5).build(), store)) {
                TestGradients.set(store, Map.of(W, GW[0]));
                adamW.step(LR[0]);
                assertThat(store.get(B).toFloatArray()).containsExactly(B0);
                assertThat(adamW.stepCount(B)).isZero();
                assertClose(store.get(W).toFloatArray(), reference(W0, GW, 1, 0.5));
            }
        }
    }

    @Nested
    @DisplayName("state")
    class State {
        @Test
        @DisplayName("saved after one step and loaded into a new optimizer continues exactly")
        void saveLoad(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("optimizer.safetensors");
            try (AdamW first = new AdamW(AdamWConfig.builder().build(), store)) {
                run(first, 1);
                first.save(file);
            }
            try (AdamW second = new AdamW(AdamWConfig.builder().build(), store)) {
                second.load(file);
                assertThat(second.stepCount(W)).isEqualTo(1);
                for (int t = 1; t < 3; t++) {
                    TestGradients.set(store, Map.of(W, GW[t], B, GB[t]));
                    second.step(LR[t]);
                    store.zeroGradients();
                }
            }
            assertClose(store.get(W).toFloatArray(), reference(W0, GW, 3, 0));
        }

        @Test
        @DisplayName("refuses state for a parameter the store does not train")
        void refusesUnknown(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("optimizer.safetensors");
            try (AdamW first = new AdamW(AdamWConfig.builder().build(), store)) {
                run(first, 1);
                first.save(file);
            }
            store.setTrainable(name -> name.equals(W));
            try (AdamW second = new AdamW(AdamWConfig.builder().build(), store)) {
                assertThatThrownBy(() -> second.load(file))
                        .isInstanceOf(MalformedDataException.class)
                        .hasMessage(file + ": layer.bias.exp_avg: no trainable parameter 'layer.bias' in the store");
            }
        }
    }

    @Nested
    @DisplayName("config")
    class Config {
        @Test
        @DisplayName("defaults are PyTorch's betas and eps with Hugging Face's weight decay 0")
        void defaults() {
            AdamWConfig c = AdamWConfig.builder().build();
            assertThat(c.beta1()).isEqualTo(0.9);
            assertThat(c.beta2()).isEqualTo(0.999);
            assertThat(c.eps()).isEqualTo(1e-8);
            assertThat(c.weightDecay()).isZero();
        }

        @Test
        @DisplayName("the default noDecay exempts biases and BART and Qwen2 norms only")
        void defaultNoDecay() {
            assertThat(AdamWConfig.DEFAULT_NO_DECAY).accepts("model.encoder.layers.0.fc1.bias",
                    "model.encoder.layers.0.self_attn_layer_norm.weight",
                    "model.decoder.layers.1.final_layer_norm.weight",
                    "model.encoder.layernorm_embedding.weight", "model.encoder.layer_norm.weight",
                    "model.layers.0.input_layernorm.weight", "model.layers.3.post_attention_layernorm.weight",
                    "model.norm.weight", "model.layers.0.self_attn.q_proj.bias");
            assertThat(AdamWConfig.DEFAULT_NO_DECAY).rejects("model.encoder.layers.0.fc1.weight",
                    "model.shared.weight", "model.layers.0.self_attn.q_proj.weight", "lm_head.weight",
                    "model.layers.0.mlp.gate_proj.lora_A.weight", "model.normalizer.weight");
        }

        @Test
        @DisplayName("invalid values fail naming the argument")
        void invalid() {
            assertThatThrownBy(() -> AdamWConfig.builder().optBetas(1.0, 0.999).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("beta1 must be in [0, 1), got 1.0");
            assertThatThrownBy(() -> AdamWConfig.builder().optWeightDecay(-0.1).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("weightDecay must be finite and at least 0, got -0.1");
            assertThatThrownBy(() -> AdamWConfig.builder().optNoDecay(null).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("noDecay must not be null");
        }

        @Test
        @DisplayName("a negative learning rate fails")
        void negativeLr() {
            try (AdamW adamW = new AdamW(AdamWConfig.builder().build(), store)) {
                assertThatThrownBy(() -> adamW.step(-1e-3)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("lr must be finite and at least 0, got -0.001");
            }
        }
    }
}
