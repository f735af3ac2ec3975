package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.internal.Json;
import org.tcmrx.lora.CharacterTokenizer;

/**
 * Real mode on the tiny Hugging Face checkpoints of {@code ../shared/fixtures}: {@code --base} a Qwen2 folder (the
 * fixture's weights with a tokenizer written for its 512-id vocabulary) and {@code --bart} a BART folder.
 */
@DisplayName("tcm pipeline with --base and --bart")
class PipelineRealModeTest {
    private static Path fixture(String name) {
        String dir = System.getProperty("tcmrx.fixtures.dir");
        assumeTrue(dir != null, "tcmrx.fixtures.dir is not set");
        Path folder = Path.of(dir).resolve(name);
        assumeTrue(Files.isRegularFile(folder.resolve("config.json")), "no fixture at " + folder);
        return folder;
    }

    @Test
    @DisplayName("fine-tunes the given Qwen2, starts BART from the given checkpoint, and finishes with the report")
    void realMode(@TempDir Path dir) throws IOException {
        Path qwen = fixture("qwen2-tiny-A");
        Path bart = fixture("bart-tiny-A");
        Path base = dir.resolve("base");
        Files.createDirectories(base);
        Files.copy(qwen.resolve("config.json"), base.resolve("config.json"));
        Files.copy(qwen.resolve("model.safetensors"), base.resolve("model.safetensors"));
        // 509 characters + 3 special tokens fill the fixture's 512 ids; characters outside are not encoded.
        String text = EmbeddedCorpus.load().splits().values().stream().flatMap(s -> s.stream())
                .map(c -> c.query().symptoms().toString() + c.herbs()).collect(Collectors.joining())
                + "症状分析处方推荐解释：、\n请辨证论治舌象脉象证候病情描述";
        String chars = text.codePoints().distinct().limit(509)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        CharacterTokenizer.write(base.resolve("tokenizer.json"), chars);

        Path runDir = dir.resolve("run");
        CliRun r = CliRun.run("pipeline", "--smoke", "--quiet", "--base", base.toString(), "--bart", bart.toString(),
                "--out", runDir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(runDir.resolve("sft/base")).doesNotExist(); // the given base is used, not trained
        assertThat(runDir.resolve("sft/adapter/adapter_model.safetensors")).isRegularFile();
        JsonNode llm = Json.MAPPER.readTree(runDir.resolve("sft").resolve(PipelineStages.LLM_FILE).toFile());
        assertThat(Path.of(llm.path("base").asText())).isEqualTo(base.toAbsolutePath());
        JsonNode provenance = Json.MAPPER.readTree(runDir.resolve("bart/model/provenance.json").toFile());
        assertThat(provenance.toString()).contains("bart-tiny-A");
        assertThat(runDir.resolve("report/report.html")).isRegularFile();
        assertThat(r.out()).contains("LLM-SFT");
    }
}
