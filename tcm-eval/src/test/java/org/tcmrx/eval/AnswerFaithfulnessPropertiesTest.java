package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbProperties;
import org.tcmrx.distill.HerbKnowledge;
import org.tcmrx.distill.KnowledgeTeacher;

@DisplayName("AnswerFaithfulness: answers written from the knowledge table's own values")
class AnswerFaithfulnessPropertiesTest {
    static final Map<Herb, HerbProperties> TABLE = HerbKnowledge.embedded().properties();
    static final List<Herb> HERBS = List.copyOf(TABLE.keySet());
    static final AnswerFaithfulness CHECKER = AnswerFaithfulness.builder().setVocabulary(HERBS).optKnowledge(TABLE)
            .build();

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    /**
     * An answer of 1 to 12 herbs drawn from the table, each explained as {@code HERB：性X，味Y，归Z经，功能…；}, with
     * the separators and the 归/入 chosen at random.
     */
    static String answer(Random random, List<Herb> herbs) {
        StringBuilder explanation = new StringBuilder();
        for (Herb h : herbs) {
            HerbProperties p = TABLE.get(h);
            explanation.append(h.name()).append("：性").append(p.nature()).append("，味")
                    .append(String.join(separator(random), p.flavours())).append('，')
                    .append(random.nextBoolean() ? '归' : '入').append(String.join(separator(random), p.meridians()))
                    .append("经，功能如本草所载；在方中为").append(random.nextBoolean() ? "君药" : "佐药").append("。\n");
        }
        explanation.append("诸药合用，共奏其功。");
        List<String> names = herbs.stream().map(Herb::name).toList();
        return "症状分析：四诊合参，辨证如上。\n处方推荐：" + String.join("、", names) + "\n处方解释：" + explanation;
    }

    private static String separator(Random random) {
        return List.of("、", "", "，", ",").get(random.nextInt(4));
    }

    /** One claim for the nature, one per distinct flavour, one per distinct meridian. */
    static int claims(List<Herb> herbs) {
        int n = 0;
        for (Herb h : herbs) {
            HerbProperties p = TABLE.get(h);
            n += 1 + new LinkedHashSet<>(p.flavours()).size() + new LinkedHashSet<>(p.meridians()).size();
        }
        return n;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @DisplayName("every herb explained, nothing extra, no contradiction, every property a claim")
    void faithful(long seed) {
        Random random = new Random(seed);
        List<Herb> herbs = new ArrayList<>(HERBS);
        Collections.shuffle(herbs, random);
        herbs = herbs.subList(0, 1 + random.nextInt(12));
        String text = answer(random, herbs);
        FaithfulnessCase c = CHECKER.check(text);
        List<String> names = herbs.stream().map(Herb::name).toList();
        assertThat(c.explained()).as(text).isEqualTo(names);
        assertThat(c.explainedNotPrescribed()).as(text).isEmpty();
        assertThat(c.outsideVocabulary()).as(text).isEmpty();
        assertThat(c.contradictions()).as(text).isEmpty();
        assertThat(c.propertyClaims()).as(text).isEqualTo(claims(herbs));
    }

    @Test
    @DisplayName("the offline teacher's answers on the embedded corpus are faithful")
    void knowledgeTeacher() {
        KnowledgeTeacher teacher = KnowledgeTeacher.builder().build();
        List<FaithfulnessCase> cases = new ArrayList<>();
        for (ClinicalCase record : EmbeddedCorpus.load().allCases()) {
            String text = teacher.write(record).render();
            FaithfulnessCase c = CHECKER.check(text);
            assertThat(c.unexplained()).as(text).isEmpty();
            assertThat(c.explainedNotPrescribed()).as(text).isEmpty();
            assertThat(c.contradictions()).as(text).isEmpty();
            cases.add(c);
        }
        FaithfulnessSummary s = FaithfulnessSummary.of(cases);
        assertThat(s.parseRate()).isEqualTo(1.0);
        assertThat(s.explainedShare()).isEqualTo(1.0);
        assertThat(s.contradictionRate()).isEqualTo(0.0);
        assertThat(s.propertyClaims()).isGreaterThanOrEqualTo(3 * s.prescribedHerbs());
    }
}
