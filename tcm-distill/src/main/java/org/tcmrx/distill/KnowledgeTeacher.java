package org.tcmrx.distill;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Symptom;
import org.tcmrx.core.ThreeSectionAnswer;
import org.tcmrx.distill.internal.Pathogenesis;

/**
 * The offline teacher: writes the three sections from a {@link HerbKnowledge} table and the record's syndromes, with
 * no network and no randomness, so the same record always gives the same sample. Its answers go through the same
 * {@link SampleValidator} as a model's.
 *
 * <p>The analysis names the findings, the syndromes, the organs they name (病位), and the pathogenesis and treatment
 * principle their key words imply (风寒 → 辛温解表, 阴虚 → 滋阴降火, …). The explanation gives each herb's nature, flavours, meridians and
 * efficacy, and its role: the first herb is the sovereign (君), the next two the ministers (臣), the harmonizers
 * (甘草, 炙甘草, 大枣, 生姜, 饴糖) the envoys (使) when they come later, the rest the assistants (佐), as classical
 * formulas list their herbs in that order. A herb missing from the table is explained by its role alone.
 */
public final class KnowledgeTeacher implements Distiller {
    /** The teacher's kind in provenance. */
    public static final String TEACHER = "knowledge";
    /** Herbs that harmonize a formula: envoys (使药) unless listed first. */
    static final Set<String> HARMONIZERS = Set.of("甘草", "炙甘草", "大枣", "生姜", "饴糖");

    private final HerbKnowledge knowledge;
    private final PromptTemplate template;
    private final SampleValidator validator;
    private final Clock clock;

    private KnowledgeTeacher(Builder b) {
        this.knowledge = b.knowledge == null ? HerbKnowledge.embedded() : b.knowledge;
        this.template = b.template == null ? PromptTemplate.standard() : b.template;
        this.validator = new SampleValidator(b.validation == null ? ValidationConfig.defaults() : b.validation);
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    }

    /**
     * Starts a builder; every setting is optional.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public DistillResult distill(ClinicalCase record) {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        String text = write(record).render();
        Validation v = validator.validate(text, record);
        SampleProvenance p = new SampleProvenance(TEACHER, knowledge.name(), template.version(), template.sha256(),
                clock.instant(), 0, 1, 0, TokenUsage.NONE);
        return v.accepted()
                ? DistillResult.accepted(record.id(), new DistilledSample(template.studentPrompt(record),
                        v.answerOrNull()), p)
                : DistillResult.rejected(record.id(), v.reasons(), text, p);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new TreeMap<>();
        m.put("teacher", TEACHER);
        m.put("knowledge", knowledge.name() + " (" + knowledge.size() + " herbs)");
        m.put("template", template.version());
        m.put("templateSha256", template.sha256());
        m.put("herbMatch", validator.config().herbMatch().name());
        return m;
    }

    /**
     * Writes the answer for a record, before validation.
     *
     * @param record the record
     * @return the three-section answer
     * @throws IllegalArgumentException when the record is null
     */
    public ThreeSectionAnswer write(ClinicalCase record) {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        List<String> herbs = new ArrayList<>(new LinkedHashSet<>(record.herbs().stream().map(Herb::name).toList()));
        Pathogenesis p = Pathogenesis.of(record.syndromes());
        return new ThreeSectionAnswer(analysis(record, p), herbs, explanation(herbs, p));
    }

    private static String analysis(ClinicalCase record, Pathogenesis p) {
        StringBuilder sb = new StringBuilder();
        String findings = record.symptoms().isEmpty() ? record.text()
                : record.symptoms().stream().map(Symptom::name).collect(Collectors.joining("、"));
        sb.append("患者见").append(strip(findings)).append('。');
        if (record.tongue() != null) {
            sb.append("舌象：").append(strip(record.tongue())).append('。');
        }
        if (record.pulse() != null) {
            sb.append("脉象：").append(strip(record.pulse())).append('。');
        }
        if (record.syndromes().isEmpty()) {
            sb.append("四诊合参，当据症状辨其寒热虚实。");
        } else {
            sb.append("四诊合参，辨为").append(String.join("、", record.syndromes())).append('。');
        }
        if (!p.organs().isEmpty()) {
            sb.append("病位在").append(String.join("、", p.organs())).append("，");
        }
        sb.append("病机为").append(p.mechanism()).append("，治宜").append(p.principle()).append('。');
        return sb.toString();
    }

    private String explanation(List<String> herbs, Pathogenesis p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < herbs.size(); i++) {
            String herb = herbs.get(i);
            String role = role(i, herb);
            sb.append(herb).append('：');
            knowledge.get(herb).ifPresentOrElse(
                    k -> sb.append("性").append(k.nature()).append("，味").append(String.join("、", k.flavours()))
                            .append("，归").append(String.join("、", k.meridians())).append("经，功能")
                            .append(k.efficacy()).append("；"),
                    () -> sb.append("其性味归经本表未载；"));
            sb.append("在方中为").append(role).append('，').append(roleText(role)).append("。\n");
        }
        sb.append("诸药合用，共奏").append(p.principle()).append("之功。");
        return sb.toString();
    }

    static String role(int index, String herb) {
        if (index == 0) {
            return "君药";
        }
        if (HARMONIZERS.contains(herb)) {
            return "使药";
        }
        return index <= 2 ? "臣药" : "佐药";
    }

    private static String roleText(String role) {
        return switch (role) {
            case "君药" -> "针对主病主证，起主要治疗作用";
            case "臣药" -> "辅助君药加强治疗主证之力";
            case "使药" -> "调和诸药，兼顾护中焦";
            default -> "协助君臣，兼治兼证或制约药性";
        };
    }

    /** Drops trailing Chinese or Latin full stops, which the analysis adds itself. */
    private static String strip(String s) {
        return s.strip().replaceAll("[。．.]+$", "");
    }

    /** Builds a {@link KnowledgeTeacher}. */
    public static final class Builder {
        private HerbKnowledge knowledge;
        private PromptTemplate template;
        private ValidationConfig validation;
        private Clock clock;

        private Builder() {}

        /**
         * Sets the herb table (default {@link HerbKnowledge#embedded()}).
         *
         * @param knowledge the table
         * @return this builder
         */
        public Builder optKnowledge(HerbKnowledge knowledge) {
            this.knowledge = knowledge;
            return this;
        }

        /**
         * Sets the prompt template for the student prompt and provenance (default {@link PromptTemplate#standard()}).
         *
         * @param template the template
         * @return this builder
         */
        public Builder optTemplate(PromptTemplate template) {
            this.template = template;
            return this;
        }

        /**
         * Sets the validation rules (default {@link ValidationConfig#defaults()}).
         *
         * @param validation the rules
         * @return this builder
         */
        public Builder optValidation(ValidationConfig validation) {
            this.validation = validation;
            return this;
        }

        /**
         * Sets the clock stamped into provenance (default the system's UTC clock); a fixed clock makes runs
         * byte-identical.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder optClock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Builds the teacher.
         *
         * @return the teacher
         */
        public KnowledgeTeacher build() {
            return new KnowledgeTeacher(this);
        }
    }
}
