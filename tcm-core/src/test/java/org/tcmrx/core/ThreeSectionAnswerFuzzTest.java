package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz targets of {@link ThreeSectionAnswer}'s readers, which report bad text in their result and never throw for
 * non-null text. The input is the answer's text as UTF-8 (a malformed byte reads as U+FFFD). Regression inputs:
 * {@code src/test/resources/org/tcmrx/core/ThreeSectionAnswerFuzzTestInputs/<method>/}.
 */
@DisplayName("ThreeSectionAnswer under fuzzing")
class ThreeSectionAnswerFuzzTest {
    /** Every answer read renders to text that reads back as the same answer, without problems. */
    @FuzzTest
    @DisplayName("parse never throws, and what it reads survives render and parse")
    void parse(byte[] input) {
        ThreeSectionAnswer.Parse parse = ThreeSectionAnswer.parse(new String(input, StandardCharsets.UTF_8));
        assertThat(parse.ok() || !parse.problems().isEmpty()).isTrue();
        ThreeSectionAnswer answer = parse.answerOrNull();
        if (answer != null) {
            ThreeSectionAnswer.Parse again = ThreeSectionAnswer.parse(answer.render());
            assertThat(again.answerOrNull()).isEqualTo(answer);
            assertThat(again.problems()).isEqualTo(parse.problems().stream()
                    .filter(p -> p.startsWith("empty section")).toList());
        }
    }

    /** Doses belong to herbs that {@link ThreeSectionAnswer#parse} reads from the same text, and are grams. */
    @FuzzTest
    @DisplayName("doses never throws, and names only herbs that parse reads")
    void doses(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Map<String, Dose> doses = ThreeSectionAnswer.doses(text);
        if (!doses.isEmpty()) {
            ThreeSectionAnswer answer = ThreeSectionAnswer.parse(text).answerOrNull();
            assertThat(answer).isNotNull();
            assertThat(answer.herbs()).containsAll(doses.keySet());
            assertThat(doses.values()).allMatch(d -> d.unit().equals("g") && d.amount() > 0);
        }
    }
}
