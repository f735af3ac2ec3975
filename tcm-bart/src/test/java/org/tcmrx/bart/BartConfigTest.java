package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.MalformedDataException;

@DisplayName("BartConfig")
class BartConfigTest {
    private static final BartConfig TINY = BartConfig.builder().optVocabSize(300).optDModel(64).optEncoderLayers(2)
            .optDecoderLayers(2).optEncoderAttentionHeads(4).optDecoderAttentionHeads(4).optEncoderFfnDim(128)
            .optDecoderFfnDim(128).optMaxPositionEmbeddings(64).optPadTokenId(0).optBosTokenId(1).optEosTokenId(2)
            .optDecoderStartTokenId(2).optAttentionDropout(0.1).optActivationDropout(0.1).build();

    private static Path write(Path dir, String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return file;
    }

    @Nested
    @DisplayName("reading")
    class Reading {
        @Test
        @DisplayName("reads the bart-tiny-A config.json, ignoring keys it does not model")
        void fixture() throws IOException {
            BartConfig config = BartConfig.read(BartFixtures.bartTinyA().resolve("config.json"));
            assertThat(config).isEqualTo(TINY);
            assertThat(config.forcedBosTokenId()).isNull();
            assertThat(config.forcedEosTokenId()).isEqualTo(2);
            assertThat(config.tieWordEmbeddings()).isTrue();
        }

        @Test
        @DisplayName("gives missing keys Hugging Face's defaults")
        void defaults(@TempDir Path dir) throws IOException {
            assertThat(BartConfig.read(write(dir, "{\"model_type\": \"bart\"}"))).isEqualTo(BartConfig.defaults());
            BartConfig d = BartConfig.defaults();
            assertThat(d.vocabSize()).isEqualTo(50265);
            assertThat(d.dModel()).isEqualTo(1024);
            assertThat(d.padTokenId()).isEqualTo(1);
            assertThat(d.bosTokenId()).isEqualTo(0);
            assertThat(d.activationFunction()).isEqualTo("gelu");
        }

        @Test
        @DisplayName("writes and reads back the same values, under Hugging Face's keys")
        void roundTrip(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("config.json");
            BartConfig config = TINY.toBuilder().optForcedBosTokenId(1).optScaleEmbedding(true).build();
            config.write(file);
            assertThat(BartConfig.read(file)).isEqualTo(config);
            String json = Files.readString(file);
            assertThat(json).contains("\"d_model\" : 64", "\"forced_bos_token_id\" : 1", "\"model_type\" : \"bart\"",
                    "\"architectures\" : [ \"BartForConditionalGeneration\" ]", "\"scale_embedding\" : true");
            assertThat(json.indexOf("\"activation_dropout\"")).isLessThan(json.indexOf("\"vocab_size\""));
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {
        @Test
        @DisplayName("names config.json and the key")
        void fileErrors(@TempDir Path dir) throws IOException {
            Path silu = write(dir, "{\"activation_function\": \"silu\"}");
            assertThatThrownBy(() -> BartConfig.read(silu)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(silu + ": activation_function: unsupported value 'silu'; supported: gelu, relu, "
                            + "gelu_new");
            Path preLn = write(dir, "{\"normalize_before\": true}");
            assertThatThrownBy(() -> BartConfig.read(preLn)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(preLn + ": normalize_before: true (mBART-style pre-LN) is not supported; "
                            + "expected false");
            Path pad = write(dir, "{\"vocab_size\": 10, \"pad_token_id\": 10}");
            assertThatThrownBy(() -> BartConfig.read(pad)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(pad + ": pad_token_id: 10 is outside the vocabulary [0, 10)");
            Path type = write(dir, "{\"d_model\": \"wide\"}");
            assertThatThrownBy(() -> BartConfig.read(type)).isInstanceOf(MalformedDataException.class)
                    .satisfies(e -> assertThat(((MalformedDataException) e).field()).isEqualTo("d_model"))
                    .hasMessageStartingWith(type + ": d_model: ");
            Path nullPad = write(dir, "{\"pad_token_id\": null}");
            assertThatThrownBy(() -> BartConfig.read(nullPad)).isInstanceOf(MalformedDataException.class)
                    .satisfies(e -> assertThat(((MalformedDataException) e).field()).isEqualTo("pad_token_id"));
            Path notJson = write(dir, "{\"d_model\": 64,");
            assertThatThrownBy(() -> BartConfig.read(notJson)).isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(notJson + ":1: not valid JSON: ");
            Path utf32 = write(dir, "{\u0000\u0000\u0000}");
            assertThatThrownBy(() -> BartConfig.read(utf32)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(utf32 + ": not valid JSON: Unexpected EOF in the middle of a 4-byte UTF-32 char: "
                            + "got 1, needed 4, at char #1, byte #5)");
        }

        @Test
        @DisplayName("the builder names the key and value")
        void builderErrors() {
            assertThatThrownBy(() -> TINY.toBuilder().optDecoderAttentionHeads(3).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("decoder_attention_heads: 3 does not divide d_model 64");
            assertThatThrownBy(() -> TINY.toBuilder().optDropout(1.0).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("dropout: must be in [0, 1), got 1.0");
            assertThatThrownBy(() -> TINY.toBuilder().optEncoderLayers(0).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("encoder_layers: must be positive, got 0");
            assertThatThrownBy(() -> TINY.toBuilder().optAddFinalLayerNorm(true).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("add_final_layer_norm: true (mBART-style) is not supported; expected false");
        }
    }
}
