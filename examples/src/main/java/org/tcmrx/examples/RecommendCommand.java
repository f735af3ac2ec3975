package org.tcmrx.examples;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
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
import org.tcmrx.core.Ranking;
import org.tcmrx.core.safety.RuleKind;
import org.tcmrx.core.safety.SafeHerbRanker;
import org.tcmrx.core.safety.SafetyChecker;
import org.tcmrx.core.safety.SafetyFinding;
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

    @Option(names = "--pregnant", description = "The patient is pregnant: also check the pregnancy rules (妊娠禁用,"
            + " 妊娠慎用), and keep herbs forbidden in pregnancy out of BART's ranking.")
    boolean pregnant;

    @Option(names = "--no-safe", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Keep 十八反/十九畏 pairs out of the LLM's prescription (constrained decoding) and BART's"
                    + " ranking (SafeHerbRanker). Default: on; --no-safe shows both raw, flagged.")
    boolean safe;

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
        Set<RuleKind> kinds = EnumSet.of(RuleKind.EIGHTEEN_INCOMPATIBILITIES, RuleKind.NINETEEN_ANTAGONISMS,
                RuleKind.DOSE_LIMIT);
        if (pregnant) {
            kinds.addAll(EnumSet.of(RuleKind.PREGNANCY_FORBIDDEN, RuleKind.PREGNANCY_CAUTION));
        }
        SafetyChecker checker = SafetyChecker.builder().optKinds(kinds).build();
        // What is kept out: 十八反/十九畏 pairs, and herbs forbidden in pregnancy for a pregnant patient.
        Set<RuleKind> filtered = EnumSet.copyOf(SafeHerbRanker.PAIR_KINDS);
        if (pregnant) {
            filtered.add(RuleKind.PREGNANCY_FORBIDDEN);
        }
        SafetyChecker filter = checker.withKinds(filtered);
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
                    .optConstrained(true).optSafety(safe ? filter : null)
                    .optGenerationConfig(GenerationConfig.builder().optMaxNewTokens(llm.path("max_new_tokens")
                            .asInt(LlmHerbRanker.DEFAULT_MAX_NEW_TOKENS)).optEosTokenIds(tokenizer.eosTokenIds())
                            .build())
                    .build().answer(query);
        }
        List<SafetyFinding> answerFindings = checker.checkAnswer(answer.text());
        List<ScoredHerb> bart;
        List<SafetyFinding> bartFindings;
        try (BartHerbRanker ranker = BartHerbRanker.load(run.resolve("bart").resolve("model"), HerbScoring.FIRST_STEP,
                Device.cpu())) {
            if (safe) {
                SafeHerbRanker.Filtered f = SafeHerbRanker.of(ranker, filter).rankFiltered(query, k);
                bart = f.ranking().entries();
                bartFindings = f.removed();
            } else {
                Ranking r = ranker.rank(query, k);
                bart = r.entries();
                bartFindings = checker.check(r.herbs());
            }
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
            out.put("answer_safety", answerFindings.stream().map(SafetyFinding::message).toList());
            out.put(safe ? "bart_removed" : "bart_safety", bartFindings.stream().map(SafetyFinding::message).toList());
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
            if (answer.parse().ok()) {
                printFindings(stdout, "Safety of the answer", answerFindings);
            } else {
                stdout.println("Safety of the answer: not checked, as no prescription could be read from it");
            }
            stdout.println();
            stdout.println("BART's ranking" + (safe ? " (十八反/十九畏 pairs kept out):" : ":"));
            for (int i = 0; i < bart.size(); i++) {
                stdout.printf("%3d. %s  %.4f%n", i + 1, bart.get(i).herb().name(), bart.get(i).score());
            }
            printFindings(stdout, safe ? "Removed from BART's ranking" : "Safety of BART's ranking", bartFindings);
        }
        stdout.flush();
        return 0;
    }

    private void printFindings(PrintWriter stdout, String title, List<SafetyFinding> findings) {
        if (findings.isEmpty()) {
            stdout.println(title + ": no finding" + (pregnant ? "" : " (pregnancy rules not checked; --pregnant)"));
            return;
        }
        stdout.println(title + ":");
        for (SafetyFinding f : findings) {
            stdout.println("  ! " + f.message() + " — " + f.source());
        }
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
