package org.tcmrx.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbProperties;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Prescription;

@DisplayName("KnowledgeTeacher")
class KnowledgeTeacherTest {
    static final ClinicalCase MAHUANG = ClinicalCase.builder().setId("shl-035")
            .setSymptoms("头痛", "发热", "恶风", "无汗", "气喘").optTongue("苔薄白").optPulse("脉浮紧")
            .optSyndromes(List.of("外感风寒表实证"))
            .setPrescription(Prescription.of("麻黄", "桂枝", "苦杏仁", "炙甘草")).build();

    @Nested
    @DisplayName("on the embedded corpus")
    class Corpus {
        @Test
        @DisplayName("accepts at least 95% of the 239 records, all splits")
        void acceptance() {
            List<ClinicalCase> all = EmbeddedCorpus.load().allCases();
            assertThat(all).hasSize(239);
            KnowledgeTeacher teacher = KnowledgeTeacher.builder().build();
            List<DistillResult> results = all.stream().map(teacher::distill).toList();
            List<String> rejected = results.stream().filter(r -> !r.accepted())
                    .map(r -> r.caseId() + " " + r.reasons()).toList();
            long accepted = results.size() - rejected.size();
            assertThat(accepted / (double) all.size()).as("rejected: %s", rejected).isGreaterThanOrEqualTo(0.95);
        }

        @Test
        @DisplayName("has a profile for every herb of the corpus")
        void coverage() {
            Set<String> missing = new TreeSet<>();
            for (ClinicalCase c : EmbeddedCorpus.load().allCases()) {
                for (Herb h : c.herbs()) {
                    if (HerbKnowledge.embedded().get(h.name()).isEmpty()) {
                        missing.add(h.name());
                    }
                }
            }
            assertThat(missing).isEmpty();
        }
    }

    @Nested
    @DisplayName("write")
    class Write {
        @Test
        @DisplayName("writes the three sections from the table and the syndromes, deterministically")
        void mahuang() {
            KnowledgeTeacher teacher = KnowledgeTeacher.builder().build();
            String text = teacher.write(MAHUANG).render();
            assertThat(text).startsWith("症状分析：患者见头痛、发热、恶风、无汗、气喘。舌象：苔薄白。脉象：脉浮紧。"
                    + "四诊合参，辨为外感风寒表实证。病机为风寒外束，卫阳被遏；邪在肌表，营卫失和，治宜辛温解表、解表。\n"
                    + "处方推荐：麻黄、桂枝、苦杏仁、炙甘草\n"
                    + "处方解释：麻黄：性温，味辛、微苦，归肺、膀胱经，功能发汗散寒，宣肺平喘，利水消肿；在方中为君药");
            assertThat(text).contains("炙甘草：性平，味甘，归心、肺、脾、胃经，功能补脾和胃，益气复脉，调和诸药；在方中为使药");
            assertThat(teacher.write(MAHUANG)).isEqualTo(teacher.write(MAHUANG));
            DistillResult r = teacher.distill(MAHUANG);
            assertThat(r.accepted()).isTrue();
            assertThat(r.sampleOrNull().prompt()).doesNotContain("麻黄").contains("头痛、发热");
            assertThat(r.provenance().teacher()).isEqualTo("knowledge");
            assertThat(r.provenance().templateSha256()).isEqualTo(PromptTemplate.standard().sha256());
        }

        @Test
        @DisplayName("assigns 君, 臣, 佐 and 使 by position, harmonizers as envoys")
        void roles() {
            assertThat(KnowledgeTeacher.role(0, "甘草")).isEqualTo("君药");
            assertThat(KnowledgeTeacher.role(1, "桂枝")).isEqualTo("臣药");
            assertThat(KnowledgeTeacher.role(2, "大枣")).isEqualTo("使药");
            assertThat(KnowledgeTeacher.role(3, "白芍")).isEqualTo("佐药");
        }
    }

    @Nested
    @DisplayName("HerbKnowledge")
    class Knowledge {
        @Test
        @DisplayName("loads a user's TSV, columns in any order")
        void load(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("k.tsv");
            Files.writeString(f, "# comment\nefficacy\tname\tnature\tflavour\tmeridian\n发汗解表\t麻黄\t温\t辛、微苦\t肺、膀胱\n");
            HerbKnowledge k = HerbKnowledge.load(f);
            assertThat(k.name()).isEqualTo("k.tsv");
            assertThat(k.get("麻黄")).contains(new HerbProfile("麻黄", "温", List.of("辛", "微苦"), List.of("肺", "膀胱"),
                    "发汗解表"));
        }

        @Test
        @DisplayName("gives each herb's properties, keyed by herb, in file order")
        void properties() throws IOException {
            HerbKnowledge k = read("name\tnature\tflavour\tmeridian\tefficacy\n麻黄\t温\t辛、微苦\t肺、膀胱\t发汗\n"
                    + "甘草\t平\t甘\t心、肺、脾、胃\t调和诸药\n");
            assertThat(k.get("麻黄").orElseThrow().properties())
                    .isEqualTo(new HerbProperties("温", List.of("辛", "微苦"), List.of("肺", "膀胱")));
            assertThat(k.properties()).containsExactly(
                    Map.entry(Herb.of("麻黄"), new HerbProperties("温", List.of("辛", "微苦"), List.of("肺", "膀胱"))),
                    Map.entry(Herb.of("甘草"), new HerbProperties("平", List.of("甘"), List.of("心", "肺", "脾", "胃"))));
            assertThat(HerbKnowledge.embedded().properties()).hasSize(HerbKnowledge.embedded().size());
        }

        @Test
        @DisplayName("names file, line and column of bad rows")
        void errors() {
            assertThatThrownBy(() -> read("name\tnature\tflavour\tmeridian\tefficacy\n麻黄\t温\t\t肺\t发汗\n"))
                    .isInstanceOf(MalformedDataException.class).hasMessage("t.tsv:2: flavour: empty value");
            assertThatThrownBy(() -> read("name\tnature\tflavour\tmeridian\tefficacy\n麻黄\t温\t辛\t肺\t发汗\n"
                    + "麻黄\t温\t辛\t肺\t发汗\n"))
                    .isInstanceOf(MalformedDataException.class).hasMessage("t.tsv:3: name: herb '麻黄' appears twice");
            assertThatThrownBy(() -> read("name\tnature\tflavour\tmeridian\tefficacy\n麻黄\t温\t辛\t、 、\t发汗\n"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("t.tsv:2: meridian: no name in '、 、'; expected names separated by 、");
            assertThatThrownBy(() -> read("name\tnature\n"))
                    .isInstanceOf(MalformedDataException.class).hasMessageStartingWith("t.tsv:1: header: missing "
                            + "column 'flavour'");
        }

        private HerbKnowledge read(String text) throws IOException {
            return HerbKnowledge.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.tsv", "t");
        }
    }
}
