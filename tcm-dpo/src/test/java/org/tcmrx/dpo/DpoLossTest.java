package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcmrx.nn.internal.NativeArrays;

@DisplayName("DpoLoss")
class DpoLossTest {
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static Stream<Arguments> fixtureCases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : DpoFixtures.cases().get("cases")) {
            out.add(Arguments.of(c.get("name").asText(), c, DataType.FLOAT64));
            out.add(Arguments.of(c.get("name").asText(), c, DataType.FLOAT32));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} in {2}")
    @MethodSource("fixtureCases")
    @DisplayName("matches every TRL case of the fixture: losses, mean, rewards, margins and accuracies")
    void fixture(String name, JsonNode c, DataType type) {
        DpoLoss.Type loss = DpoLoss.Type.of(c.get("loss_type").asText());
        double beta = c.get("beta").asDouble();
        double ls = c.get("label_smoothing").asDouble();
        NDArray nc = c.has("chosen_lengths") ? array(c.get("chosen_lengths"), type) : null;
        NDArray nr = c.has("rejected_lengths") ? array(c.get("rejected_lengths"), type) : null;
        DpoLoss.Output out = DpoLoss.compute(loss, beta, ls, array(c.get("policy_chosen_logps"), type),
                array(c.get("policy_rejected_logps"), type), array(c.get("reference_chosen_logps"), type),
                array(c.get("reference_rejected_logps"), type), nc, nr);
        JsonNode e = c.get("expected");
        double tolerance = type == DataType.FLOAT64 ? 1e-6 : 1e-4;
        assertClose(values(out.losses()), DpoFixtures.doubles(e.get("losses")), tolerance);
        assertClose(new double[] {values(out.loss())[0]}, new double[] {e.get("loss").asDouble()}, tolerance);
        double[] chosen = values(out.chosenRewards());
        double[] rejected = values(out.rejectedRewards());
        assertClose(chosen, DpoFixtures.doubles(e.get("chosen_rewards")), tolerance);
        assertClose(rejected, DpoFixtures.doubles(e.get("rejected_rewards")), tolerance);
        double[] margins = new double[chosen.length];
        double[] accuracies = new double[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            margins[i] = chosen[i] - rejected[i];
            accuracies[i] = chosen[i] > rejected[i] ? 1 : 0;
        }
        assertClose(margins, DpoFixtures.doubles(e.get("reward_margins")), tolerance);
        assertThat(accuracies).containsExactly(DpoFixtures.doubles(e.get("reward_accuracies")));
    }

    static Stream<Arguments> seeds() {
        return Stream.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L).map(Arguments::of);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @DisplayName("property: policy equal to reference gives ln 2 (sigmoid), zero rewards, and the loss falls as the "
            + "chosen margin grows")
    void properties(long seed) {
        Random rng = new Random(seed);
        int pairs = 1 + rng.nextInt(6);
        double[] pc = new double[pairs];
        double[] pr = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            pc[i] = -100 * rng.nextDouble();
            pr[i] = -100 * rng.nextDouble();
        }
        double beta = 0.01 + rng.nextDouble();
        DpoLoss.Output equal = DpoLoss.compute(DpoLoss.Type.SIGMOID, beta, 0, array(pc), array(pr), array(pc),
                array(pr), null, null);
        for (double v : values(equal.losses())) {
            assertThat(v).isCloseTo(Math.log(2), org.assertj.core.api.Assertions.within(1e-12));
        }
        assertThat(values(equal.chosenRewards())).containsOnly(0.0);
        assertThat(values(equal.rejectedRewards())).containsOnly(0.0);
        for (DpoLoss.Type type : DpoLoss.Type.values()) {
            double previous = Double.POSITIVE_INFINITY;
            double[] lengths = new double[pairs];
            java.util.Arrays.fill(lengths, 1 + rng.nextInt(30));
            for (int step = 0; step < 6; step++) {
                double[] moved = pc.clone();
                for (int i = 0; i < pairs; i++) {
                    moved[i] += step * 0.5 / beta; // raise the chosen log-ratio only
                }
                double loss = values(DpoLoss.compute(type, beta, 0, array(moved), array(pr), array(pc), array(pr),
                        array(lengths), array(lengths)).loss())[0];
                if (type == DpoLoss.Type.SIGMOID) {
                    assertThat(loss).as("%s at step %d", type, step).isLessThan(previous);
                } else {
                    // hinge reaches 0 and stays; ipo falls until the margin reaches 1 / (2 beta) per token.
                    double gap = step * 0.5 / beta / lengths[0];
                    if (gap <= 1 / (2 * beta)) {
                        assertThat(loss).as("%s at step %d", type, step).isLessThanOrEqualTo(previous);
                    }
                }
                previous = loss;
            }
        }
    }

    @Test
    @DisplayName("the sigmoid loss's gradient is -beta * sigmoid(-beta * delta) for the chosen and the opposite for "
            + "the rejected log-probability, halved by the pair mean")
    void gradient() {
        double beta = 0.3;
        NDArray pc = array(new double[] {-3, -8});
        NDArray pr = array(new double[] {-5, -2});
        pc.setRequiresGradient(true);
        pr.setRequiresGradient(true);
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            DpoLoss.Output out = DpoLoss.compute(DpoLoss.Type.SIGMOID, beta, 0, pc, pr,
                    array(new double[] {-4, -4}), array(new double[] {-4, -4}), null, null);
            collector.backward(out.loss());
        }
        double[] delta = {(-3 + 4) - (-5 + 4), (-8 + 4) - (-2 + 4)};
        double[] gc = values(pc.getGradient());
        double[] gr = values(pr.getGradient());
        for (int i = 0; i < 2; i++) {
            double expected = -beta / (1 + Math.exp(beta * delta[i])) / 2;
            assertThat(gc[i]).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(gr[i]).isCloseTo(-expected, org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    @DisplayName("refuses bad settings and arrays by name")
    void errors() {
        NDArray a = array(new double[] {-1, -2});
        NDArray b = array(new double[] {-1});
        assertThatThrownBy(() -> DpoLoss.compute(DpoLoss.Type.SIGMOID, 0, 0, a, a, a, a, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("beta must be positive and finite, got 0.0");
        assertThatThrownBy(() -> DpoLoss.compute(DpoLoss.Type.SIGMOID, 0.1, 0.5, a, a, a, a, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label_smoothing must be in [0, 0.5), got 0.5");
        assertThatThrownBy(() -> DpoLoss.compute(DpoLoss.Type.HINGE, 0.1, 0.1, a, a, a, a, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label_smoothing applies to the sigmoid loss only; the hinge loss needs 0, got 0.1");
        assertThatThrownBy(() -> DpoLoss.compute(DpoLoss.Type.IPO, 0.1, 0, a, a, a, a, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the ipo loss needs chosenLengths and rejectedLengths");
        assertThatThrownBy(() -> DpoLoss.compute(DpoLoss.Type.SIGMOID, 0.1, 0, a, b, a, a, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("policyRejected (1) must have the shape of policyChosen (2), one value per pair");
        assertThatThrownBy(() -> DpoLoss.compute(DpoLoss.Type.IPO, 0.1, 0, a, a, a, a, a, a))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the ipo loss needs positive completion lengths");
        assertThatThrownBy(() -> DpoLoss.Type.of("kto")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loss_type must be sigmoid, hinge or ipo, got 'kto'");
        assertThat(DpoLoss.Type.of(" IPO ")).isEqualTo(DpoLoss.Type.IPO);
    }

    private NDArray array(JsonNode values, DataType type) {
        NDArray d = array(DpoFixtures.doubles(values));
        return type == DataType.FLOAT64 ? d : d.toType(type, false);
    }

    private NDArray array(double[] values) {
        NDArray wrapped = manager.create(values, new Shape(values.length));
        return wrapped.duplicate();
    }

    private static double[] values(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = NativeArrays.toFloats(a);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("element %d: %s vs %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance * Math.max(1, Math.abs(expected[i])));
        }
    }
}
