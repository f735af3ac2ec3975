package org.tcmrx.bart;

import static org.tcmrx.core.ParserContract.readFileOrReject;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target of {@link BartConfig#read}: any {@code config.json} reads, or fails with a
 * {@link org.tcmrx.core.MalformedDataException} naming it. Regression inputs:
 * {@code src/test/resources/org/tcmrx/bart/BartConfigFuzzTestInputs/read/}.
 */
@DisplayName("BartConfig under fuzzing")
class BartConfigFuzzTest {
    @TempDir
    Path dir;

    @FuzzTest
    @DisplayName("BartConfig.read")
    void read(byte[] input) throws IOException {
        readFileOrReject(dir, "config.json", input, BartConfig::read);
    }
}
