package org.tcmrx.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.MalformedDataException;

@DisplayName("DistillRun")
class DistillRunTest {
    static final List<String> FILES = List.of("records.jsonl", "samples.jsonl", "samples.alpaca.jsonl",
            "rejected.jsonl");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static List<String> sortedLines(Path dir, String file) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve(file)));
        Collections.sort(lines);
        return lines;
    }

    static void assertSameOutput(Path a, Path b) throws IOException {
        for (String f : FILES) {
            List<String> la = sortedLines(a, f);
            assertThat(la).as(f).isEqualTo(sortedLines(b, f)).doesNotHaveDuplicates();
        }
    }

    /** Counts the newline bytes of a file being written (its last line may end inside a character). */
    private static long newlines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long n = 0;
        for (byte b : Files.readAllBytes(file)) {
            n += b == '\n' ? 1 : 0;
        }
        return n;
    }

    @Nested
    @DisplayName("writes")
    class Writes {
        @Test
        @DisplayName("chat and alpaca samples with only the fields sample readers allow, provenance beside them")
        void formats(@TempDir Path dir) throws IOException {
            List<ClinicalCase> cases = EmbeddedCorpus.load().allCases().subList(0, 5);
            DistillSummary s = DistillRun.builder().setDistiller(KnowledgeTeacher.builder().build()).setOutput(dir)
                    .build().run(cases);
            assertThat(s.accepted()).isEqualTo(5);
            List<String> samples = Files.readAllLines(dir.resolve("samples.jsonl"));
            assertThat(samples).hasSize(5);
            JsonNode first = MAPPER.readTree(samples.get(0));
            assertThat(first.fieldNames()).toIterable().containsExactly("messages");
            assertThat(first.get("messages").get(0).fieldNames()).toIterable().containsExactly("role", "content");
            assertThat(first.get("messages").get(0).get("role").asText()).isEqualTo("user");
            assertThat(first.get("messages").get(1).get("content").asText()).startsWith("症状分析：");
            JsonNode alpaca = MAPPER.readTree(Files.readAllLines(dir.resolve("samples.alpaca.jsonl")).get(0));
            assertThat(alpaca.fieldNames()).toIterable().containsExactly("instruction", "input", "output");
            JsonNode record = MAPPER.readTree(Files.readAllLines(dir.resolve("records.jsonl")).get(0));
            assertThat(record.get("id").asText()).isEqualTo(cases.get(0).id());
            assertThat(record.get("provenance").get("templateSha256").asText())
                    .isEqualTo(PromptTemplate.standard().sha256());
            assertThat(record.get("provenance").get("teacher").asText()).isEqualTo("knowledge");
            JsonNode summary = MAPPER.readTree(dir.resolve("summary.json").toFile());
            assertThat(summary.get("summary").get("accepted").asLong()).isEqualTo(5);
            assertThat(summary.get("provenance").get("parameters").get("teacher").asText()).isEqualTo("knowledge");
        }

        @Test
        @DisplayName("rejected records with their reasons in their own file")
        void rejected(@TempDir Path dir) throws IOException {
            ValidationConfig strict = ValidationConfig.builder().optAnalysisChars(1000, 2000).build();
            List<ClinicalCase> cases = EmbeddedCorpus.load().allCases().subList(0, 3);
            DistillSummary s = DistillRun.builder()
                    .setDistiller(KnowledgeTeacher.builder().optValidation(strict).build()).setOutput(dir).build()
                    .run(cases);
            assertThat(s.rejected()).isEqualTo(3);
            JsonNode r = MAPPER.readTree(Files.readAllLines(dir.resolve("rejected.jsonl")).get(0));
            assertThat(r.get("id").asText()).isEqualTo(cases.get(0).id());
            assertThat(r.get("reasons").get(0).asText()).startsWith("section 症状分析 too short:");
            assertThat(Files.readAllLines(dir.resolve("samples.jsonl"))).isEmpty();
        }
    }

    @Nested
    @DisplayName("resumes")
    class Resumes {
        @Test
        @DisplayName("skipping the records already done")
        void skips(@TempDir Path dir) throws IOException {
            List<ClinicalCase> all = EmbeddedCorpus.load().allCases().subList(0, 20);
            AtomicInteger calls = new AtomicInteger();
            KnowledgeTeacher teacher = KnowledgeTeacher.builder().build();
            Distiller counting = new Distiller() {
                @Override
                public DistillResult distill(ClinicalCase record) {
                    calls.incrementAndGet();
                    return teacher.distill(record);
                }

                @Override
                public Map<String, String> describe() {
                    return teacher.describe();
                }
            };
            DistillRun run = DistillRun.builder().setDistiller(counting).setOutput(dir).optConcurrency(3).build();
            run.run(all.subList(0, 8));
            DistillSummary second = run.run(all);
            assertThat(calls.get()).isEqualTo(20);
            assertThat(second.skipped()).isEqualTo(8);
            assertThat(second.accepted()).isEqualTo(12);
            assertThat(Files.readAllLines(dir.resolve("samples.jsonl"))).hasSize(20).doesNotHaveDuplicates();
        }

        @Test
        @DisplayName("after a crash left a partial line and sample files behind the journal")
        void repairs(@TempDir Path dir) throws IOException {
            Path whole = dir.resolve("whole");
            Path crashed = dir.resolve("crashed");
            List<ClinicalCase> cases = EmbeddedCorpus.load().allCases().subList(0, 10);
            KnowledgeTeacher teacher = KnowledgeTeacher.builder().optClock(SlowKnowledgeRun.CLOCK).build();
            DistillRun.builder().setDistiller(teacher).setOutput(whole).build().run(cases);
            DistillRun.builder().setDistiller(teacher).setOutput(crashed).build().run(cases.subList(0, 6));
            // A crash after the journal line and before the sample lines, then half a journal line of the next.
            List<String> samples = Files.readAllLines(crashed.resolve("samples.jsonl"));
            Files.write(crashed.resolve("samples.jsonl"), samples.subList(0, 4));
            Files.writeString(crashed.resolve("samples.alpaca.jsonl"), "{\"instruction\":\"half", 
                    StandardOpenOption.APPEND);
            Files.writeString(crashed.resolve("records.jsonl"), "{\"id\":\"x\",\"sta", StandardOpenOption.APPEND);
            DistillSummary s = DistillRun.builder().setDistiller(teacher).setOutput(crashed).build().run(cases);
            assertThat(s.skipped()).isEqualTo(6);
            assertSameOutput(whole, crashed);
        }

        @Test
        @DisplayName("exactly as an uninterrupted run after the process is killed (kill -9) midway, twice")
        void killed(@TempDir Path dir) throws Exception {
            Path whole = dir.resolve("whole");
            Path killed = dir.resolve("killed");
            SlowKnowledgeRun.run(whole, 0);
            for (int lines : new int[] {40, 120}) {
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), SlowKnowledgeRun.class.getName(),
                        killed.toString(), "20").redirectErrorStream(true)
                        .redirectOutput(dir.resolve("child.log").toFile()).start();
                Path journal = killed.resolve("records.jsonl");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (p.isAlive() && newlines(journal) < lines) {
                    assertThat(System.nanoTime()).as("child too slow").isLessThan(deadline);
                    Thread.sleep(5);
                }
                assertThat(p.isAlive()).as("child finished before it could be killed").isTrue();
                p.destroyForcibly().waitFor();
            }
            assertThat(Files.readAllLines(killed.resolve("records.jsonl")).size()).isBetween(120, 238);
            DistillSummary s = SlowKnowledgeRun.run(killed, 0);
            assertThat(s.skipped()).isGreaterThanOrEqualTo(120);
            assertThat(s.skipped() + s.accepted() + s.rejected()).isEqualTo(239);
            assertSameOutput(whole, killed);
        }
    }

    @Nested
    @DisplayName("refuses")
    class Refuses {
        @Test
        @DisplayName("repeated ids, missing settings, and a folder whose files are not a run's")
        void errors(@TempDir Path dir) throws IOException {
            ClinicalCase c = EmbeddedCorpus.load().allCases().get(0);
            DistillRun run = DistillRun.builder().setDistiller(KnowledgeTeacher.builder().build()).setOutput(dir)
                    .build();
            assertThatThrownBy(() -> run.run(List.of(c, c))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("records: id '" + c.id() + "' appears twice");
            assertThatThrownBy(() -> DistillRun.builder().setOutput(dir).build())
                    .hasMessage("distiller must be set");
            assertThatThrownBy(() -> DistillRun.builder().setDistiller(KnowledgeTeacher.builder().build())
                    .setOutput(dir).optConcurrency(0).build()).hasMessage("concurrency must be at least 1, got 0");
            Files.writeString(dir.resolve("samples.jsonl"), "{\"messages\":[]}\n");
            assertThatThrownBy(() -> run.run(List.of(c))).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("samples.jsonl:1: has 1 lines but the journal records.jsonl accounts "
                            + "for 0");
        }
    }
}
