package org.tcmrx.examples;

import java.util.Arrays;
import org.tcmrx.lora.Qwen2Config;

/**
 * The Qwen2 shapes {@code tcm bench-lora --configs} accepts, all with random weights. {@code 0.5b} and {@code 7b} are
 * the {@code config.json} shapes of Qwen2.5-0.5B and Qwen2.5-7B (vocabulary, width, depth, heads, SwiGLU width, tied or
 * untied output layer); the smaller ones keep Qwen2's layout (biased q/k/v, grouped-query attention with 64-wide heads,
 * RoPE base 10^6) with a 32,000-token vocabulary, sized to about 30M and 120M parameters in all.
 */
enum BenchShape {
    /** 107K parameters, for tests: seconds on any machine. */
    TINY("tiny", 512, 64, 128, 2, 4, 2, true),
    /** 31.1M parameters: hidden 512, 8 layers, 8 heads (2 key/value heads), SwiGLU 768, tied. */
    M30("30m", 32_000, 512, 768, 8, 8, 2, true),
    /** 119.0M parameters: hidden 768, 12 layers, 12 heads (2 key/value heads), SwiGLU 2816, tied. */
    M120("120m", 32_000, 768, 2816, 12, 12, 2, true),
    /** Qwen2.5-0.5B: 494.0M parameters, hidden 896, 24 layers, 14 heads (2 key/value heads), tied. */
    B0_5("0.5b", 151_936, 896, 4864, 24, 14, 2, true),
    /** Qwen2.5-7B: 7.62B parameters, hidden 3584, 28 layers, 28 heads (4 key/value heads), untied. */
    B7("7b", 152_064, 3584, 18_944, 28, 28, 4, false);

    private final String label;
    private final Qwen2Config config;

    BenchShape(String label, int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads,
            boolean tied) {
        this.label = label;
        this.config = Qwen2Config.builder()
                .optVocabSize(vocab)
                .optHiddenSize(hidden)
                .optIntermediateSize(intermediate)
                .optNumHiddenLayers(layers)
                .optNumAttentionHeads(heads)
                .optNumKeyValueHeads(kvHeads)
                .optMaxPositionEmbeddings(32_768)
                .optRopeTheta(1e6)
                .optRmsNormEps(1e-6)
                .optTieWordEmbeddings(tied)
                .build();
    }

    /** The model's hyper-parameters. */
    Qwen2Config config() {
        return config;
    }

    /**
     * Parses a {@code --configs} entry.
     *
     * @throws IllegalArgumentException naming the valid entries
     */
    static BenchShape parse(String text) {
        String wanted = text.strip();
        return Arrays.stream(values()).filter(s -> s.label.equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown config '" + text + "'; valid configs: "
                        + String.join(", ", Arrays.stream(values()).map(BenchShape::toString).toList())));
    }

    @Override
    public String toString() {
        return label;
    }

    /** Lets picocli read {@code --configs}. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<BenchShape> {
        @Override
        public BenchShape convert(String value) {
            return parse(value);
        }
    }
}
