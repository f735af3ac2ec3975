package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.core.ParserContract.readFileOrReject;
import static org.tcmrx.core.ParserContract.readOrReject;
import static org.tcmrx.core.ParserContract.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz targets of the JSON Lines readers: any file reads, or fails with a {@link MalformedDataException} naming the
 * file. Regression inputs: {@code src/test/resources/org/tcmrx/core/JsonlFuzzTestInputs/<method>/}.
 */
@DisplayName("JSON Lines readers under fuzzing")
class JsonlFuzzTest {
    @TempDir
    Path dir;

    /** A record with the usual kinds of field and a check of its own, as the readers' records have. */
    record Row(String name, int count, double score, List<String> tags, Map<String, Long> counts, Kind kind,
            Row parent) {
        Row {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
        }
    }

    /** An enum field. */
    enum Kind { HERB, SYMPTOM }

    @FuzzTest
    @DisplayName("CaseJsonl.read and readDataset")
    void caseJsonl(byte[] input) throws IOException {
        Path file = write(dir, "cases.jsonl", input);
        List<ClinicalCase> cases = readOrReject(file.toString(), () -> CaseJsonl.read(file));
        Dataset dataset = readOrReject(file.toString(), () -> CaseJsonl.readDataset(file, "fuzz"));
        assertThat(dataset == null).isEqualTo(cases == null);
        if (cases != null) {
            assertThat(dataset.splits().values().stream().mapToInt(CaseSet::size).sum()).isEqualTo(cases.size());
            // What was read writes and reads back the same.
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            for (ClinicalCase c : cases) {
                again.write(Jsonl.toLine(CaseJsonl.toJson(c, null)));
            }
            Dataset reread = CaseJsonl.readDataset(new ByteArrayInputStream(again.toByteArray()), "again", "again");
            assertThat(reread.split(CaseJsonl.DEFAULT_SPLIT)).containsExactlyElementsOf(cases);
        }
    }

    @FuzzTest
    @DisplayName("Jsonl.read into a record and into plain JSON")
    void jsonl(byte[] input) throws IOException {
        readFileOrReject(dir, "rows.jsonl", input, file -> Jsonl.read(file, Row.class));
        readFileOrReject(dir, "values.jsonl", input, file -> Jsonl.read(file, Object.class));
    }
}
