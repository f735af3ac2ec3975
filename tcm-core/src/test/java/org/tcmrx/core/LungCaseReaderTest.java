package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.core.ReaderTestFiles.GBK_GANCAO;
import static org.tcmrx.core.ReaderTestFiles.concat;
import static org.tcmrx.core.ReaderTestFiles.write;
import static org.tcmrx.core.ReaderTestFiles.writeBytes;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.LungCaseReader.DoseMismatch;

@DisplayName("LungCaseReader")
class LungCaseReaderTest {
    private static final String HEADER = "Lung_ID\tSymptom\tSyndrome\tHerb\tSymptomID\tSyndromeID\tHerbID\tHerb_dose"
            + "\therb_dosage_ID\n";
    private static final LungCaseReader DROP_DOSE = LungCaseReader.builder()
            .optDoseMismatch(DoseMismatch.DROP_DOSE).build();

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("PresRecRF_Lung_case.tsv");
    }

    private void writeRows(String... rows) throws IOException {
        write(dir, "PresRecRF_Lung_case.tsv", HEADER + String.join("\n", rows) + "\n");
    }

    /** A row; the id columns hold placeholders, as the reader ignores them. */
    private static String row(String id, String symptoms, String syndromes, String herbs, String doses) {
        return id + "\t" + symptoms + "\t" + syndromes + "\t" + herbs + "\t1,2\t8\t48,260\t" + doses + "\t48|15.0";
    }

    private static String row(String herbs, String doses) {
        return row("0", "眠差,心慌", "痰瘀内阻证", herbs, doses);
    }

    @Nested
    @DisplayName("reads well-formed files")
    class HappyPath {
        @Test
        @DisplayName("symptoms, syndromes, herbs in the Herb column's order with their doses")
        void doses() throws IOException {
            writeRows(row("0", "眠差,心慌,胸闷", "痰瘀内阻证,肺肾气虚证", "僵蚕,黄芩,大枣", "黄芩$9@g,僵蚕$15.0@g,大枣$4@枚"),
                    row("7", "咳嗽", "", "甘草", "甘草$6.5@g"));

            Dataset data = LungCaseReader.defaults().read(dir);

            assertThat(data.name()).isEqualTo("tcm-lung");
            assertThat(data.splitNames()).containsExactly("all");
            ClinicalCase c = data.split("all").get(0);
            assertThat(c.id()).isEqualTo("PresRecRF_Lung_case.tsv:2");
            assertThat(c.source()).isEqualTo("PresRecRF_Lung_case.tsv:2 (Lung_ID 0)");
            assertThat(c.symptoms()).containsExactly(Symptom.of("眠差"), Symptom.of("心慌"), Symptom.of("胸闷"));
            assertThat(c.syndromes()).containsExactly("痰瘀内阻证", "肺肾气虚证");
            assertThat(c.herbs()).containsExactly(Herb.of("僵蚕"), Herb.of("黄芩"), Herb.of("大枣"));
            assertThat(c.prescription().doses()).containsExactly(
                    java.util.Map.entry(Herb.of("僵蚕"), Dose.grams(15)),
                    java.util.Map.entry(Herb.of("黄芩"), Dose.grams(9)),
                    java.util.Map.entry(Herb.of("大枣"), new Dose(4, "枚")));
            ClinicalCase second = data.split("all").get(1);
            assertThat(second.source()).isEqualTo("PresRecRF_Lung_case.tsv:3 (Lung_ID 7)");
            assertThat(second.syndromes()).isEmpty();
            assertThat(second.prescription().dose(Herb.of("甘草"))).contains(Dose.grams(6.5));
        }

        @Test
        @DisplayName("one data source with SHA-256 and record count")
        void source() throws Exception {
            writeRows(row("甘草", "甘草$6@g"));

            DataSource source = LungCaseReader.defaults().read(dir).sources().get(0);

            assertThat(source.name()).isEqualTo("tcm-lung/PresRecRF_Lung_case.tsv");
            assertThat(source.location()).isEqualTo(file().toAbsolutePath().toString());
            assertThat(source.sha256()).isEqualTo(ReaderTestFiles.sha256(file()));
            assertThat(source.records()).isEqualTo(1);
        }

        @Test
        @DisplayName("G, g. and G. are grams")
        void gramSpellings() throws IOException {
            writeRows(row("僵蚕,黄芩,木蝴蝶", "僵蚕$15@G,黄芩$9@g.,木蝴蝶$5@G."));

            Prescription p = LungCaseReader.defaults().read(dir).split("all").get(0).prescription();

            assertThat(p.doses().values()).containsExactly(Dose.grams(15), Dose.grams(9), Dose.grams(5));
        }

        @Test
        @DisplayName("a byte-order mark, CRLF, no final newline, columns in another order")
        void bomCrlf() throws IOException {
            write(dir, "PresRecRF_Lung_case.tsv",
                    "\uFEFFHerb_dose\tHerb\tSyndrome\tSymptom\tLung_ID\r\n甘草$6@g\t甘草\t\t咳嗽\t3");

            ClinicalCase c = LungCaseReader.defaults().read(dir).split("all").get(0);

            assertThat(c.source()).isEqualTo("PresRecRF_Lung_case.tsv:2 (Lung_ID 3)");
            assertThat(c.prescription().dose(Herb.of("甘草"))).contains(Dose.grams(6));
        }

        @Test
        @DisplayName("DROP_DOSE: two different doses or none leave the herb without a dose; a repeat is kept once")
        void dropDose() throws IOException {
            writeRows(row("姜,甘草,茯苓,地黄", "姜$15.0@g,甘草$10@g,姜$10.0@g,茯苓$15@g,茯苓$15@g"));

            Prescription p = DROP_DOSE.read(dir).split("all").get(0).prescription();

            assertThat(p.herbs()).containsExactly(Herb.of("姜"), Herb.of("甘草"), Herb.of("茯苓"), Herb.of("地黄"));
            assertThat(p.doses()).containsOnlyKeys(Herb.of("甘草"), Herb.of("茯苓"));
            assertThat(p.dose(Herb.of("茯苓"))).contains(Dose.grams(15));
            assertThat(p.hasAllDoses()).isFalse();
        }
    }

    @Nested
    @DisplayName("rejects a malformed row")
    class Malformed {
        private void assertFails(LungCaseReader reader, String message) {
            assertThatThrownBy(() -> reader.read(dir))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(file() + message);
        }

        private void assertFails(String message) {
            assertFails(LungCaseReader.defaults(), message);
        }

        @Test
        @DisplayName("a missing column")
        void missingColumn() throws IOException {
            write(dir, "PresRecRF_Lung_case.tsv", "Lung_ID\tSymptom\tSyndrome\tHerb\n0\t咳嗽\t\t甘草\n");
            assertFails(":1: header: missing column 'Herb_dose'; found columns: Lung_ID, Symptom, Syndrome, Herb");
        }

        @Test
        @DisplayName("a wrong number of columns")
        void columns() throws IOException {
            writeRows(row("甘草", "甘草$6@g"), "0\t咳嗽\t\t甘草\t甘草$6@g");
            assertFails(":3: expected 9 tab-separated columns as in the header, found 5");
        }

        @Test
        @DisplayName("a dose without $ and @")
        void malformedDose() throws IOException {
            writeRows(row("僵蚕,黄芩", "僵蚕15g,黄芩$9@g"));
            assertFails(":2: Herb_dose: expected name$amount@unit, found '僵蚕15g'");
        }

        @Test
        @DisplayName("a dose without a unit")
        void noUnit() throws IOException {
            writeRows(row("僵蚕", "僵蚕$15@"));
            assertFails(":2: Herb_dose: expected name$amount@unit, found '僵蚕$15@'");
        }

        @Test
        @DisplayName("an empty dose item")
        void emptyItem() throws IOException {
            writeRows(row("僵蚕,黄芩", "僵蚕$15@g,,黄芩$9@g"));
            assertFails(":2: Herb_dose: expected name$amount@unit, found ''");
        }

        @Test
        @DisplayName("an amount that is not a decimal number")
        void amount() throws IOException {
            writeRows(row("僵蚕", "僵蚕$1e3@g"));
            assertFails(":2: Herb_dose: expected a decimal amount for 僵蚕, found '1e3'");
        }

        @Test
        @DisplayName("a zero amount")
        void zero() throws IOException {
            writeRows(row("僵蚕", "僵蚕$0.0@g"));
            assertFails(":2: Herb_dose: expected a positive amount for 僵蚕, found '0.0'");
        }

        @Test
        @DisplayName("a negative amount")
        void negative() throws IOException {
            writeRows(row("僵蚕", "僵蚕$-5@g"));
            assertFails(":2: Herb_dose: expected a positive amount for 僵蚕, found '-5'");
        }

        @Test
        @DisplayName("an amount too large to read, which would parse to infinity")
        void tooLarge() throws IOException {
            String amount = "1" + "0".repeat(309);
            writeRows(row("僵蚕", "僵蚕$" + amount + "@g"));
            assertFails(":2: Herb_dose: amount for 僵蚕 is too large to read, found '" + amount + "'");
        }

        @Test
        @DisplayName("a dose for a herb not prescribed, with either policy")
        void unprescribed() throws IOException {
            writeRows(row("僵蚕", "僵蚕$15@g,人参$9@g"));
            assertFails(":2: Herb_dose: herb 人参 is not in the Herb column");
            assertFails(DROP_DOSE, ":2: Herb_dose: herb 人参 is not in the Herb column");
        }

        @Test
        @DisplayName("a herb without a dose (default policy)")
        void missingDose() throws IOException {
            writeRows(row("僵蚕,地黄", "僵蚕$15@g"));
            assertFails(":2: Herb_dose: no dose for herb 地黄 of the Herb column;"
                    + " LungCaseReader.DoseMismatch.DROP_DOSE keeps the herb without a dose");
        }

        @Test
        @DisplayName("a herb with two doses (default policy)")
        void twoDoses() throws IOException {
            writeRows(row("甘草,僵蚕", "甘草$10.0@g,僵蚕$15@g,甘草$3.0@g"));
            assertFails(":2: Herb_dose: herb 甘草 has 2 doses (10g, 3g);"
                    + " LungCaseReader.DoseMismatch.DROP_DOSE keeps the herb without a dose");
        }

        @Test
        @DisplayName("a herb twice in the Herb column")
        void duplicateHerb() throws IOException {
            writeRows(row("甘草,僵蚕,甘草", "甘草$10@g,僵蚕$15@g"));
            assertFails(":2: Herb: herb 甘草 appears twice");
        }

        @Test
        @DisplayName("a symptom twice")
        void duplicateSymptom() throws IOException {
            writeRows(row("0", "咳嗽,眠差,咳嗽", "", "甘草", "甘草$6@g"));
            assertFails(":2: Symptom: symptom 咳嗽 appears twice");
        }

        @Test
        @DisplayName("a syndrome twice")
        void duplicateSyndrome() throws IOException {
            writeRows(row("0", "咳嗽", "痰热郁肺证,痰热郁肺证", "甘草", "甘草$6@g"));
            assertFails(":2: Syndrome: syndrome 痰热郁肺证 appears twice");
        }

        @Test
        @DisplayName("an empty symptom set")
        void emptySymptoms() throws IOException {
            writeRows(row("0", "", "痰热郁肺证", "甘草", "甘草$6@g"));
            assertFails(":2: Symptom: empty symptom set: expected at least one name");
        }

        @Test
        @DisplayName("an empty herb set")
        void emptyHerbs() throws IOException {
            writeRows(row("", ""));
            assertFails(":2: Herb: empty herb set: expected at least one name");
        }

        @Test
        @DisplayName("an empty name in a list")
        void emptyName() throws IOException {
            writeRows(row("0", "咳嗽,", "", "甘草", "甘草$6@g"));
            assertFails(":2: Symptom: empty name at position 2 of '咳嗽,'");
        }

        @Test
        @DisplayName("an empty Lung_ID")
        void emptyId() throws IOException {
            writeRows(row(" ", "咳嗽", "", "甘草", "甘草$6@g"));
            assertFails(":2: Lung_ID: empty; expected an id");
        }

        @Test
        @DisplayName("a Lung_ID twice")
        void duplicateId() throws IOException {
            writeRows(row("5", "咳嗽", "", "甘草", "甘草$6@g"), row("6", "咳嗽", "", "甘草", "甘草$6@g"),
                    row("5", "咳嗽", "", "甘草", "甘草$6@g"));
            assertFails(":4: Lung_ID: '5' appears twice (first at line 2)");
        }

        @Test
        @DisplayName("bytes that are not UTF-8")
        void encoding() throws IOException {
            writeBytes(dir, "PresRecRF_Lung_case.tsv", concat(HEADER + "0\t", GBK_GANCAO, "\t\t甘草\t\t\t\t甘草$6@g\t\n"));
            assertFails(":2: not valid UTF-8: byte 0xB8 at byte 3 of the line"
                    + " (is the file in GBK or another encoding?)");
        }

        @Test
        @DisplayName("an empty file")
        void emptyFile() throws IOException {
            write(dir, "PresRecRF_Lung_case.tsv", "");
            assertFails(": empty file; expected a header row");
        }
    }

    @Nested
    @DisplayName("caller mistakes and missing files")
    class Arguments {
        @Test
        @DisplayName("a missing file is a NoSuchFileException naming the path")
        void missingFile() {
            assertThatThrownBy(() -> LungCaseReader.defaults().read(dir))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessage(file().toString());
        }

        @Test
        @DisplayName("null arguments name the argument")
        void nulls() {
            assertThatThrownBy(() -> LungCaseReader.defaults().read(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("dir must not be null");
            assertThatThrownBy(() -> LungCaseReader.builder().optDoseMismatch(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("doseMismatch must not be null");
        }
    }

    @Nested
    @DisplayName("the real data (-Dtcmrx.data.dir)")
    class RealData {
        @Test
        @DisplayName("the default policy stops at the first herb with two doses (line 24)")
        void strict() {
            Path real = ReaderTestFiles.realData("tcm_lung");
            assertThatThrownBy(() -> LungCaseReader.defaults().read(real))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(real.resolve(LungCaseReader.FILE) + ":24: Herb_dose: herb 甘草 has 2 doses (10g, 3g);"
                            + " LungCaseReader.DoseMismatch.DROP_DOSE keeps the herb without a dose");
        }

        @Test
        @DisplayName("DROP_DOSE reads 88 cases with doses; 18 herbs in 14 cases are left without one")
        void dropDose() throws IOException {
            Dataset data = DROP_DOSE.read(ReaderTestFiles.realData("tcm_lung"));

            CaseSet all = data.split("all");
            assertThat(all).hasSize(88);
            assertThat(all).allSatisfy(c -> assertThat(c.prescription().doses()).isNotEmpty());
            assertThat(all.stream().filter(c -> !c.prescription().hasAllDoses()).count()).isEqualTo(14);
            assertThat(all.stream().mapToInt(c -> c.herbs().size() - c.prescription().doses().size()).sum())
                    .isEqualTo(18);
            Set<Herb> herbs = new HashSet<>();
            Set<Symptom> symptoms = new HashSet<>();
            all.forEach(c -> {
                herbs.addAll(c.herbs());
                symptoms.addAll(c.symptoms());
            });
            // SOURCE.md: 94 distinct symptoms, 146 distinct herbs.
            assertThat(symptoms).hasSize(94);
            assertThat(herbs).hasSize(146);
            ClinicalCase first = all.get(0);
            assertThat(first.syndromes()).containsExactly("痰瘀内阻证", "肺肾气虚证");
            assertThat(first.prescription().dose(Herb.of("僵蚕"))).contains(Dose.grams(15));
            assertThat(all).flatExtracting(c -> List.copyOf(c.prescription().doses().values()))
                    .extracting(Dose::unit).containsOnly("g");
        }
    }
}
