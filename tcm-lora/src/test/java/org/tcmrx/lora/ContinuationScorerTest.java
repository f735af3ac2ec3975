package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.nn.internal.NativeArrays;

@DisplayName("ContinuationScorer and Qwen2Cache.crop on a tiny random Qwen2")
class ContinuationScorerTest {
    private static final String PREFIX = "症状分析：风寒束表。\n处方推荐：";

    @TempDir
    static Path tmp;
    private static QwenTokenizer tokenizer;
    private static Qwen2Model model;

    @BeforeAll
    static void setUp() throws IOException {
        tokenizer = QwenTokenizer.load(Qwen2Fixtures.charTokenizer(tmp.resolve("tokenizer.json"),
                PREFIX + "麻黄桂枝杏仁炙甘草"));
        model = Qwen2Model.init(Qwen2Config.builder().optVocabSize(tokenizer.vocabSize()).optHiddenSize(32)
                .optIntermediateSize(64).optNumHiddenLayers(2).optNumAttentionHeads(4).optNumKeyValueHeads(2)
                .optInitializerRange(0.2).build(), 3, Device.cpu());
    }

    @AfterAll
    static void tearDown() {
        model.close();
        tokenizer.close();
    }

    /** log P(text after the prefix | prefix) from one cache-free forward pass over the whole text. */
    private static double direct(String continuation) {
        long[] prefix = tokenizer.encode(PREFIX);
        long[] full = tokenizer.encode(PREFIX + continuation);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logProbs = model.forward(NativeArrays.longs(m, full, new Shape(1, full.length)), null)
                    .logSoftmax(-1); // [1, T, V]
            double sum = 0;
            for (int t = prefix.length; t < full.length; t++) {
                sum += logProbs.getFloat(0, t - 1, full[t]);
            }
            return sum;
        }
    }

    @Test
    @DisplayName("each score equals the full forward pass's log-probability, whatever the order of the list")
    void matchesFullForward() {
        List<String> names = List.of("麻黄", "桂枝", "炙甘草", "杏");
        double[] scores = ContinuationScorer.score(model, tokenizer, PREFIX, names);
        double[] reversed = ContinuationScorer.score(model, tokenizer, PREFIX, List.of("杏", "炙甘草", "桂枝", "麻黄"));
        for (int i = 0; i < names.size(); i++) {
            assertThat(scores[i]).as(names.get(i)).isCloseTo(direct(names.get(i)), within(1e-4));
            assertThat(reversed[names.size() - 1 - i]).as(names.get(i)).isCloseTo(scores[i], within(1e-5));
            assertThat(scores[i]).isNegative();
        }
    }

    @Test
    @DisplayName("a cropped cache continues as a fresh cache of the kept tokens does")
    void crop() {
        long[] ids = tokenizer.encode(PREFIX + "麻黄");
        try (NDManager m = NDManager.newBaseManager(); Qwen2Cache cropped = model.newCache(m);
                Qwen2Cache fresh = model.newCache(m)) {
            model.forward(NativeArrays.longs(m, ids, new Shape(1, ids.length)), null, cropped);
            cropped.crop(4);
            assertThat(cropped.length()).isEqualTo(4);
            model.forward(NativeArrays.longs(m, Arrays.copyOf(ids, 4), new Shape(1, 4)), null, fresh);
            NDArray next = NativeArrays.longs(m, new long[] {ids[4], ids[5]}, new Shape(1, 2));
            float[] a = model.forward(next, null, cropped).toFloatArray();
            float[] b = model.forward(next, null, fresh).toFloatArray();
            assertThat(Qwen2Fixtures.maxAbsDiff(a, b, null)).isLessThan(1e-5f);
            assertThatThrownBy(() -> cropped.crop(7)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxLength must be in [0, 6], got 7");
        }
    }

    @Test
    @DisplayName("empty prefixes and continuations are refused")
    void arguments() {
        assertThatThrownBy(() -> ContinuationScorer.score(model, tokenizer, "", List.of("麻黄")))
                .hasMessage("prefix must not be empty");
        assertThatThrownBy(() -> ContinuationScorer.score(model, tokenizer, PREFIX, List.of("麻黄", "")))
                .hasMessage("continuations[1] must not be empty");
    }
}
