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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.TcmPdReader.Duplicates;
import org.tcmrx.core.TcmPdReader.Names;
import org.tcmrx.core.TcmPdReader.Split;

@DisplayName("TcmPdReader")
class TcmPdReaderTest {
    private static final String HEADER = "row\tyao_split\tkdhr_split_60_20_20\tpresrecst_split_80_20\tyao_symptoms"
            + "\tyao_herbs\tkdhr_symptom_ids\tkdhr_herb_ids\tkdhr_symptoms\tkdhr_herbs\n";

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("derived/tcmpd_named.tsv");
    }

    private void writeRows(String... rows) throws IOException {
        write(dir, "derived/tcmpd_named.tsv", HEADER + String.join("\n", rows) + "\n");
    }

    /** A row with the given Yao split, Yao symptoms and Yao herbs; the other columns are plausible fixed values. */
    private static String row(String yaoSplit, String symptoms, String herbs) {
        return "0\t" + yaoSplit + "\ttrain\ttrain\t" + symptoms + "\t" + herbs + "\t1\t400\t头痛\t甘草";
    }

    @Nested
    @DisplayName("reads well-formed files")
    class HappyPath {
        @Test
        @DisplayName("defaults: Yao's names and split, ids from the line")
        void defaults() throws IOException {
            writeRows(row("test", "瘰疬", "乳香|麝香|朱砂"), row("train", "头痛|咳嗽", "麻黄"));

            Dataset data = TcmPdReader.defaults().read(dir);

            assertThat(data.name()).isEqualTo("tcm-pd");
            assertThat(data.splitNames()).containsExactly(Dataset.TRAIN, Dataset.TEST);
            ClinicalCase test = data.split(Dataset.TEST).get(0);
            assertThat(test.id()).isEqualTo("tcmpd_named.tsv:2");
            assertThat(test.source()).isEqualTo("tcmpd_named.tsv:2");
            assertThat(test.symptoms()).containsExactly(Symptom.of("瘰疬"));
            assertThat(test.herbs()).containsExactly(Herb.of("乳香"), Herb.of("麝香"), Herb.of("朱砂"));
            ClinicalCase train = data.split(Dataset.TRAIN).get(0);
            assertThat(train.id()).isEqualTo("tcmpd_named.tsv:3");
            assertThat(train.symptoms()).containsExactly(Symptom.of("头痛"), Symptom.of("咳嗽"));
        }

        @Test
        @DisplayName("one data source with SHA-256 and record count")
        void source() throws Exception {
            writeRows(row("test", "瘰疬", "乳香"), row("train", "头痛", "麻黄"));

            DataSource source = TcmPdReader.defaults().read(dir).sources().get(0);

            assertThat(source.name()).isEqualTo("tcm-pd/derived/tcmpd_named.tsv");
            assertThat(source.location()).isEqualTo(file().toAbsolutePath().toString());
            assertThat(source.sha256()).isEqualTo(ReaderTestFiles.sha256(file()));
            assertThat(source.records()).isEqualTo(2);
        }

        @Test
        @DisplayName("KDHR names and KDHR's 60/20/20 split, dev read as valid")
        void kdhr() throws IOException {
            writeRows("0\ttest\ttrain\ttrain\t瘰疬\t乳香\t1\t400\t头痛\t甘草",
                    "1\ttrain\tdev\ttrain\t瘰疬\t乳香\t1\t401\t咳嗽\t郁李/郁李仁",
                    "2\ttrain\ttest\ttest\t瘰疬\t乳香\t1\t402\t发热\t麻黄|桂枝");

            Dataset data = TcmPdReader.builder().optNames(Names.KDHR).optSplit(Split.KDHR_60_20_20).build()
                    .read(dir);

            assertThat(data.splitNames()).containsExactly(Dataset.TRAIN, Dataset.VALID, Dataset.TEST);
            assertThat(data.split(Dataset.TRAIN).get(0).symptoms()).containsExactly(Symptom.of("头痛"));
            ClinicalCase valid = data.split(Dataset.VALID).get(0);
            assertThat(valid.id()).isEqualTo("tcmpd_named.tsv:3");
            assertThat(valid.herbs()).containsExactly(Herb.of("郁李/郁李仁"));
            assertThat(data.split(Dataset.TEST).get(0).herbs()).containsExactly(Herb.of("麻黄"), Herb.of("桂枝"));
        }

        @Test
        @DisplayName("PresRecST's 80/20 split")
        void presRecSt() throws IOException {
            writeRows("0\ttest\ttrain\ttrain\t瘰疬\t乳香\t1\t400\t头痛\t甘草",
                    "1\ttrain\ttest\ttest\t瘰疬\t乳香\t1\t400\t头痛\t甘草");

            Dataset data = TcmPdReader.builder().optSplit(Split.PRESRECST_80_20).build().read(dir);

            assertThat(data.splitNames()).containsExactly(Dataset.TRAIN, Dataset.TEST);
            assertThat(data.split(Dataset.TRAIN)).extracting(ClinicalCase::id).containsExactly("tcmpd_named.tsv:2");
            assertThat(data.split(Dataset.TEST)).extracting(ClinicalCase::id).containsExactly("tcmpd_named.tsv:3");
        }

        @Test
        @DisplayName("columns found by name in any order; other columns not needed")
        void columnsByName() throws IOException {
            write(dir, "derived/tcmpd_named.tsv", "yao_herbs\tyao_symptoms\tyao_split\n甘草|麻黄\t头痛\ttrain\n");

            ClinicalCase c = TcmPdReader.defaults().read(dir).split(Dataset.TRAIN).get(0);

            assertThat(c.symptoms()).containsExactly(Symptom.of("头痛"));
            assertThat(c.herbs()).containsExactly(Herb.of("甘草"), Herb.of("麻黄"));
        }

        @Test
        @DisplayName("a byte-order mark, CRLF and no final newline; a split without rows is present and empty")
        void bomCrlf() throws IOException {
            write(dir, "derived/tcmpd_named.tsv", "\uFEFFyao_split\tyao_symptoms\tyao_herbs\r\ntest\t头痛\t甘草");

            Dataset data = TcmPdReader.defaults().read(dir);

            assertThat(data.split(Dataset.TEST)).extracting(ClinicalCase::herbs).containsExactly(
                    java.util.List.of(Herb.of("甘草")));
            assertThat(data.split(Dataset.TRAIN)).isEmpty();
        }

        @Test
        @DisplayName("DROP_REPEATS keeps the first of repeated names")
        void dropRepeats() throws IOException {
            writeRows(row("train", "头痛|咳嗽|头痛", "甘草|麻黄|甘草|甘草"));

            ClinicalCase c = TcmPdReader.builder().optDuplicates(Duplicates.DROP_REPEATS).build().read(dir)
                    .split(Dataset.TRAIN).get(0);

            assertThat(c.symptoms()).containsExactly(Symptom.of("头痛"), Symptom.of("咳嗽"));
            assertThat(c.herbs()).containsExactly(Herb.of("甘草"), Herb.of("麻黄"));
        }
    }

    @Nested
    @DisplayName("rejects a malformed row")
    class Malformed {
        private void assertFails(TcmPdReader reader, String message) {
            assertThatThrownBy(() -> reader.read(dir))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(file() + message);
        }

        private void assertFails(String message) {
            assertFails(TcmPdReader.defaults(), message);
        }

        @Test
        @DisplayName("a missing column")
        void missingColumn() throws IOException {
            write(dir, "derived/tcmpd_named.tsv", "row\tyao_split\tyao_symptoms\n0\ttrain\t头痛\n");
            assertFails(":1: header: missing column 'yao_herbs'; found columns: row, yao_split, yao_symptoms");
        }

        @Test
        @DisplayName("a column twice in the header")
        void duplicateColumn() throws IOException {
            write(dir, "derived/tcmpd_named.tsv", "yao_split\tyao_symptoms\tyao_herbs\tyao_split\n");
            assertFails(":1: header: column 'yao_split' appears twice (columns 1 and 4)");
        }

        @Test
        @DisplayName("too few columns")
        void tooFewColumns() throws IOException {
            writeRows(row("train", "头痛", "甘草"), "0\ttrain\ttrain\ttrain\t头痛\t甘草");
            assertFails(":3: expected 10 tab-separated columns as in the header, found 6");
        }

        @Test
        @DisplayName("too many columns")
        void tooManyColumns() throws IOException {
            writeRows(row("train", "头痛", "甘草") + "\t");
            assertFails(":2: expected 10 tab-separated columns as in the header, found 11");
        }

        @Test
        @DisplayName("an empty line")
        void emptyLine() throws IOException {
            writeRows(row("train", "头痛", "甘草"), "", row("train", "头痛", "甘草"));
            assertFails(":3: empty line; expected 10 tab-separated columns as in the header");
        }

        @Test
        @DisplayName("an unknown split value")
        void unknownSplit() throws IOException {
            writeRows(row("dev", "头痛", "甘草"));
            assertFails(":2: yao_split: expected one of train, test, found 'dev'");
        }

        @Test
        @DisplayName("an unknown split value in KDHR's split lists KDHR's values")
        void unknownKdhrSplit() throws IOException {
            writeRows("0\ttrain\tvalid\ttrain\t瘰疬\t乳香\t1\t400\t头痛\t甘草");
            assertFails(TcmPdReader.builder().optSplit(Split.KDHR_60_20_20).build(),
                    ":2: kdhr_split_60_20_20: expected one of train, dev, test, found 'valid'");
        }

        @Test
        @DisplayName("an empty symptom set")
        void emptySymptoms() throws IOException {
            writeRows(row("train", "", "甘草"));
            assertFails(":2: yao_symptoms: empty symptom set: expected at least one name");
        }

        @Test
        @DisplayName("an empty herb set")
        void emptyHerbs() throws IOException {
            writeRows(row("train", "头痛", ""));
            assertFails(":2: yao_herbs: empty herb set: expected at least one name");
        }

        @Test
        @DisplayName("a herb twice (default policy)")
        void duplicateHerb() throws IOException {
            writeRows(row("train", "头痛", "甘草|麻黄|甘草"));
            assertFails(":2: yao_herbs: herb 甘草 appears twice (TcmPdReader.Duplicates.DROP_REPEATS keeps the first)");
        }

        @Test
        @DisplayName("a symptom twice (default policy)")
        void duplicateSymptom() throws IOException {
            writeRows(row("train", "头痛|头痛", "甘草"));
            assertFails(":2: yao_symptoms: symptom 头痛 appears twice"
                    + " (TcmPdReader.Duplicates.DROP_REPEATS keeps the first)");
        }

        @Test
        @DisplayName("an empty name between separators")
        void emptyName() throws IOException {
            writeRows(row("train", "头痛", "甘草||麻黄"));
            assertFails(":2: yao_herbs: empty name at position 2 of '甘草||麻黄'");
        }

        @Test
        @DisplayName("a name with surrounding white space")
        void spacedName() throws IOException {
            writeRows(row("train", "头痛| 咳嗽", "甘草"));
            assertFails(":2: yao_symptoms: name ' 咳嗽' at position 2 has surrounding white space");
        }

        @Test
        @DisplayName("bytes that are not UTF-8")
        void encoding() throws IOException {
            writeBytes(dir, "derived/tcmpd_named.tsv",
                    concat(HEADER + row("train", "头痛", "甘草") + "\n" + row("train", "头痛", ""), GBK_GANCAO, "\n"));
            assertFails(":3: not valid UTF-8: byte 0xB8 at byte 48 of the line"
                    + " (is the file in GBK or another encoding?)");
        }

        @Test
        @DisplayName("an empty file")
        void emptyFile() throws IOException {
            write(dir, "derived/tcmpd_named.tsv", "");
            assertFails(": empty file; expected a header row");
        }
    }

    @Nested
    @DisplayName("caller mistakes and missing files")
    class Arguments {
        @Test
        @DisplayName("a missing file is a NoSuchFileException naming the path")
        void missingFile() {
            assertThatThrownBy(() -> TcmPdReader.defaults().read(dir))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessage(file().toString());
        }

        @Test
        @DisplayName("null arguments name the argument")
        void nulls() {
            assertThatThrownBy(() -> TcmPdReader.defaults().read(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("dir must not be null");
            assertThatThrownBy(() -> TcmPdReader.builder().optNames(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("names must not be null");
            assertThatThrownBy(() -> TcmPdReader.builder().optSplit(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("split must not be null");
            assertThatThrownBy(() -> TcmPdReader.builder().optDuplicates(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicates must not be null");
        }
    }

    @Nested
    @DisplayName("the real data (-Dtcmrx.data.dir)")
    class RealData {
        @Test
        @DisplayName("defaults read all 33,765 rows: Yao's split 28,746 / 5,019, no repeated name")
        void defaults() throws IOException {
            Dataset data = TcmPdReader.defaults().read(ReaderTestFiles.realData("tcm_pd"));

            assertThat(data.allCases()).hasSize(33_765);
            assertThat(data.split(Dataset.TRAIN)).hasSize(28_746);
            assertThat(data.split(Dataset.TEST)).hasSize(5_019);
            assertThat(data.sources().get(0).records()).isEqualTo(33_765);
            // SOURCE.md: the first record is 瘰疬 with 乳香 麝香 朱砂, in Yao's test split.
            ClinicalCase first = data.split(Dataset.TEST).get(0);
            assertThat(first.id()).isEqualTo("tcmpd_named.tsv:2");
            assertThat(first.herbs()).containsExactly(Herb.of("乳香"), Herb.of("麝香"), Herb.of("朱砂"));
        }

        @Test
        @DisplayName("KDHR names repeat a herb in 3 rows: FAIL names the first, DROP_REPEATS reads 20,259/6,753/6,753")
        void kdhr() throws IOException {
            Path real = ReaderTestFiles.realData("tcm_pd");
            TcmPdReader.Builder kdhr = TcmPdReader.builder().optNames(Names.KDHR).optSplit(Split.KDHR_60_20_20);

            assertThatThrownBy(() -> kdhr.build().read(real))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(real.resolve(TcmPdReader.FILE) + ":31686: kdhr_herbs: herb 冬葵果/草莓/黑种草子 appears"
                            + " twice (TcmPdReader.Duplicates.DROP_REPEATS keeps the first)");
            Dataset data = kdhr.optDuplicates(Duplicates.DROP_REPEATS).build().read(real);

            assertThat(data.split(Dataset.TRAIN)).hasSize(20_259);
            assertThat(data.split(Dataset.VALID)).hasSize(6_753);
            assertThat(data.split(Dataset.TEST)).hasSize(6_753);
            assertThat(data.split(Dataset.TEST).byId("tcmpd_named.tsv:31686").orElseThrow().herbs()).hasSize(19);
        }
    }
}
