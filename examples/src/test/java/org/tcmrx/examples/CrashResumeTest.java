package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Training killed with kill -9 and resumed from its last checkpoint")
class CrashResumeTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(CrashWorkload.class)
    @DisplayName("ends exactly as the uninterrupted run: final loss, every step's loss, every weight, one log line "
            + "per step; a half-written checkpoint is never taken")
    void resumes(CrashWorkload workload, @TempDir Path dir) throws Exception {
        CrashWorkload.Outcome straight = workload.train(dir.resolve("straight"), null, List.of());
        CrashResumeBench.Trial t = CrashResumeBench.trial(workload, dir.resolve("killed"),
                new Random(2025 + workload.ordinal()), straight.steps(), 100);

        assertThat(t.exitStatus()).as("SIGKILL").isEqualTo(ChildJvm.KILLED);
        assertThat(t.resumedFrom()).isGreaterThanOrEqualTo(t.killAfter());
        CrashWorkload.Outcome resumed = t.resumed();
        assertThat(resumed.steps()).isEqualTo(straight.steps());
        assertThat(resumed.bestStep()).isEqualTo(straight.bestStep());
        // On CPU with the same seed the resumed steps are the uninterrupted run's, bit for bit.
        assertThat(resumed.finalLoss()).isEqualTo(straight.finalLoss());
        assertThat(resumed.stepNumbers()).isEqualTo(straight.stepNumbers());
        assertThat(resumed.stepLosses()).isEqualTo(straight.stepLosses());
        assertThat(resumed.weights().keySet()).isEqualTo(straight.weights().keySet());
        straight.weights().forEach((name, values) ->
                assertThat(resumed.weights().get(name)).as(name).containsExactly(values));
        CrashResumeBench.Difference d = CrashResumeBench.Difference.of(straight, resumed);
        assertThat(d.lost()).isZero();
        assertThat(d.duplicated()).isZero();
    }
}
