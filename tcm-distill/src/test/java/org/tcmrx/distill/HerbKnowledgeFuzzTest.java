package org.tcmrx.distill;

import static org.tcmrx.core.ParserContract.readOrReject;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target of {@link HerbKnowledge#read}: any table reads, or fails with a
 * {@link org.tcmrx.core.MalformedDataException} naming it. Regression inputs:
 * {@code src/test/resources/org/tcmrx/distill/HerbKnowledgeFuzzTestInputs/read/}.
 */
@DisplayName("HerbKnowledge under fuzzing")
class HerbKnowledgeFuzzTest {
    private static final String LOCATION = "herb-knowledge.tsv";

    @FuzzTest
    @DisplayName("HerbKnowledge.read")
    void read(byte[] input) throws IOException {
        readOrReject(LOCATION, () -> HerbKnowledge.read(new ByteArrayInputStream(input), LOCATION, "fuzz"));
    }
}
