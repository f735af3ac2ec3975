package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.distill.DistillRun;
import org.tcmrx.distill.DistillSummary;
import org.tcmrx.distill.OpenAiChatClient;
import org.tcmrx.distill.OpenAiConfig;
import org.tcmrx.distill.TeacherDistiller;

/**
 * Throughput of distillation against a local OpenAI-compatible server that adds a fixed latency to every answer:
 * the same records at concurrency 1 and at concurrency 8, and the speed-up. With 50 ms of latency, eight requests in
 * flight should be at least six times as fast as one.
 *
 * <pre>
 * java -cp examples/target/tcm.jar org.tcmrx.examples.DistillBenchmark [records] [latency-ms] [concurrency]
 * </pre>
 * Defaults: 1,000 records (the embedded corpus repeated under new ids), 50 ms, 8.
 */
public final class DistillBenchmark {
    private DistillBenchmark() {}

    /**
     * Runs the benchmark and prints the throughputs.
     *
     * @param args records, latency in milliseconds, concurrency (each optional)
     * @throws IOException when the server or the output fails
     */
    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long latency = args.length > 1 ? Long.parseLong(args[1]) : 50;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        List<ClinicalCase> records = records(n);
        System.out.printf(Locale.ROOT, "Distilling %,d records against a local server adding %d ms per answer%n", n,
                latency);
        double one = run(records, latency, 1);
        double many = run(records, latency, concurrency);
        double speedup = many / one;
        System.out.printf(Locale.ROOT, "Speed-up at concurrency %d: %.2fx (target >= 6x: %s)%n", concurrency, speedup,
                speedup >= 6 ? "met" : "NOT met");
    }

    /** Returns the throughput in records per second. */
    private static double run(List<ClinicalCase> records, long latency, int concurrency) throws IOException {
        Path dir = Files.createTempDirectory("tcm-distill-bench");
        try (LocalChatServer server = new LocalChatServer(latency, Math.max(16, 2 * concurrency))) {
            OpenAiChatClient client = OpenAiChatClient.create(OpenAiConfig.builder().setBaseUrl(server.baseUrl())
                    .setModel("local").optApiKeyEnv(null).optMaxConcurrency(concurrency)
                    .optRetries(3, Duration.ofMillis(10), Duration.ofSeconds(1)).build());
            TeacherDistiller distiller = TeacherDistiller.builder().setClient(client).build();
            long start = System.nanoTime();
            DistillSummary s = DistillRun.builder().setDistiller(distiller).setOutput(dir).optConcurrency(concurrency)
                    .build().run(records);
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = records.size() / seconds;
            System.out.printf(Locale.ROOT, "concurrency %2d: %,d accepted, %,d rejected in %6.2f s = %7.1f records/s, "
                    + "%,d tokens%n", concurrency, s.accepted(), s.rejected(), seconds, rate, s.usage().total());
            return rate;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The embedded corpus repeated, each copy under new ids, to n records. */
    static List<ClinicalCase> records(int n) {
        List<ClinicalCase> corpus = EmbeddedCorpus.load().allCases();
        List<ClinicalCase> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ClinicalCase c = corpus.get(i % corpus.size());
            out.add(ClinicalCase.builder().setId(c.id() + "#" + i).setSymptoms(c.symptoms()).optText(c.text())
                    .optTongue(c.tongue()).optPulse(c.pulse()).optSyndromes(c.syndromes())
                    .setPrescription(c.prescription()).optFormula(c.formula()).optSource(c.source()).build());
        }
        return out;
    }
}
