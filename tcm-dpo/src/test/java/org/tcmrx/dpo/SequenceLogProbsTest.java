package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.nn.internal.NativeArrays;

@DisplayName("SequenceLogProbs")
class SequenceLogProbsTest {
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    @DisplayName("matches the fixture's sums, per-token values and counts")
    void fixture() throws IOException {
        JsonNode expected = DpoFixtures.cases().get("seq_logps");
        try (SafetensorsFile f = SafetensorsFile.open(DpoFixtures.dpoLoss().resolve("seq_logps.safetensors"))) {
            SequenceLogProbs.Result r = SequenceLogProbs.compute(floats(f, "logits"), longs(f, "labels"));
            double[] sums = toDoubles(r.logps());
            double[] want = DpoFixtures.doubles(expected.get("expected_logps"));
            for (int i = 0; i < want.length; i++) {
                assertThat(Math.abs(sums[i] - want[i])).isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(want[i])));
            }
            assertThat(r.tokenCounts()).containsExactly(f.longs("expected_token_counts"));
            assertThat(r.perToken().getShape()).isEqualTo(new Shape(2, 8));
            float[] perToken = NativeArrays.toFloats(r.perToken());
            float[] wantPerToken = f.floats("expected_per_token_logps");
            for (int i = 0; i < perToken.length; i++) {
                assertThat(Math.abs(perToken[i] - wantPerToken[i])).as("per-token %d", i).isLessThanOrEqualTo(1e-5f);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DpoLoss.Type.class)
    @DisplayName("end to end: logits of a [chosen; rejected] batch give the fixture's log-probs, losses and rewards")
    void endToEnd(DpoLoss.Type type) throws IOException {
        JsonNode e = DpoFixtures.cases().get("end_to_end");
        try (SafetensorsFile f = SafetensorsFile.open(DpoFixtures.dpoLoss().resolve("end_to_end.safetensors"))) {
            NDArray labels = longs(f, "labels");
            SequenceLogProbs.Result policy = SequenceLogProbs.compute(floats(f, "policy_logits"), labels);
            SequenceLogProbs.Result reference = SequenceLogProbs.compute(floats(f, "reference_logits"), labels);
            assertClose(toDoubles(policy.logps()), DpoFixtures.doubles(e.get("policy_logps")));
            assertClose(toDoubles(reference.logps()), DpoFixtures.doubles(e.get("reference_logps")));
            long[] counts = policy.tokenCounts();
            for (int i = 0; i < counts.length; i++) {
                assertThat(counts[i]).isEqualTo(e.get("completion_token_counts").get(i).asLong());
            }
            int pairs = e.get("pairs").asInt();
            NDArray lengths = NativeArrays.longs(manager, counts, new Shape(counts.length));
            DpoLoss.Output out = DpoLoss.compute(type, e.get("beta").asDouble(), 0,
                    policy.logps().get("0:" + pairs), policy.logps().get(pairs + ":"),
                    reference.logps().get("0:" + pairs), reference.logps().get(pairs + ":"),
                    lengths.get("0:" + pairs), lengths.get(pairs + ":"));
            JsonNode want = e.get("losses").get(type.trlName());
            assertClose(toDoubles(out.losses()), DpoFixtures.doubles(want.get("losses")));
            assertClose(new double[] {toDoubles(out.loss())[0]}, new double[] {want.get("loss").asDouble()});
            assertClose(toDoubles(out.chosenRewards()), DpoFixtures.doubles(want.get("chosen_rewards")));
            assertClose(toDoubles(out.rejectedRewards()), DpoFixtures.doubles(want.get("rejected_rewards")));
        }
    }

    @Test
    @DisplayName("refuses mismatched shapes, non-integer labels and labels outside the vocabulary")
    void errors() {
        NDArray logits = manager.zeros(new Shape(1, 3, 4));
        assertThatThrownBy(() -> SequenceLogProbs.compute(logits, NativeArrays.longs(manager, new long[2],
                new Shape(1, 2)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits (1, 3, 4) and labels (1, 2) must be [B, T, V] and [B, T]");
        assertThatThrownBy(() -> SequenceLogProbs.compute(logits, manager.zeros(new Shape(1, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("labels must be integers, got float32");
        assertThatThrownBy(() -> SequenceLogProbs.compute(logits, NativeArrays.longs(manager,
                new long[] {-100, 2, 4}, new Shape(1, 3)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels[0, 2] = 4 is outside the vocabulary [0, 4)");
    }

    private NDArray floats(SafetensorsFile f, String name) throws IOException {
        return NativeArrays.floats(manager, f.floats(name), new Shape(f.info(name).shape()));
    }

    private NDArray longs(SafetensorsFile f, String name) throws IOException {
        return NativeArrays.longs(manager, f.longs(name), new Shape(f.info(name).shape()));
    }

    private static double[] toDoubles(NDArray a) {
        float[] f = NativeArrays.toFloats(a);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("element %d: %s vs %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(expected[i])));
        }
    }
}
