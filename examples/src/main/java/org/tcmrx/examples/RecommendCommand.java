package org.tcmrx.examples;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tcmrx.bart.BartHerbRanker;
import org.tcmrx.bart.HerbScoring;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Query;
import org.tcmrx.core.ScoredHerb;
import org.tcmrx.core.Symptom;
import org.tcmrx.core.internal.Json;
import org.tcmrx.dpo.LoraDpoTrainer;
import org.tcmrx.lora.ChatTemplate;
import org.tcmrx.lora.GenerationConfig;
import org.tcmrx.lora.LlmHerbRanker;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.lora.QwenTokenizer;
import org.tcmrx.lora.WeightStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tcm recommend}: the three-section answer of a pipeline run's LLM (after DPO when it ran) to a patient's
 * findings, its herbs kept to the training vocabulary, with BART's ranking beside it.
 */
@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = {"Answers a patient's findings with a pipeline run's models: the LLM's 症状分析 / 处方推荐 / "
                + "处方解释 and BART's herb ranking.",
            "Findings are separated by commas or 、; items starting with 脉 are the pulse, with 舌 or 苔 the tongue."})
final class RecommendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FINDINGS", description = "e.g. \"恶寒发热, 无汗, 头身疼痛, 脉浮紧\"")
    String findings;

    @Option(names = "--run", defaultValue = "runs/pipeline",
            description = "The run folder of tcm pipeline. Default: ${DEFAULT-VALUE}.")
    Path run;

    @Option(names = "--k", defaultValue = "10", description = "BART's herbs to show. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--sft-only", description = "Use the SFT model even when the run has a DPO adapter.")
    boolean sftOnly;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Query query = parse(findings);
        Path llmFile = run.resolve("sft").resolve(PipelineStages.LLM_FILE);
        if (!Files.isRegularFile(llmFile)) {
            throw new NoSuchFileException(llmFile.toString(), null, "no finished pipeline run there (run tcm pipeline "
                    + "--out " + run + " first)");
        }
        JsonNode llm = Json.MAPPER.readTree(llmFile.toFile());
        Path base = Path.of(llm.path("base").asText());
        Path dpo = run.resolve("dpo").resolve(LoraDpoTrainer.ADAPTER_DIR);
        boolean withDpo = !sftOnly && Files.isRegularFile(dpo.resolve("adapter_config.json"));
        List<Herb> herbs = new ArrayList<>();
        llm.path("herbs").forEach(h -> herbs.add(new Herb(h.asText())));
        ChatTemplate template = llm.path("system_message").isTextual()
                ? ChatTemplate.builder().optDefaultSystemMessage(llm.get("system_message").asText()).build()
                : ChatTemplate.builder().optNoDefaultSystemMessage().build();
        LlmHerbRanker.Answer answer;
        try (QwenTokenizer tokenizer = QwenTokenizer.load(base.resolve(QwenTokenizer.TOKENIZER_FILE));
                Qwen2Model model = Qwen2Model.load(base, Device.cpu(), llm.path("base_fp16").asBoolean()
                        ? WeightStorage.FLOAT16 : WeightStorage.FLOAT32)) {
            model.loadAdapter(run.resolve("sft").resolve("adapter")).mergeAndUnload();
            if (withDpo) {
                model.loadAdapter(dpo);
            }
            answer = LlmHerbRanker.builder().setModel(model).setTokenizer(tokenizer).setHerbs(herbs)
                    .optChatTemplate(template).optPromptTemplate(llm.path("prompt_template").asText())
                    .optConstrained(true)
                    .optGenerationConfig(GenerationConfig.builder().optMaxNewTokens(llm.path("max_new_tokens")
                            .asInt(LlmHerbRanker.DEFAULT_MAX_NEW_TOKENS)).optEosTokenIds(tokenizer.eosTokenIds())
                            .build())
                    .build().answer(query);
        }
        List<ScoredHerb> bart;
        try (BartHerbRanker ranker = BartHerbRanker.load(run.resolve("bart").resolve("model"), HerbScoring.FIRST_STEP,
                Device.cpu())) {
            bart = ranker.rank(query, k).entries();
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("findings", LlmHerbRanker.findings(query));
            out.put("model", withDpo ? "LLM-DPO" : "LLM-SFT");
            out.put("answer", answer.text());
            out.put("parsed", answer.parse().ok());
            out.put("herbs", answer.herbs().stream().map(Herb::name).toList());
            List<Map<String, Object>> ranking = new ArrayList<>();
            bart.forEach(s -> ranking.add(Map.of("herb", s.herb().name(), "score", s.score())));
            out.put("bart", ranking);
            stdout.println(Json.MAPPER.writeValueAsString(out));
        } else {
            stdout.println("Findings: " + LlmHerbRanker.findings(query).replace("\n", "; "));
            stdout.println();
            stdout.println((withDpo ? "LLM-DPO" : "LLM-SFT") + ":");
            stdout.println(answer.text().isBlank() ? "(no answer)" : answer.text());
            if (!answer.parse().ok()) {
                stdout.println("(the answer does not read as the three sections: "
                        + String.join("; ", answer.parse().problems()) + ")");
            }
            stdout.println();
            stdout.println("BART's ranking:");
            for (int i = 0; i < bart.size(); i++) {
                stdout.printf("%3d. %s  %.4f%n", i + 1, bart.get(i).herb().name(), bart.get(i).score());
            }
        }
        stdout.flush();
        return 0;
    }

    /**
     * Reads findings: items separated by commas, 、 or semicolons; an item starting with 脉 is the pulse, one with 舌
     * or starting with 苔 the tongue, every other one a symptom.
     *
     * @param text the findings
     * @return the query
     * @throws IllegalArgumentException when no symptom is given
     */
    static Query parse(String text) {
        Set<Symptom> symptoms = new LinkedHashSet<>();
        List<String> tongue = new ArrayList<>();
        List<String> pulse = new ArrayList<>();
        for (String item : text.split("[,，、;；\\n]+")) {
            String s = item.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (s.startsWith("脉")) {
                pulse.add(s);
            } else if (s.startsWith("舌") || s.startsWith("苔")) {
                tongue.add(s);
            } else {
                symptoms.add(new Symptom(s));
            }
        }
        if (symptoms.isEmpty()) {
            throw new IllegalArgumentException("FINDINGS: no symptom in '" + text + "'; give at least one, e.g. "
                    + "\"恶寒发热, 无汗, 脉浮紧\"");
        }
        return new Query(new ArrayList<>(symptoms), null, tongue.isEmpty() ? null : String.join("，", tongue),
                pulse.isEmpty() ? null : String.join("，", pulse), List.of());
    }
}
