package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.core.ParserContract.readOrReject;
import static org.tcmrx.core.ParserContract.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz targets of the small tables: herb normalization rules and the herb and symptom vocabularies. Regression
 * inputs: {@code src/test/resources/org/tcmrx/core/TableFuzzTestInputs/<method>/}.
 */
@DisplayName("Rule tables and vocabularies under fuzzing")
class TableFuzzTest {
    @TempDir
    Path dir;

    /** Rules read build a normalizer, which never rejects them. */
    @FuzzTest
    @DisplayName("HerbNormalizer.readRules, through Builder.optRules")
    void normalizerRules(byte[] input) throws IOException {
        Path file = write(dir, "rules.tsv", input);
        List<HerbNormalizer.Rule> rules = readOrReject(file.toString(),
                () -> HerbNormalizer.readRules(new ByteArrayInputStream(input), file.toString()));
        HerbNormalizer normalizer = readOrReject(file.toString(),
                () -> HerbNormalizer.builder().optRules(file).build());
        assertThat(normalizer == null).isEqualTo(rules == null);
    }

    /** A vocabulary read writes and reads back the same. */
    @FuzzTest
    @DisplayName("HerbVocabulary.read and SymptomVocabulary.read")
    void vocabulary(byte[] input) throws IOException {
        Path file = write(dir, "herbs.tsv", input);
        HerbVocabulary herbs = readOrReject(file.toString(), () -> HerbVocabulary.read(file));
        SymptomVocabulary symptoms = readOrReject(file.toString(), () -> SymptomVocabulary.read(file));
        assertThat(symptoms == null).isEqualTo(herbs == null);
        if (herbs != null) {
            Path again = dir.resolve("again.tsv");
            herbs.write(again);
            assertThat(HerbVocabulary.read(again).herbs()).isEqualTo(herbs.herbs());
        }
    }
}
