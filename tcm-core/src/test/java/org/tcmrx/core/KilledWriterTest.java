package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("Atomic writes and appends under kill -9")
class KilledWriterTest {
    private static final Logger LOG = LoggerFactory.getLogger(KilledWriterTest.class);
    private static final int KILLS = 6;

    private static Process start(Path dir, Path log) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), KilledWriter.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    @Test
    @DisplayName("a writer killed at random moments leaves each time the previous or the next whole report and "
            + "whole log lines only; restarted, it continues the log without a gap")
    void killed(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("out"));
        Path report = dir.resolve(KilledWriter.REPORT);
        Path log = dir.resolve(KilledWriter.LOG);
        Random rng = new Random(42);
        long lastVersion = -1;
        int torn = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            long before = size(log);
            Process p = start(dir, tmp.resolve("child.log"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && size(log) <= before) {
                assertThat(System.nanoTime()).as("the writer wrote nothing").isLessThan(deadline);
                Thread.sleep(2);
            }
            Thread.sleep(rng.nextInt(60));
            assertThat(p.isAlive()).as("the writer stopped by itself; see child.log").isTrue();
            p.destroyForcibly().waitFor();
            assertThat(p.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);

            long version = KilledWriter.versionOf(Files.readAllBytes(report));
            assertThat(version).as("the report is some version, whole").isGreaterThanOrEqualTo(lastVersion);
            lastVersion = version;
            byte[] bytes = Files.readAllBytes(log);
            torn += bytes[bytes.length - 1] == '\n' ? 0 : 1;
            List<Map> lines = Jsonl.readAppended(log, Map.class); // throws on a malformed line before the last
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i).get("line")).as("line %d", i).isEqualTo(i);
            }
        }
        LOG.info("{} kills: report at version {}, {} torn last lines", KILLS, lastVersion, torn);
        Jsonl.truncateBefore(log, Map.class, line -> false);
        assertThat(Jsonl.read(log, Map.class)).isNotEmpty();
        assertThat(lastVersion).isPositive();
    }
}
