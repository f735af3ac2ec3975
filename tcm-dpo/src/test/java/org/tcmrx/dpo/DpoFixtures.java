package org.tcmrx.dpo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tcmrx.core.internal.Json;

/** Locates {@code ../shared/fixtures/dpo-loss} and reads its {@code cases.json}. */
final class DpoFixtures {
    private DpoFixtures() {}

    /** Returns {@code dpo-loss/}, or skips the test. */
    static Path dpoLoss() {
        String dir = System.getProperty("tcmrx.fixtures.dir");
        assumeTrue(dir != null, "tcmrx.fixtures.dir is not set");
        Path folder = Path.of(dir).resolve("dpo-loss");
        assumeTrue(Files.isRegularFile(folder.resolve("cases.json")), "no fixture at " + folder);
        return folder;
    }

    /** The parsed {@code cases.json}. */
    static JsonNode cases() throws IOException {
        return Json.MAPPER.readTree(dpoLoss().resolve("cases.json").toFile());
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
