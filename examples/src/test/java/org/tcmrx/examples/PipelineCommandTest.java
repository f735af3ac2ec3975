package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.Query;
import org.tcmrx.core.internal.Json;
import org.tcmrx.dpo.PreferencePairJsonl;
import org.tcmrx.eval.EvaluationReport;
import org.tcmrx.eval.EvaluationResult;
import org.tcmrx.eval.SafetySummary;
import org.tcmrx.lora.LoraConfig;
import org.tcmrx.lora.SftJsonl;

/** One smoke run of the embedded pipeline, shared by the tests, then the checks a CI wants. */
@DisplayName("tcm pipeline and tcm recommend")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineCommandTest {
    private Path dir;
    private Path runDir;
    private CliRun first;

    @BeforeAll
    void smokeRun(@TempDir Path tmp) {
        dir = tmp;
        runDir = dir.resolve("run");
        first = CliRun.run("pipeline", "--smoke", "--quiet", "--out", runDir.toString());
    }

    @Test
    @DisplayName("--smoke runs every stage and writes every artefact, each of which parses")
    void artefacts() throws IOException {
        assertThat(first.code()).as(first.err()).isZero();
        for (String stage : PipelineStages.STAGES) {
            assertThat(first.out()).containsPattern("(?m)^" + stage + " +done in ");
            JsonNode marker = Json.MAPPER.readTree(runDir.resolve(stage).resolve(RunFolder.MARKER).toFile());
            assertThat(marker.path("key").asText()).hasSize(64);
        }
        assertThat(Json.MAPPER.readTree(runDir.resolve(RunFolder.RUN_FILE).toFile()).path("settings").path("seed")
                .asLong()).isEqualTo(42);
        assertThat(Jsonl.read(runDir.resolve("distill/records.jsonl"), JsonNode.class)).hasSize(40);
        assertThat(SftJsonl.read(runDir.resolve("sft/train.jsonl"))).hasSize(40);
        assertThat(runDir.resolve("sft/base/config.json")).isRegularFile();
        assertThat(runDir.resolve("sft/base/tokenizer.json")).isRegularFile();
        assertThat(LoraConfig.read(runDir.resolve("sft/adapter/adapter_config.json")).r()).isEqualTo(8);
        assertThat(runDir.resolve("bart/model/model.safetensors")).isRegularFile();
        PreferencePairJsonl.read(runDir.resolve("pairs/pairs.jsonl"));
        assertThat(Json.MAPPER.readTree(runDir.resolve("pairs/pair_statistics.json").toFile()).path("candidates")
                .asInt()).isEqualTo(40);
        List<EvaluationResult> results = EvaluationReport.readJson(runDir.resolve("eval/report.json")).results();
        List<String> rankers = results.stream().map(EvaluationResult::ranker).toList();
        assertThat(rankers).startsWith("TopPop", "CoOcc", "BART", "LLM-SFT");
        JsonNode summary = Json.MAPPER.readTree(runDir.resolve("eval/summary.json").toFile());
        assertThat(summary.path("rankers")).hasSize(rankers.size());
        assertThat(summary.path("cases").asInt()).isEqualTo(10);
        assertThat(Jsonl.read(runDir.resolve("eval/examples.jsonl"), JsonNode.class)).hasSize(5);
        String report = Files.readString(runDir.resolve("report/report.md"));
        for (String ranker : rankers) {
            assertThat(first.out()).containsPattern("(?m)^" + ranker + " ");
            for (int k : PipelineEvaluation.KS) {
                assertThat(report).contains("| " + ranker + " | " + k + " | ");
            }
        }
        assertThat(Files.readString(runDir.resolve("report/report.html"))).contains("data:image/png;base64,")
                .doesNotContain("https://");
    }

    @Test
    @DisplayName("the evaluation checks safety and faithfulness, and the report shows both")
    void safetyAndFaithfulness() throws IOException {
        assertThat(first.code()).as(first.err()).isZero();
        PipelineSafety.Report safety = PipelineSafety.read(runDir.resolve("eval").resolve(PipelineSafety.FILE));
        assertThat(safety.summaries()).extracting(SafetySummary::subject)
                .startsWith(SafetySummary.TRUTH, "TopPop", "CoOcc", "BART", "LLM-SFT");
        assertThat(safety.summaries()).allSatisfy(s -> assertThat(s.lists()).isEqualTo(10));
        assertThat(safety.costs()).extracting(PipelineSafety.Cost::ranker).contains("CoOcc", "BART")
                .anyMatch(name -> name.startsWith("LLM-"));
        assertThat(safety.costs()).hasSize(3 * PipelineEvaluation.KS.length);
        assertThat(safety.faithfulnessByRanker()).containsKey("LLM-SFT");
        assertThat(safety.faithfulnessByRanker().get("LLM-SFT").answers()).isEqualTo(10);
        List<EvaluationResult> results = EvaluationReport.readJson(runDir.resolve("eval/report.json")).results();
        EvaluationResult sft = results.stream().filter(r -> r.ranker().equals("LLM-SFT")).findFirst().orElseThrow();
        assertThat(sft.cases()).allSatisfy(c -> assertThat(c.answer()).isNotNull());
        // The report's example answers are the answers the evaluation scored.
        JsonNode example = Jsonl.read(runDir.resolve("eval/examples.jsonl"), JsonNode.class).get(0);
        assertThat(example.path("answers").path("LLM-SFT").asText()).isEqualTo(sft.cases().get(0).answer());
        assertThat(example.path("safety").path("BART").isArray()).isTrue();
        assertThat(example.path("safety").path("LLM-SFT").isArray()).isTrue();
        String report = Files.readString(runDir.resolve("report/report.md"));
        assertThat(report).contains("## Explanation faithfulness", "## Safety", "| truth | all | 10 |",
                "| CoOcc | P@5 |", "**Safety (BART):**", "**Safety (LLM-SFT):**");
    }

    @Test
    @DisplayName("a second run skips every finished stage; a changed DPO setting redoes DPO and what follows only")
    void resumes() {
        CliRun again = CliRun.run("pipeline", "--smoke", "--quiet", "--stages", "distill,sft,bart,pairs",
                "--out", runDir.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("distill  up to date", "sft      up to date", "bart     up to date",
                "pairs    up to date").doesNotContain("done in");
    }

    @Test
    @DisplayName("tcm recommend answers from the run's models, as text and as JSON")
    void recommend() throws IOException {
        CliRun text = CliRun.run("recommend", "--run", runDir.toString(), "恶寒发热, 无汗, 头身疼痛, 脉浮紧");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("Findings: 症状：恶寒发热、无汗、头身疼痛; 脉象：脉浮紧",
                "BART's ranking (十八反/十九畏 pairs kept out):", "  1. ", "Safety of the answer: ",
                "Removed from BART's ranking: ");
        CliRun json = CliRun.run("recommend", "--run", runDir.toString(), "--json", "--k", "3", "恶寒发热、无汗");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode node = Json.MAPPER.readTree(json.out());
        assertThat(node.path("bart")).hasSize(3);
        assertThat(node.path("model").asText()).startsWith("LLM-");
        assertThat(node.has("answer")).isTrue();
        assertThat(node.path("answer_safety").isArray()).isTrue();
        assertThat(node.path("bart_removed").isArray()).isTrue();
    }

    @Test
    @DisplayName("findings: pulse and tongue items are told apart from symptoms")
    void parsesFindings() {
        Query q = RecommendCommand.parse("恶寒发热，无汗、舌淡红; 苔薄白, 脉浮紧");
        assertThat(q.symptoms()).extracting(s -> s.name()).containsExactly("恶寒发热", "无汗");
        assertThat(q.tongue()).isEqualTo("舌淡红，苔薄白");
        assertThat(q.pulse()).isEqualTo("脉浮紧");
        assertThatThrownBy(() -> RecommendCommand.parse("脉浮紧")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FINDINGS: no symptom in '脉浮紧'");
    }

    @Test
    @DisplayName("bad options and missing runs are refused with what to do")
    void errors() {
        CliRun stage = CliRun.run("pipeline", "--stages", "train", "--out", dir.resolve("x").toString());
        assertThat(stage.code()).isNotZero();
        assertThat(stage.err()).contains("--stages: unknown stage 'train'; the stages are distill, sft, bart, pairs, "
                + "dpo, eval, report");
        CliRun order = CliRun.run("pipeline", "--stages", "pairs", "--out", dir.resolve("empty").toString());
        assertThat(order.code()).isNotZero();
        assertThat(order.err()).contains("stage pairs needs [sft, bart], which have not all run in");
        CliRun none = CliRun.run("recommend", "--run", dir.resolve("nothing").toString(), "发热");
        assertThat(none.code()).isNotZero();
        assertThat(none.err()).contains("no finished pipeline run there");
        assertThat(Files.exists(dir.resolve("empty/sft"))).isFalse();
    }
}
