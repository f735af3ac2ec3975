package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Query;
import org.tcmrx.core.Symptom;
import org.tcmrx.core.ThreeSectionAnswer;

/**
 * The end-to-end check that the SFT stack teaches the three-section format: a tiny Qwen2 is trained from random
 * initialization (full-parameter mode) and then with LoRA on three-section answers written from the embedded
 * corpus's training cases, and its greedy answers to the held-out cases must parse.
 */
@DisplayName("A tiny Qwen2 trained from scratch, then with LoRA, learns the three-section format")
class FormatLearningTest {
    private static final Logger LOG = LoggerFactory.getLogger(FormatLearningTest.class);
    private static final ChatTemplate TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();

    /** Epochs of the full-parameter stage. */
    private static final int FULL_EPOCHS = 8;
    /** Samples per training case. */
    private static final int COPIES = 4;

    @TempDir
    Path tmp;

    /** The user's turn: the findings and the request. */
    static String prompt(Query q) {
        StringBuilder s = new StringBuilder("症状：");
        s.append(q.symptoms().stream().map(Symptom::name).collect(Collectors.joining("、")));
        if (q.tongue() != null) {
            s.append("；舌：").append(q.tongue());
        }
        if (q.pulse() != null) {
            s.append("；脉：").append(q.pulse());
        }
        return s.append("。请辨证并推荐处方。").toString();
    }

    /**
     * A templated three-section answer for a training case (the stand-in for a teacher's answer), its herbs in the
     * given order.
     */
    static String answer(ClinicalCase c, List<String> herbs) {
        String analysis = "患者见" + c.query().symptoms().stream().map(Symptom::name).limit(4)
                .collect(Collectors.joining("、")) + "，治宜对证施治。";
        String explanation = "方以" + herbs.get(0) + "为君，余药为臣佐使，诸药合用，共奏其效。";
        return new ThreeSectionAnswer(analysis, herbs, explanation).render();
    }

    /**
     * Samples for a case, each with its herbs in another random order: the order of a prescription carries no
     * meaning, and varying it keeps a small model from memorizing the lists instead of learning the format.
     */
    static List<SftSample> samples(ClinicalCase c, int copies, Random rng) {
        List<SftSample> out = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            List<String> herbs = new ArrayList<>(c.herbs().stream().map(Herb::name).toList());
            Collections.shuffle(herbs, rng);
            out.add(SftSample.promptCompletion(List.of(ChatMessage.user(prompt(c.query()))), answer(c, herbs)));
        }
        return out;
    }

    @Test
    @DisplayName("at least 90% of the greedy answers to held-out cases parse")
    void learnsTheFormat() throws IOException {
        Dataset corpus = EmbeddedCorpus.load();
        List<ClinicalCase> heldOut = new ArrayList<>(corpus.split(Dataset.VALID));
        heldOut.addAll(corpus.split(Dataset.TEST));
        Random rng = new Random(1);
        List<SftSample> samples = new ArrayList<>();
        corpus.split(Dataset.TRAIN).forEach(c -> samples.addAll(samples(c, COPIES, rng)));
        StringBuilder text = new StringBuilder();
        samples.forEach(s -> text.append(s.render(TEMPLATE).text()));
        heldOut.forEach(c -> text.append(prompt(c.query())));
        long start = System.nanoTime();
        try (QwenTokenizer tokenizer = QwenTokenizer.load(
                Qwen2Fixtures.charTokenizer(tmp.resolve("tokenizer.json"), text.toString()))) {
            Qwen2Config config = Qwen2Config.builder().optVocabSize(tokenizer.vocabSize()).optHiddenSize(64)
                    .optIntermediateSize(128).optNumHiddenLayers(3).optNumAttentionHeads(4).optNumKeyValueHeads(2)
                    .optTieWordEmbeddings(true).optInitializerRange(0.2).build();
            try (Qwen2Model model = Qwen2Model.init(config, 5, Device.cpu())) {
                train(model, tokenizer, samples);
                List<String> answers = answer(model, tokenizer, heldOut);
                List<String> failures = answers.stream()
                        .filter(a -> ThreeSectionAnswer.parse(a).answerOrNull() == null).toList();
                int parsed = answers.size() - failures.size();
                LOG.info("{} of {} held-out answers parse, {} s in all; failures: {}", parsed, answers.size(),
                        (System.nanoTime() - start) / 1_000_000_000L, failures.stream().limit(3).toList());
                assertThat(parsed).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * heldOut.size()));
            }
        }
    }

    /** Full-parameter SFT from random initialization, then LoRA SFT on the same samples. */
    private void train(Qwen2Model model, QwenTokenizer tokenizer, List<SftSample> samples) throws IOException {
        SftResult full = new SftTrainer(SftConfig.builder().optFullParameters().optChatTemplate(TEMPLATE)
                .optEpochs(FULL_EPOCHS).optBatchSize(8).optLearningRate(5e-3).optWarmupRatio(0.05)
                .optSeed(3).optOutputDir(tmp.resolve("full")).build())
                .train(model, tokenizer, samples, List.of());
        LOG.info("full-parameter stage: {} steps, last loss {}", full.training().steps(),
                full.training().finalTrainLoss());
        SftResult lora = new SftTrainer(SftConfig.builder()
                .optLora(LoraConfig.builder().optR(8).optLoraAlpha(16).optTargetModules(List.of("all-linear")).build())
                .optChatTemplate(TEMPLATE).optEpochs(1).optBatchSize(8).optLearningRate(1e-3)
                .optSeed(4).optOutputDir(tmp.resolve("lora")).build())
                .train(model, tokenizer, samples, List.of());
        LOG.info("LoRA stage: {} steps, last loss {}", lora.training().steps(), lora.training().finalTrainLoss());
        assertThat(model.adapterOrNull()).isNotNull();
    }

    /** Greedy answers to the cases' prompts, in batches of 25. */
    private static List<String> answer(Qwen2Model model, QwenTokenizer tokenizer, List<ClinicalCase> cases) {
        Generator generator = new Generator(model, tokenizer);
        GenerationConfig greedy = GenerationConfig.builder().optMaxNewTokens(256)
                .optEosTokenIds(tokenizer.eosTokenIds()).build();
        List<long[]> prompts = cases.stream().map(c -> tokenizer.encode(
                TEMPLATE.render(List.of(ChatMessage.user(prompt(c.query()))), true))).toList();
        List<String> answers = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += 25) {
            for (GenerationResult r : generator.generate(prompts.subList(from, Math.min(prompts.size(), from + 25)),
                    greedy, null, null)) {
                answers.add(r.text()); // special tokens, <|im_end|> among them, skipped
            }
        }
        return answers;
    }
}
