package org.tcmrx.dpo;

import java.util.Arrays;
import java.util.List;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbNormalizer;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.lora.ChatMessage;

/** A record of 麻黄汤 and helpers to write answers and candidates for it. */
final class PairFixtures {
    static final ClinicalCase RECORD = ClinicalCase.builder().setId("case-1").setSymptoms("发热", "恶寒", "无汗")
            .optPulse("脉浮紧").optSyndromes(List.of("风寒束表")).setPrescription(Prescription.of("麻黄", "桂枝", "杏仁",
                    "甘草")).build();
    static final List<ChatMessage> PROMPT = List.of(ChatMessage.user("症状：发热、恶寒、无汗\n脉象：脉浮紧"));

    private PairFixtures() {}

    static List<Herb> herbs(String... names) {
        return Arrays.stream(names).map(Herb::of).toList();
    }

    /** A three-section answer prescribing the herbs. */
    static String answer(String... herbs) {
        return new ThreeSectionAnswer("风寒束表，卫阳被遏。", List.of(herbs), "发汗解表，宣肺平喘。").render();
    }

    /** The record answered by the LLM with {@code llmResponse}, and BART's prescription. */
    static PreferenceCandidate candidate(String llmResponse, String... bartHerbs) {
        return PreferenceCandidate.of(RECORD, PROMPT, llmResponse, herbs(bartHerbs), HerbNormalizer.standard());
    }

    /** A pair of the record with the given answers. */
    static PreferencePair pair(String chosen, String rejected, double chosenScore, double rejectedScore) {
        return new PreferencePair(RECORD.id(), PROMPT, chosen, rejected, chosenScore, rejectedScore,
                PreferencePair.BART, java.util.Map.of("metric", "f1"));
    }
}
