package org.tcmrx.distill;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.EmbeddedCorpus;

/**
 * The run the kill-and-resume test interrupts: the knowledge teacher with a fixed clock (so that runs write the same
 * bytes), a few milliseconds per record, on the whole embedded corpus. Run as a program, it distills into the folder
 * given as its argument.
 */
final class SlowKnowledgeRun {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    private SlowKnowledgeRun() {}

    static DistillSummary run(Path out, long millisPerRecord) throws IOException {
        KnowledgeTeacher teacher = KnowledgeTeacher.builder().optClock(CLOCK).build();
        Distiller slow = new Distiller() {
            @Override
            public DistillResult distill(ClinicalCase record) throws IOException {
                try {
                    Thread.sleep(millisPerRecord);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
                return teacher.distill(record);
            }

            @Override
            public Map<String, String> describe() {
                return teacher.describe();
            }
        };
        return DistillRun.builder().setDistiller(slow).setOutput(out).optConcurrency(2).build()
                .run(EmbeddedCorpus.load().allCases());
    }

    public static void main(String[] args) throws IOException {
        run(Path.of(args[0]), Long.parseLong(args[1]));
    }
}
