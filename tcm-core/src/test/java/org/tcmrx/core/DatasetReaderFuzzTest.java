package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.core.ParserContract.assertLocated;
import static org.tcmrx.core.ParserContract.readOrReject;
import static org.tcmrx.core.ParserContract.write;
import static org.tcmrx.core.ParserContract.writeParts;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.internal.IdListParser;

/**
 * Fuzz targets of the research data set readers, fed files written into a temporary folder under the names they
 * expect: any content reads, or fails with a {@link MalformedDataException} naming the file. Regression inputs:
 * {@code src/test/resources/org/tcmrx/core/DatasetReaderFuzzTestInputs/<method>/}.
 */
@DisplayName("Data set readers under fuzzing")
class DatasetReaderFuzzTest {
    /** SMGCN's files, in the order the parts of an input fill them. */
    static final List<String> SMGCN_FILES = List.of(SmgcnReader.HERB_MAPPING, SmgcnReader.SYMPTOM_MAPPING,
            "train.txt", "test.txt", "sdpr_split/train_id.txt", "sdpr_split/valid_id.txt");

    @TempDir
    Path dir;

    /**
     * The input holds SMGCN's six files ({@link #SMGCN_FILES}) separated by the byte 0xFF; each split is read, the
     * error of any file must name that file.
     */
    @FuzzTest
    @DisplayName("SmgcnReader.read, both splits, and the vocabularies")
    void smgcn(byte[] input) throws IOException {
        writeParts(dir, input, SMGCN_FILES);
        for (SmgcnSplit split : SmgcnSplit.values()) {
            try {
                Dataset data = SmgcnReader.read(dir, split);
                assertThat(data.sources()).isNotEmpty();
            } catch (MalformedDataException e) {
                assertThat(SMGCN_FILES.stream().map(f -> dir.resolve(f).toString())).contains(e.location());
                assertLocated(e, e.location());
            }
        }
        String herbs = dir.resolve(SmgcnReader.HERB_MAPPING).toString();
        HerbVocabulary vocabulary = readOrReject(herbs, () -> SmgcnReader.readHerbVocabulary(dir));
        if (vocabulary != null) {
            assertThat(vocabulary.size()).isPositive();
        }
        readOrReject(dir.resolve(SmgcnReader.SYMPTOM_MAPPING).toString(), () -> SmgcnReader.readSymptomVocabulary(dir));
    }

    /** The id lists of SMGCN's record files, against a mapping of 1 to 64 names. */
    @FuzzTest
    @DisplayName("IdListParser.parse")
    void idList(FuzzedDataProvider data) throws IOException {
        int size = data.consumeInt(1, 64);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            names.add("herb" + i);
        }
        IdListParser parser = new IdListParser("herb ids", "herb", SmgcnReader.HERB_MAPPING, names);
        String text = data.consumeRemainingAsString();
        int[] ids = readOrReject("train.txt", () -> parser.parse(text, "train.txt", 3));
        if (ids != null) {
            assertThat(ids).isNotEmpty().doesNotHaveDuplicates();
            assertThat(Arrays.stream(ids)).allMatch(id -> id >= 0 && id < size);
        }
    }

    /** The input is {@code derived/tcmpd_named.tsv}, read with each name and split column and both policies. */
    @FuzzTest
    @DisplayName("TcmPdReader.read with every option")
    void tcmPd(byte[] input) throws IOException {
        Path file = write(dir, TcmPdReader.FILE, input);
        for (TcmPdReader.Names names : TcmPdReader.Names.values()) {
            for (TcmPdReader.Split split : TcmPdReader.Split.values()) {
                for (TcmPdReader.Duplicates duplicates : TcmPdReader.Duplicates.values()) {
                    TcmPdReader reader = TcmPdReader.builder().optNames(names).optSplit(split)
                            .optDuplicates(duplicates).build();
                    readOrReject(file.toString(), () -> reader.read(dir));
                }
            }
        }
    }

    /** The input is the lung case file, read with both dose policies. */
    @FuzzTest
    @DisplayName("LungCaseReader.read with both dose policies")
    void lungCases(byte[] input) throws IOException {
        Path file = write(dir, LungCaseReader.FILE, input);
        for (LungCaseReader.DoseMismatch policy : LungCaseReader.DoseMismatch.values()) {
            LungCaseReader reader = LungCaseReader.builder().optDoseMismatch(policy).build();
            readOrReject(file.toString(), () -> reader.read(dir));
        }
    }
}
