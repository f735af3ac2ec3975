package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.core.ParserContract.readFileOrReject;
import static org.tcmrx.core.ParserContract.readFileAndStream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.lora.internal.TokenizerJson;

/**
 * Fuzz targets of the files a LoRA run reads: SFT samples, the model's {@code config.json}, PEFT's
 * {@code adapter_config.json} and the Java side of loading {@code tokenizer.json}. Any file reads, or fails with a
 * {@link org.tcmrx.core.MalformedDataException} naming it. Regression inputs:
 * {@code src/test/resources/org/tcmrx/lora/LoraFilesFuzzTestInputs/<method>/}.
 *
 * <p>{@link QwenTokenizer#load} hands the file to Hugging Face's Rust library through JNI, where a crash would end
 * the JVM rather than fail a test; only {@link TokenizerJson#read}, the checks made before that hand-over, is fuzzed.
 */
@DisplayName("LoRA files under fuzzing")
class LoraFilesFuzzTest {
    @TempDir
    Path dir;

    /** The file and the stream readers agree. */
    @FuzzTest
    @DisplayName("SftJsonl.read, from a file and from a stream")
    void sftJsonl(byte[] input) throws IOException {
        readFileAndStream(dir, "train.jsonl", input, SftJsonl::read, SftJsonl::read);
    }

    @FuzzTest
    @DisplayName("Qwen2Config.read")
    void qwen2Config(byte[] input) throws IOException {
        readFileOrReject(dir, "config.json", input, Qwen2Config::read);
    }

    @FuzzTest
    @DisplayName("LoraConfig.read")
    void loraConfig(byte[] input) throws IOException {
        readFileOrReject(dir, "adapter_config.json", input, LoraConfig::read);
    }

    /** The id space read covers every id of the file. */
    @FuzzTest
    @DisplayName("TokenizerJson.read, the checks before the native tokenizer")
    void tokenizerJson(byte[] input) throws IOException {
        TokenizerJson json = readFileOrReject(dir, QwenTokenizer.TOKENIZER_FILE, input, TokenizerJson::read);
        if (json != null) {
            assertThat(json.vocabSize()).isNotNegative();
            assertThat(json.addedTokens().values()).allMatch(id -> id < json.vocabSize());
        }
    }
}
