package org.tcmrx.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.SmgcnReader;
import org.tcmrx.core.SmgcnSplit;
import org.tcmrx.core.safety.RuleKind;
import org.tcmrx.core.safety.SafeHerbRanker;
import org.tcmrx.core.safety.SafetyChecker;

/**
 * The published-number check on SMGCN's official split (train.txt → test.txt). Runs when the system property
 * {@code tcmrx.data.dir} names the folder holding {@code smgcn/}; skipped otherwise.
 */
@DisplayName("SMGCN official split benchmark")
class SmgcnBenchmarkTest {
    private static Dataset smgcn;

    @BeforeAll
    static void read() throws IOException {
        String dir = System.getProperty("tcmrx.data.dir", "");
        assumeTrue(!dir.isBlank(), "tcmrx.data.dir not set: SMGCN benchmark skipped");
        Path smgcnDir = Path.of(dir, "smgcn");
        assumeTrue(Files.isDirectory(smgcnDir), smgcnDir + " not found: SMGCN benchmark skipped");
        smgcn = SmgcnReader.read(smgcnDir, SmgcnSplit.OFFICIAL);
    }

    private static EvaluationResult evaluate(java.util.function.Function<CaseSet, org.tcmrx.core.HerbRanker> fit) {
        return RankerEvaluator.builder().optKs(5, 10, 20).build()
                .evaluate(fit.apply(smgcn.split(Dataset.TRAIN)), smgcn, Dataset.TEST);
    }

    @Test
    @DisplayName("CoOcc reaches P@5 = 0.2875 and R@20 = 0.4694 (± 0.001)")
    void coOccurrence() {
        EvaluationResult r = evaluate(CoOccurrenceRanker::fit);
        assertThat(r.caseCount()).isEqualTo(3_443);
        assertThat(r.value(Metric.PRECISION, 5)).isCloseTo(0.2875, within(0.001));
        assertThat(r.value(Metric.RECALL, 20)).isCloseTo(0.4694, within(0.001));
    }

    @Test
    @DisplayName("TopPop reaches P@5 = 0.2243 (± 0.001)")
    void topPop() {
        EvaluationResult r = evaluate(TopPopRanker::fit);
        assertThat(r.value(Metric.PRECISION, 5)).isCloseTo(0.2243, within(0.001));
    }

    @Test
    @DisplayName("SetLookup+CoOcc beats CoOcc at every K")
    void setLookup() {
        EvaluationResult co = evaluate(CoOccurrenceRanker::fit);
        EvaluationResult set = evaluate(SetLookupRanker::fit);
        for (int k : new int[] {5, 10, 20}) {
            assertThat(set.value(Metric.PRECISION, k)).as("P@" + k).isGreaterThan(co.value(Metric.PRECISION, k));
        }
    }

    @Test
    @DisplayName("safety: 84 true prescriptions hold a 十八反/十九畏 pair; CoOcc behind SafeHerbRanker holds none, at no"
            + " P@5 cost")
    void safety() {
        SafetyChecker checker = SafetyChecker.standard();
        SafetySummary truth = SafetySummary.ofPrescriptions(checker, smgcn.split(Dataset.TEST));
        assertThat(truth.listsWithPairFinding()).isEqualTo(84);
        assertThat(truth.byKind()).containsEntry(RuleKind.EIGHTEEN_INCOMPATIBILITIES, 65)
                .containsEntry(RuleKind.NINETEEN_ANTAGONISMS, 21);
        assertThat(truth.count("十八反:乌头-半夏")).isEqualTo(56);
        RankerEvaluator evaluator = RankerEvaluator.builder().optKs(5, 10).optSafetyChecker(checker).build();
        CoOccurrenceRanker coOcc = CoOccurrenceRanker.fit(smgcn.split(Dataset.TRAIN));
        EvaluationResult plain = evaluator.evaluate(coOcc, smgcn, Dataset.TEST);
        EvaluationResult safe = evaluator.evaluate(SafeHerbRanker.of(coOcc), smgcn, Dataset.TEST);
        assertThat(plain.safety().listsWithPairFinding()).isEqualTo(175);
        assertThat(safe.safety().listsWithPairFinding()).isZero();
        assertThat(safe.value(Metric.PRECISION, 5)).isEqualTo(plain.value(Metric.PRECISION, 5));
    }
}
