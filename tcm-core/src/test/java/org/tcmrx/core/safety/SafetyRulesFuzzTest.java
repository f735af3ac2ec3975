package org.tcmrx.core.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.core.ParserContract.readOrReject;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz targets of the safety tables' readers: any table reads, or fails with a
 * {@link org.tcmrx.core.MalformedDataException} naming it; tables read make a rule set. Regression inputs:
 * {@code src/test/resources/org/tcmrx/core/safety/SafetyRulesFuzzTestInputs/<method>/}.
 */
@DisplayName("SafetyRules readers under fuzzing")
class SafetyRulesFuzzTest {
    private static final String RULES = "safety-rules.tsv";
    private static final String ALIASES = "herb-aliases.tsv";

    @FuzzTest
    @DisplayName("SafetyRules.readRules")
    void rules(byte[] input) throws IOException {
        List<SafetyRule> rules = readOrReject(RULES,
                () -> SafetyRules.readRules(new ByteArrayInputStream(input), RULES));
        if (rules != null) {
            assertThat(SafetyRules.of(rules, List.of()).rules()).isEqualTo(rules);
        }
    }

    @FuzzTest
    @DisplayName("SafetyRules.readAliases")
    void aliases(byte[] input) throws IOException {
        List<HerbAlias> aliases = readOrReject(ALIASES,
                () -> SafetyRules.readAliases(new ByteArrayInputStream(input), ALIASES));
        if (aliases != null) {
            SafetyRules.of(List.of(), aliases);
        }
    }
}
