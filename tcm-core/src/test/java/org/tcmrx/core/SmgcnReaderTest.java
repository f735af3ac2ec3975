package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.core.ReaderTestFiles.GBK_GANCAO;
import static org.tcmrx.core.ReaderTestFiles.concat;
import static org.tcmrx.core.ReaderTestFiles.write;
import static org.tcmrx.core.ReaderTestFiles.writeBytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SmgcnReader")
class SmgcnReaderTest {
    @TempDir
    Path dir;

    /** Ids 0 麻黄, 1 桂枝, 2 甘草 (CRLF, not in id order) and 0 咳嗽, 1 头痛 (no final newline). */
    @BeforeEach
    void mappings() throws IOException {
        write(dir, "herb_mapping.txt", "甘草 2\r\n麻黄 0\r\n桂枝 1\r\n");
        write(dir, "sym_mapping.txt", "头痛 1\r\n咳嗽 0");
        write(dir, "train.txt", "0 1\t0 1 2\n1\t2\n");
        write(dir, "test.txt", "0\t1\n");
        write(dir, "sdpr_split/train_id.txt", "0 1\t0 1 2 \n");
        write(dir, "sdpr_split/valid_id.txt", "1\t2 ");
    }

    private String at(String relative) {
        return dir.resolve(relative).toString();
    }

    @Nested
    @DisplayName("reads well-formed files")
    class HappyPath {
        @Test
        @DisplayName("official split: train and test, ids and sources from file and line")
        void official() throws IOException {
            Dataset data = SmgcnReader.read(dir, SmgcnSplit.OFFICIAL);

            assertThat(data.name()).isEqualTo("smgcn");
            assertThat(data.splitNames()).containsExactly(Dataset.TRAIN, Dataset.TEST);
            CaseSet train = data.split(Dataset.TRAIN);
            assertThat(train).hasSize(2);
            ClinicalCase first = train.get(0);
            assertThat(first.id()).isEqualTo("train.txt:1");
            assertThat(first.source()).isEqualTo("train.txt:1");
            assertThat(first.symptoms()).containsExactly(Symptom.of("咳嗽"), Symptom.of("头痛"));
            assertThat(first.herbs()).containsExactly(Herb.of("麻黄"), Herb.of("桂枝"), Herb.of("甘草"));
            assertThat(first.prescription().doses()).isEmpty();
            assertThat(train.get(1).id()).isEqualTo("train.txt:2");
            assertThat(data.split(Dataset.TEST).get(0).herbs()).containsExactly(Herb.of("桂枝"));
        }

        @Test
        @DisplayName("SDPR split: train, valid and test; trailing spaces and a missing final newline")
        void sdpr() throws IOException {
            Dataset data = SmgcnReader.read(dir, SmgcnSplit.SDPR);

            assertThat(data.splitNames()).containsExactly(Dataset.TRAIN, Dataset.VALID, Dataset.TEST);
            assertThat(data.split(Dataset.TRAIN).get(0).id()).isEqualTo("sdpr_split/train_id.txt:1");
            ClinicalCase valid = data.split(Dataset.VALID).get(0);
            assertThat(valid.id()).isEqualTo("sdpr_split/valid_id.txt:1");
            assertThat(valid.symptoms()).containsExactly(Symptom.of("头痛"));
            assertThat(valid.herbs()).containsExactly(Herb.of("甘草"));
            assertThat(data.split(Dataset.TEST)).hasSize(1);
        }

        @Test
        @DisplayName("one data source per file read, with SHA-256 and record count")
        void sources() throws Exception {
            Dataset data = SmgcnReader.read(dir, SmgcnSplit.SDPR);

            assertThat(data.sources()).extracting(DataSource::name).containsExactly("smgcn/herb_mapping.txt",
                    "smgcn/sym_mapping.txt", "smgcn/sdpr_split/train_id.txt", "smgcn/sdpr_split/valid_id.txt",
                    "smgcn/test.txt");
            assertThat(data.sources()).extracting(DataSource::records).containsExactly(3L, 2L, 1L, 1L, 1L);
            DataSource herbs = data.sources().get(0);
            assertThat(herbs.sha256()).isEqualTo(ReaderTestFiles.sha256(dir.resolve("herb_mapping.txt")));
            assertThat(herbs.location()).isEqualTo(dir.resolve("herb_mapping.txt").toAbsolutePath().toString());
        }

        @Test
        @DisplayName("vocabularies keep SMGCN's ids")
        void vocabularies() throws IOException {
            HerbVocabulary herbs = SmgcnReader.readHerbVocabulary(dir);
            SymptomVocabulary symptoms = SmgcnReader.readSymptomVocabulary(dir);

            assertThat(herbs.herbs()).containsExactly(Herb.of("麻黄"), Herb.of("桂枝"), Herb.of("甘草"));
            assertThat(symptoms.symptoms()).containsExactly(Symptom.of("咳嗽"), Symptom.of("头痛"));
        }

        @Test
        @DisplayName("a byte-order mark, spaces around ids and a space inside a name")
        void bomAndSpaces() throws IOException {
            write(dir, "herb_mapping.txt", "\uFEFF麻黄 0\n桂 枝  1 \n");
            write(dir, "train.txt", "\uFEFF0\t0\n");
            write(dir, "test.txt", "\uFEFF 0  1 \t  1   0 \r\n");

            Dataset data = SmgcnReader.read(dir, SmgcnSplit.OFFICIAL);

            assertThat(SmgcnReader.readHerbVocabulary(dir).herbs()).containsExactly(Herb.of("麻黄"), Herb.of("桂 枝"));
            ClinicalCase c = data.split(Dataset.TEST).get(0);
            assertThat(c.symptoms()).containsExactly(Symptom.of("咳嗽"), Symptom.of("头痛"));
            assertThat(c.herbs()).containsExactly(Herb.of("桂 枝"), Herb.of("麻黄"));
        }
    }

    @Nested
    @DisplayName("rejects a malformed record line")
    class MalformedRecords {
        private void assertFails(String testTxt, String message) throws IOException {
            write(dir, "test.txt", testTxt);
            assertThatThrownBy(() -> SmgcnReader.read(dir, SmgcnSplit.OFFICIAL))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(at("test.txt") + message);
        }

        @Test
        @DisplayName("no tab")
        void noTab() throws IOException {
            assertFails("0\t1\n0 1 2\n", ":2: expected 2 tab-separated fields (symptom ids, herb ids), found 1");
        }

        @Test
        @DisplayName("two tabs")
        void twoTabs() throws IOException {
            assertFails("0\t1\t2\n", ":1: expected 2 tab-separated fields (symptom ids, herb ids), found 3");
        }

        @Test
        @DisplayName("an empty line")
        void emptyLine() throws IOException {
            assertFails("0\t1\n\n0\t1\n", ":2: empty line; expected 'symptom ids<TAB>herb ids'");
        }

        @Test
        @DisplayName("a symptom id that is not an integer")
        void nonIntegerSymptom() throws IOException {
            assertFails("x3\t1\n", ":1: symptom ids: 'x3' is not an integer");
        }

        @Test
        @DisplayName("a herb id that is not an integer")
        void nonIntegerHerb() throws IOException {
            assertFails("0\t1 2.0\n", ":1: herb ids: '2.0' is not an integer");
        }

        @Test
        @DisplayName("an unknown herb id")
        void unknownHerb() throws IOException {
            assertFails("0\t999\n", ":1: herb ids: unknown herb id 999; herb_mapping.txt has ids 0-2");
        }

        @Test
        @DisplayName("a negative herb id")
        void negativeHerb() throws IOException {
            assertFails("0\t-1\n", ":1: herb ids: unknown herb id -1; herb_mapping.txt has ids 0-2");
        }

        @Test
        @DisplayName("a herb id too large for an int")
        void hugeHerb() throws IOException {
            assertFails("0\t99999999999\n",
                    ":1: herb ids: unknown herb id 99999999999; herb_mapping.txt has ids 0-2");
        }

        @Test
        @DisplayName("an unknown symptom id")
        void unknownSymptom() throws IOException {
            assertFails("2\t1\n", ":1: symptom ids: unknown symptom id 2; sym_mapping.txt has ids 0-1");
        }

        @Test
        @DisplayName("an empty symptom set")
        void emptySymptoms() throws IOException {
            assertFails(" \t1\n", ":1: symptom ids: empty symptom set: expected at least one symptom id");
        }

        @Test
        @DisplayName("an empty herb set")
        void emptyHerbs() throws IOException {
            assertFails("0\t\n", ":1: herb ids: empty herb set: expected at least one herb id");
        }

        @Test
        @DisplayName("a herb twice")
        void duplicateHerb() throws IOException {
            assertFails("0\t2 1 2\n", ":1: herb ids: herb id 2 (甘草) appears twice");
        }

        @Test
        @DisplayName("a symptom twice")
        void duplicateSymptom() throws IOException {
            assertFails("1 0 1\t2\n", ":1: symptom ids: symptom id 1 (头痛) appears twice");
        }

        @Test
        @DisplayName("bytes that are not UTF-8")
        void encoding() throws IOException {
            writeBytes(dir, "test.txt", concat("0\t1\n0\t", GBK_GANCAO, "\n"));
            assertThatThrownBy(() -> SmgcnReader.read(dir, SmgcnSplit.OFFICIAL))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(at("test.txt") + ":2: not valid UTF-8: byte 0xB8 at byte 3 of the line"
                            + " (is the file in GBK or another encoding?)");
        }

        @Test
        @DisplayName("an error in an SDPR file names that file")
        void sdprFile() throws IOException {
            write(dir, "sdpr_split/valid_id.txt", "0\t1\n0\t7\n");
            assertThatThrownBy(() -> SmgcnReader.read(dir, SmgcnSplit.SDPR))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(at("sdpr_split/valid_id.txt")
                            + ":2: herb ids: unknown herb id 7; herb_mapping.txt has ids 0-2");
        }
    }

    @Nested
    @DisplayName("rejects a malformed mapping file")
    class MalformedMappings {
        private void assertFails(String herbMapping, String message) throws IOException {
            write(dir, "herb_mapping.txt", herbMapping);
            assertThatThrownBy(() -> SmgcnReader.readHerbVocabulary(dir))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(at("herb_mapping.txt") + message);
            assertThatThrownBy(() -> SmgcnReader.read(dir, SmgcnSplit.OFFICIAL))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(at("herb_mapping.txt") + message);
        }

        @Test
        @DisplayName("a gap in the ids")
        void gap() throws IOException {
            assertFails("麻黄 0\r\n桂枝 2\r\n",
                    ":2: id: id 2 is out of range; 2 entries need ids 0-1 with no gap");
        }

        @Test
        @DisplayName("a negative id")
        void negative() throws IOException {
            assertFails("麻黄 0\n桂枝 -1\n", ":2: id: id -1 is out of range; 2 entries need ids 0-1 with no gap");
        }

        @Test
        @DisplayName("an id twice")
        void duplicateId() throws IOException {
            assertFails("麻黄 0\n桂枝 1\n甘草 0\n", ":3: id: id 0 appears twice (first at line 1)");
        }

        @Test
        @DisplayName("a name twice")
        void duplicateName() throws IOException {
            assertFails("麻黄 0\n桂枝 1\n麻黄 2\n", ":3: name: '麻黄' appears twice (first at line 1)");
        }

        @Test
        @DisplayName("an id that is not an integer")
        void nonInteger() throws IOException {
            assertFails("麻黄 0\n桂枝 one\n", ":2: id: 'one' is not an integer");
        }

        @Test
        @DisplayName("a line without a space")
        void noSpace() throws IOException {
            assertFails("麻黄 0\n桂枝\n", ":2: expected 'name<space>id', found '桂枝'");
        }

        @Test
        @DisplayName("an empty line")
        void emptyLine() throws IOException {
            assertFails("麻黄 0\n\n桂枝 1\n", ":2: empty line; expected 'name<space>id'");
        }

        @Test
        @DisplayName("an empty file")
        void emptyFile() throws IOException {
            assertFails("", ": no entries; expected lines 'name<space>id'");
        }

        @Test
        @DisplayName("bytes that are not UTF-8")
        void encoding() throws IOException {
            writeBytes(dir, "sym_mapping.txt", concat("咳嗽 0\n", GBK_GANCAO, " 1\n"));
            assertThatThrownBy(() -> SmgcnReader.readSymptomVocabulary(dir))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(at("sym_mapping.txt") + ":2: not valid UTF-8: byte 0xB8 at byte 1 of the line"
                            + " (is the file in GBK or another encoding?)");
        }
    }

    @Nested
    @DisplayName("caller mistakes and missing files")
    class Arguments {
        @Test
        @DisplayName("a missing file is a NoSuchFileException naming the path")
        void missingFile() throws IOException {
            Files.delete(dir.resolve("test.txt"));
            assertThatThrownBy(() -> SmgcnReader.read(dir, SmgcnSplit.OFFICIAL))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessage(at("test.txt"));
        }

        @Test
        @DisplayName("a missing SDPR file is a NoSuchFileException naming the path")
        void missingSdprFile() throws IOException {
            Files.delete(dir.resolve("sdpr_split/train_id.txt"));
            assertThatThrownBy(() -> SmgcnReader.read(dir, SmgcnSplit.SDPR))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessage(at("sdpr_split/train_id.txt"));
        }

        @Test
        @DisplayName("null arguments name the argument")
        void nulls() {
            assertThatThrownBy(() -> SmgcnReader.read(null, SmgcnSplit.OFFICIAL))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("dir must not be null");
            assertThatThrownBy(() -> SmgcnReader.read(dir, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("split must not be null");
            assertThatThrownBy(() -> SmgcnReader.readHerbVocabulary(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("dir must not be null");
            assertThatThrownBy(() -> SmgcnReader.readSymptomVocabulary(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("dir must not be null");
        }
    }

    @Nested
    @DisplayName("the real data (-Dtcmrx.data.dir)")
    class RealData {
        @Test
        @DisplayName("official split: 22,917 train and 3,443 test cases, 753 herbs and 360 symptoms")
        void official() throws IOException {
            Path real = ReaderTestFiles.realData("smgcn");

            Dataset data = SmgcnReader.read(real, SmgcnSplit.OFFICIAL);

            assertThat(data.split(Dataset.TRAIN)).hasSize(22_917);
            assertThat(data.split(Dataset.TEST)).hasSize(3_443);
            assertThat(SmgcnReader.readHerbVocabulary(real).size()).isEqualTo(753);
            assertThat(SmgcnReader.readSymptomVocabulary(real).size()).isEqualTo(360);
            assertThat(data.sources()).extracting(DataSource::records).containsExactly(753L, 360L, 22_917L, 3_443L);
            // SOURCE.md: the first line of train.txt is "0 1<TAB>0 1 2 3 4 5 6 7", i.e. 头痛|咳嗽 and 8 herbs.
            ClinicalCase first = data.split(Dataset.TRAIN).get(0);
            assertThat(first.symptoms()).containsExactly(Symptom.of("头痛"), Symptom.of("咳嗽"));
            assertThat(first.herbs()).hasSize(8).startsWith(Herb.of("荆芥"));
        }

        @Test
        @DisplayName("SDPR split: 21,755 / 1,162 / 3,443, and train + valid is train.txt as a multiset")
        void sdpr() throws IOException {
            Path real = ReaderTestFiles.realData("smgcn");

            Dataset sdpr = SmgcnReader.read(real, SmgcnSplit.SDPR);

            assertThat(sdpr.split(Dataset.TRAIN)).hasSize(21_755);
            assertThat(sdpr.split(Dataset.VALID)).hasSize(1_162);
            assertThat(sdpr.split(Dataset.TEST)).hasSize(3_443);
            List<String> official = SmgcnReader.read(real, SmgcnSplit.OFFICIAL).split(Dataset.TRAIN).stream()
                    .map(c -> c.symptoms() + "->" + c.herbs()).sorted().toList();
            List<String> carved = java.util.stream.Stream.concat(sdpr.split(Dataset.TRAIN).stream(),
                    sdpr.split(Dataset.VALID).stream()).map(c -> c.symptoms() + "->" + c.herbs()).sorted().toList();
            assertThat(carved).isEqualTo(official);
        }
    }
}
