package org.tcmrx.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tcmrx.bart.BartHerbRanker;
import org.tcmrx.bart.BartHerbTrainer;
import org.tcmrx.bart.BartHerbTrainingConfig;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Progress;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tcm soak}: a long run that shows whether native memory grows. It trains a small BART on the embedded corpus
 * for a number of steps through the shared training loop, then asks the trained ranker a number of times, and prints
 * at intervals the process's resident set (VmRSS), the Java heap in use and the number of arrays DJL's managers hold.
 * A leak shows as a resident set or an array count that keeps rising after the first interval.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Trains BART for --steps steps and ranks --rank-calls queries, printing the resident set, the "
            + "Java heap and DJL's managed-array count at intervals, to show that native memory does not grow."})
final class SoakCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "1000", description = "Training steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--rank-calls", defaultValue = "10000",
            description = "Ranking calls after training. Default: ${DEFAULT-VALUE}.")
    int rankCalls;

    @Option(names = "--samples", defaultValue = "10",
            description = "Samples printed per phase. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--work", paramLabel = "DIR", description = "Working folder. Default: a temporary one.")
    Path work;

    /** One measurement. */
    record Sample(String phase, long done, long rssKib, long heapKib, long committedKib, int arrays) {}

    @Override
    public Integer call() throws IOException {
        if (steps < 1 || rankCalls < 1 || samples < 1) {
            throw new IllegalArgumentException("--steps, --rank-calls and --samples must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager probe = NDManager.newBaseManager(Device.cpu())) {
            // The probe's parent is the engine's system manager, whose arrays include every other manager's.
            return soak(out, probe.getParentManager());
        }
    }

    private int soak(PrintWriter out, NDManager system) throws IOException {
        Dataset corpus = EmbeddedCorpus.load();
        List<ClinicalCase> train = corpus.split(Dataset.TRAIN);
        int batch = 16;
        int perEpoch = (train.size() + batch - 1) / batch;
        BartHerbTrainingConfig config = BartHerbTrainingConfig.builder().optSize(32, 1, 4, 64).optBatchSize(batch)
                .optEpochs((steps + perEpoch - 1) / perEpoch).optSeed(42).build();
        Path dir = work != null ? work : Files.createTempDirectory("tcm-soak");
        List<Sample> log = new ArrayList<>();
        out.printf("%-6s %8s %10s %10s %10s %10s %8s%n", "phase", "done", "RSS MiB", "heap MiB", "committed",
                "RSS-heap", "arrays");
        log.add(sample("start", 0, system, out));
        int every = Math.max(1, steps / samples);
        TrainingListener probe = new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() % every == 0 && m.step() <= steps) {
                    log.add(sample("train", m.step(), system, out));
                }
            }
        };
        long t0 = System.nanoTime();
        BartHerbTrainer.Trained trained = BartHerbTrainer.train(train, List.of(), config, dir, Progress.NONE,
                List.of(probe));
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        List<ClinicalCase> test = corpus.split(Dataset.TEST);
        int rankEvery = Math.max(1, rankCalls / samples);
        t0 = System.nanoTime();
        try (BartHerbRanker ranker = trained.ranker()) {
            for (int i = 1; i <= rankCalls; i++) {
                ranker.rank(test.get(i % test.size()).query(), 10);
                if (i % rankEvery == 0) {
                    log.add(sample("rank", i, system, out));
                }
            }
        }
        double rankSeconds = (System.nanoTime() - t0) / 1e9;
        log.add(sample("closed", rankCalls, system, out));
        out.println();
        out.printf(Locale.ROOT, "%d training steps in %.1f s; %d ranking calls in %.1f s%n",
                trained.result().steps(), trainSeconds, rankCalls, rankSeconds);
        growth(out, "training", log, "train");
        growth(out, "ranking", log, "rank");
        Sample first = log.get(0);
        Sample last = log.get(log.size() - 1);
        out.printf(Locale.ROOT, "after closing the model: %d arrays held (%d at the start)%n", last.arrays(),
                first.arrays());
        out.flush();
        return 0;
    }

    /** Prints the change between the phase's second sample (after warm-up) and its last. */
    private static void growth(PrintWriter out, String name, List<Sample> log, String phase) {
        List<Sample> s = log.stream().filter(x -> x.phase().equals(phase)).toList();
        if (s.size() < 3) {
            out.println(name + ": too few samples to judge growth");
            return;
        }
        Sample from = s.get(1);
        Sample to = s.get(s.size() - 1);
        out.printf(Locale.ROOT, "%s: from %s %d to %d, resident set %+.1f MiB (outside the Java heap %+.1f MiB),"
                + " arrays %+d%n", name, phase, from.done(), to.done(), (to.rssKib() - from.rssKib()) / 1024.0,
                (to.rssKib() - to.committedKib() - from.rssKib() + from.committedKib()) / 1024.0,
                to.arrays() - from.arrays());
    }

    private static Sample sample(String phase, long done, NDManager system, PrintWriter out) {
        Runtime rt = Runtime.getRuntime();
        Sample s = new Sample(phase, done, residentKib(), (rt.totalMemory() - rt.freeMemory()) / 1024,
                rt.totalMemory() / 1024, system.getManagedArrays().size());
        out.printf(Locale.ROOT, "%-6s %8d %10.1f %10.1f %10.1f %10.1f %8d%n", s.phase(), s.done(), s.rssKib() / 1024.0,
                s.heapKib() / 1024.0, s.committedKib() / 1024.0, (s.rssKib() - s.committedKib()) / 1024.0,
                s.arrays());
        out.flush();
        return s;
    }

    /** VmRSS from {@code /proc/self/status}, or -1 where there is none. */
    static long residentKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
