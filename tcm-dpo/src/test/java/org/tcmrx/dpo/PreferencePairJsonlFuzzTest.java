package org.tcmrx.dpo;

import static org.tcmrx.core.ParserContract.readFileAndStream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target of {@link PreferencePairJsonl#read}: any file reads, or fails with a
 * {@link org.tcmrx.core.MalformedDataException} naming it. Regression inputs:
 * {@code src/test/resources/org/tcmrx/dpo/PreferencePairJsonlFuzzTestInputs/read/}.
 */
@DisplayName("PreferencePairJsonl under fuzzing")
class PreferencePairJsonlFuzzTest {
    @TempDir
    Path dir;

    /** The file and the stream readers agree. */
    @FuzzTest
    @DisplayName("PreferencePairJsonl.read, from a file and from a stream")
    void read(byte[] input) throws IOException {
        readFileAndStream(dir, "pairs.jsonl", input, PreferencePairJsonl::read, PreferencePairJsonl::read);
    }
}
