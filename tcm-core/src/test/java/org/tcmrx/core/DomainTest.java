package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("domain model")
class DomainTest {
    private static ClinicalCase guizhi() {
        return ClinicalCase.builder().setId("shl-012").setSymptoms("发热", "恶风", "汗出")
                .setPrescription(new Prescription(List.of(Herb.of("桂枝"), Herb.of("白芍"), Herb.of("大枣")),
                        Map.of(Herb.of("大枣"), new Dose(4, "枚"), Herb.of("桂枝"), Dose.grams(9))))
                .optPulse(" 脉浮缓 ").optTongue("  ").optSyndromes(List.of("太阳中风证")).build();
    }

    @Nested
    @DisplayName("names")
    class Names {
        @Test
        @DisplayName("herbs and symptoms reject blank names and surrounding space")
        void blank() {
            assertThatThrownBy(() -> Herb.of(" ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("herb name must not be blank");
            assertThatThrownBy(() -> Herb.of(" 甘草")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("herb name has surrounding white space: ' 甘草'");
            assertThatThrownBy(() -> Symptom.of(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("symptom name must not be null");
        }
    }

    @Nested
    @DisplayName("HerbProperties")
    class Properties {
        @Test
        @DisplayName("copies its lists")
        void copies() {
            List<String> flavours = new ArrayList<>(List.of("辛", "微苦"));
            HerbProperties p = new HerbProperties("温", flavours, List.of("肺", "膀胱"));
            flavours.add("甘");
            assertThat(p.flavours()).containsExactly("辛", "微苦");
            assertThatThrownBy(() -> p.meridians().add("心")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        @DisplayName("rejects a blank nature, an empty list and a blank value, naming the field")
        void rejects() {
            assertThatThrownBy(() -> new HerbProperties(" ", List.of("辛"), List.of("肺")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("nature must not be blank");
            assertThatThrownBy(() -> new HerbProperties("温", List.of(), List.of("肺")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("flavours must not be empty");
            assertThatThrownBy(() -> new HerbProperties("温", List.of("辛"), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("meridians must not be empty");
            assertThatThrownBy(() -> new HerbProperties("温", List.of("辛"), List.of("肺", "")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("meridians must not contain a blank value");
        }
    }

    @Nested
    @DisplayName("Dose")
    class Doses {
        @Test
        @DisplayName("prints whole amounts without decimals")
        void print() {
            assertThat(Dose.grams(9)).hasToString("9g");
            assertThat(new Dose(1.5, "g")).hasToString("1.5g");
            assertThat(new Dose(4, "枚")).hasToString("4枚");
        }

        @Test
        @DisplayName("rejects non-positive and non-finite amounts")
        void invalid() {
            assertThatThrownBy(() -> Dose.grams(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dose amount must be a positive finite number, got 0.0");
            assertThatThrownBy(() -> Dose.grams(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dose amount must be a positive finite number, got NaN");
            assertThatThrownBy(() -> new Dose(1, "")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dose unit must not be blank");
        }
    }

    @Nested
    @DisplayName("Prescription")
    class Prescriptions {
        @Test
        @DisplayName("keeps herb order and orders doses like the herbs")
        void order() {
            Prescription p = guizhi().prescription();
            assertThat(p.herbs()).extracting(Herb::name).containsExactly("桂枝", "白芍", "大枣");
            assertThat(p.doses().keySet()).extracting(Herb::name).containsExactly("桂枝", "大枣");
            assertThat(p.hasAllDoses()).isFalse();
            assertThat(p).hasToString("桂枝9g 白芍 大枣4枚");
        }

        @Test
        @DisplayName("rejects no herb, a repeated herb, and doses of herbs not prescribed")
        void invalid() {
            assertThatThrownBy(() -> Prescription.of()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("herbs must not be empty");
            assertThatThrownBy(() -> Prescription.of("甘草", "甘草")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("herbs contains 甘草 twice");
            assertThatThrownBy(() -> new Prescription(List.of(Herb.of("甘草")), Map.of(Herb.of("人参"), Dose.grams(3))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("doses name herbs that are not prescribed: [人参]");
        }
    }

    @Nested
    @DisplayName("ClinicalCase and Query")
    class Cases {
        @Test
        @DisplayName("strips optional texts and turns blank ones into null")
        void texts() {
            ClinicalCase c = guizhi();
            assertThat(c.pulse()).isEqualTo("脉浮缓");
            assertThat(c.tongue()).isNull();
            assertThat(c.query().symptoms()).isEqualTo(c.symptoms());
            assertThat(c.query().syndromes()).containsExactly("太阳中风证");
        }

        @Test
        @DisplayName("needs a symptom or a text, and no repeated symptom")
        void invalid() {
            assertThatThrownBy(() -> Query.of()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a query needs at least one symptom or a text");
            assertThatThrownBy(() -> Query.of("发热", "发热")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("symptoms contains 发热 twice");
            assertThatThrownBy(() -> ClinicalCase.builder().setId("x").setSymptoms("发热").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("prescription must not be null");
        }
    }

    @Nested
    @DisplayName("Ranking")
    class Rankings {
        @Test
        @DisplayName("rejects repeated herbs and increasing scores")
        void invalid() {
            assertThatThrownBy(() -> new Ranking(List.of(new ScoredHerb(Herb.of("a"), 2),
                    new ScoredHerb(Herb.of("a"), 1)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ranking herbs contains a twice");
            assertThatThrownBy(() -> new Ranking(List.of(new ScoredHerb(Herb.of("a"), 1),
                    new ScoredHerb(Herb.of("b"), 2)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ranking scores must not increase: ScoredHerb[herb=a, score=1.0] at rank 1 is"
                            + " followed by ScoredHerb[herb=b, score=2.0]");
            assertThatThrownBy(() -> new ScoredHerb(Herb.of("a"), Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("score of a is NaN");
        }

        @Test
        @DisplayName("top(k) truncates and allows ties")
        void top() {
            Ranking r = new Ranking(List.of(new ScoredHerb(Herb.of("a"), 1), new ScoredHerb(Herb.of("b"), 1),
                    new ScoredHerb(Herb.of("c"), 0)));
            assertThat(r.top(2).herbs()).extracting(Herb::name).containsExactly("a", "b");
            assertThat(r.top(10)).isSameAs(r);
            assertThatThrownBy(() -> r.top(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("k must be at least 1, got 0");
        }
    }

    @Nested
    @DisplayName("vocabularies")
    class Vocabularies {
        private final List<ClinicalCase> cases = List.of(
                ClinicalCase.builder().setId("1").setSymptoms("发热", "咳嗽").setPrescription(Prescription.of("麻黄", "杏仁")).build(),
                ClinicalCase.builder().setId("2").setSymptoms("咳嗽").setPrescription(Prescription.of("杏仁", "甘草")).build(),
                ClinicalCase.builder().setId("3").setSymptoms("咳嗽").setPrescription(Prescription.of("甘草", "杏仁", "桔梗")).build());

        @Test
        @DisplayName("order by frequency, ties by name, so ids are stable")
        void frequencyOrder() {
            HerbVocabulary herbs = HerbVocabulary.fromCases(cases);
            assertThat(herbs.herbs()).extracting(Herb::name).containsExactly("杏仁", "甘草", "桔梗", "麻黄");
            assertThat(herbs.id(Herb.of("甘草"))).isEqualTo(1);
            assertThat(herbs.indexOf(Herb.of("人参"))).isEqualTo(-1);
            assertThatThrownBy(() -> herbs.id(Herb.of("人参"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("herb '人参' is not in the vocabulary of 4 herbs");
            SymptomVocabulary symptoms = SymptomVocabulary.fromCases(cases);
            assertThat(symptoms.symptoms()).extracting(Symptom::name).containsExactly("咳嗽", "发热");
        }

        @Test
        @DisplayName("round-trip through a file, and reject gaps in ids with the line")
        void files(@TempDir Path dir) throws IOException {
            HerbVocabulary herbs = HerbVocabulary.fromCases(cases);
            Path f = dir.resolve("herbs.tsv");
            herbs.write(f);
            assertThat(Files.readString(f)).isEqualTo("0\t杏仁\n1\t甘草\n2\t桔梗\n3\t麻黄\n");
            assertThat(HerbVocabulary.read(f).herbs()).isEqualTo(herbs.herbs());
            Files.writeString(f, "0\t杏仁\n2\t甘草\n");
            assertThatThrownBy(() -> HerbVocabulary.read(f)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(f + ":2: id: expected id 1, found 2");
            Files.writeString(f, "0\t杏仁\n1\t杏仁\n");
            assertThatThrownBy(() -> SymptomVocabulary.read(f)).isInstanceOf(MalformedDataException.class)
                    .hasMessage(f + ":2: name: '杏仁' appears twice");
        }
    }

    @Nested
    @DisplayName("Dataset")
    class Datasets {
        @Test
        @DisplayName("names the valid splits when asked for an unknown one")
        void unknownSplit() {
            Dataset d = Dataset.of("x", Map.of("train", CaseSet.of("train", List.of(guizhi()))), List.of());
            assertThatThrownBy(() -> d.split("dev")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("split 'dev' not in data set 'x'; valid splits: train");
        }

        @Test
        @DisplayName("case sets reject repeated ids")
        void repeatedIds() {
            assertThatThrownBy(() -> CaseSet.of("train", List.of(guizhi(), guizhi())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("case set 'train' contains id 'shl-012' twice");
        }
    }

    @Test
    @DisplayName("provenance carries the library version and sorted parameters")
    void provenance() {
        Provenance p = Provenance.builder("Test").optSeed(7).addParameter("b", 2).addParameter("a", "x").build();
        assertThat(p.version()).isNotBlank().isNotEqualTo("unknown");
        assertThat(p.parameters().keySet()).containsExactly("a", "b");
        assertThat(p.seed()).isEqualTo(7L);
    }
}
