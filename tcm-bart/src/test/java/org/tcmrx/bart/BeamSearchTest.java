package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.safetensors.SafetensorsFile;

@DisplayName("BartModel.beamSearch on bart-tiny-A")
class BeamSearchTest {
    private static final long EOS = 2;
    private static final long[] HERBS = {10, 11, 12};
    /** Tokens 10, 11 and 12 (each at most once) and EOS. */
    private static final TokenConstraint THREE_ONCE = (prefix, allowed) -> {
        Arrays.fill(allowed, false);
        allowed[(int) EOS] = true;
        for (long h : HERBS) {
            allowed[(int) h] = true;
        }
        for (long t : prefix) {
            allowed[(int) t] = false;
        }
    };

    private static BartModel model;
    private static long[] input;
    private static NDManager base;

    @BeforeAll
    static void load() throws IOException {
        Path dir = BartFixtures.bartTinyA();
        model = BartModel.load(dir, Device.cpu());
        base = NDManager.newBaseManager(Device.cpu());
        try (SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"))) {
            long[] ids = expected.longs("input_ids");
            long[] mask = expected.longs("attention_mask");
            int s = Math.toIntExact(expected.info("input_ids").shape()[1]);
            int real = 0;
            while (real < s && mask[real] == 1) {
                real++;
            }
            input = Arrays.copyOf(ids, real); // row 0, its real tokens only
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
            base.close();
        }
    }

    private static List<BeamHypothesis> search(NDManager m, int beams, int maxNew, double lengthPenalty,
            TokenConstraint constraint) {
        NDArray ids = m.create(input, new Shape(1, input.length));
        NDArray mask = m.ones(new Shape(1, input.length), ai.djl.ndarray.types.DataType.INT64);
        return model.beamSearch(ids, mask, beams, maxNew, lengthPenalty, constraint);
    }

    /** Every sequence of distinct tokens 10-12 followed by EOS, scored by uncached full decoding. */
    private static List<BeamHypothesis> exhaustive(NDManager m) {
        List<long[]> sequences = new ArrayList<>();
        extend(new long[0], sequences);
        NDArray ids = m.create(input, new Shape(1, input.length));
        NDArray mask = m.ones(new Shape(1, input.length), ai.djl.ndarray.types.DataType.INT64);
        NDArray encoded = model.encode(ids, mask);
        List<BeamHypothesis> out = new ArrayList<>();
        int vocab = model.config().vocabSize();
        for (long[] seq : sequences) {
            long[] dec = new long[seq.length];
            dec[0] = model.config().decoderStartTokenId();
            System.arraycopy(seq, 0, dec, 1, seq.length - 1);
            float[] logits = model.decode(m.create(dec, new Shape(1, dec.length)), encoded, mask, null)
                    .toFloatArray(); // [1, L, V]
            double logProb = 0;
            boolean[] allowed = new boolean[vocab];
            for (int i = 0; i < seq.length; i++) {
                Arrays.fill(allowed, true);
                THREE_ONCE.restrict(Arrays.copyOf(seq, i), allowed);
                double z = 0;
                for (int t = 0; t < vocab; t++) {
                    if (allowed[t]) {
                        z += Math.exp(logits[i * vocab + t]);
                    }
                }
                logProb += logits[i * vocab + (int) seq[i]] - Math.log(z);
            }
            out.add(new BeamHypothesis(seq, logProb, logProb, true));
        }
        out.sort(Comparator.comparingDouble(BeamHypothesis::score).reversed());
        return out;
    }

    private static void extend(long[] prefix, List<long[]> out) {
        long[] done = Arrays.copyOf(prefix, prefix.length + 1);
        done[prefix.length] = EOS;
        out.add(done);
        for (long h : HERBS) {
            if (Arrays.stream(prefix).noneMatch(t -> t == h)) {
                long[] longer = Arrays.copyOf(prefix, prefix.length + 1);
                longer[prefix.length] = h;
                extend(longer, out);
            }
        }
    }

    @Test
    @DisplayName("with a beam as wide as the search space it finds every sequence, in exact order and log-prob")
    void exhaustiveOrder() {
        try (NDManager m = base.newSubManager()) {
            List<BeamHypothesis> expected = exhaustive(m);
            assertThat(expected).hasSize(16);
            // Length penalty 0: the score is the log-prob, so the stop rule is exact.
            List<BeamHypothesis> found = search(m, 16, 4, 0.0, THREE_ONCE);
            assertThat(found).hasSize(16);
            for (int i = 0; i < 16; i++) {
                assertThat(found.get(i).tokens()).as("rank " + i).containsExactly(expected.get(i).tokens());
                assertThat(found.get(i).logProb()).isCloseTo(expected.get(i).logProb(), within(1e-4));
                assertThat(found.get(i).finished()).isTrue();
            }
        }
    }

    @Test
    @DisplayName("one beam without a constraint follows greedy decoding")
    void oneBeamIsGreedy() {
        try (NDManager m = base.newSubManager()) {
            List<BeamHypothesis> found = search(m, 1, 6, 1.0, null);
            assertThat(found).hasSize(1);
            long[] tokens = found.get(0).tokens();
            NDArray ids = m.create(input, new Shape(1, input.length));
            NDArray mask = m.ones(new Shape(1, input.length), ai.djl.ndarray.types.DataType.INT64);
            long[] greedy = model.greedy(ids, mask, tokens.length, null)[0];
            assertThat(tokens).containsExactly(greedy);
            assertThat(found.get(0).finished()).isEqualTo(tokens[tokens.length - 1] == EOS);
        }
    }

    @Test
    @DisplayName("hypotheses come best first, honour the constraint, and are normalised by length")
    void lengthPenalty() {
        try (NDManager m = base.newSubManager()) {
            List<BeamHypothesis> found = search(m, 3, 4, 1.0, THREE_ONCE);
            assertThat(found).hasSize(3);
            for (int i = 0; i < found.size(); i++) {
                BeamHypothesis h = found.get(i);
                assertThat(h.score()).isCloseTo(h.logProb() / h.tokens().length, within(1e-12));
                assertThat(h.tokens()).doesNotHaveDuplicates();
                assertThat(Arrays.stream(h.tokens()).allMatch(t -> t == EOS || (t >= 10 && t <= 12))).isTrue();
                if (i > 0) {
                    assertThat(h.score()).isLessThanOrEqualTo(found.get(i - 1).score());
                }
            }
        }
    }

    @Test
    @DisplayName("leaves no array behind")
    void noLeak() {
        try (NDManager m = base.newSubManager()) {
            search(m, 4, 4, 1.0, THREE_ONCE);
            assertThat(m.getManagedArrays()).hasSize(2); // the input ids and the mask
        }
    }

    @Test
    @DisplayName("rejects bad settings, naming them")
    void errors() {
        try (NDManager m = base.newSubManager()) {
            assertThatThrownBy(() -> search(m, 0, 4, 1.0, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("numBeams must be at least 1, got 0");
            assertThatThrownBy(() -> search(m, 2, 0, 1.0, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxNewTokens must be at least 1, got 0");
            assertThatThrownBy(() -> search(m, 2, 4, Double.NaN, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lengthPenalty must be finite, got NaN");
            NDArray two = m.zeros(new Shape(2, 3), ai.djl.ndarray.types.DataType.INT64);
            assertThatThrownBy(() -> model.beamSearch(two, two, 2, 4, 1.0, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("beam search takes one input, [1, S]; got (2, 3)");
        }
    }
}
