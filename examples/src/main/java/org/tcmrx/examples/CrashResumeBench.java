package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tcmrx.nn.TrainingLoop;
import org.tcmrx.nn.internal.Checkpoints;

/**
 * Crash and resume of training: for each trainer ({@link CrashWorkload}: LoRA SFT, BART, LoRA DPO), a run is started
 * in a second JVM, killed with {@code kill -9} at a random point (after a random checkpoint, a random fraction of a
 * step later), and resumed in this JVM from its last complete checkpoint; the resumed run is compared with an
 * uninterrupted run of the same seed. The killed run spends most of its sleep inside checkpoint writes, so
 * many kills leave a half-written checkpoint (a hidden temporary folder); besides, one is planted a step past the
 * last before resuming, to show such a folder is never taken, and the resumed run must leave none. Prints one row
 * per trainer: the kills, the half-written checkpoints they left, the largest differences from the uninterrupted run
 * (final loss, every step's loss, every weight) and the log's step records lost or written twice.
 *
 * <pre>
 * java -cp examples/target/tcm.jar org.tcmrx.examples.CrashResumeBench [runs] [millis-per-step] [seed]
 * </pre>
 * Defaults: 5 runs per trainer, 150 ms of sleep per step of the killed run (so it can be killed where chosen; the
 * resumed and uninterrupted runs do not sleep), seed 1.
 */
public final class CrashResumeBench {
    private static final Pattern STEP = Pattern.compile(Pattern.quote(Checkpoints.PREFIX) + "(\\d+)");

    private CrashResumeBench() {}

    /**
     * One kill and resume.
     *
     * @param killAfter the checkpoint step after which the process was killed
     * @param exitStatus the killed process's exit status, {@value ChildJvm#KILLED} for {@code SIGKILL}
     * @param resumedFrom the step of the checkpoint the run resumed from
     * @param halfWritten hidden temporary folders the killed process left (checkpoints it was writing)
     * @param resumed how the resumed run ended
     */
    record Trial(int killAfter, int exitStatus, int resumedFrom, int halfWritten, CrashWorkload.Outcome resumed) {}

    /**
     * How a resumed run differs from the uninterrupted one.
     *
     * @param finalLoss the absolute difference of the final training losses
     * @param stepLoss the largest absolute difference of a step's logged loss
     * @param weight the largest absolute difference of a trained weight
     * @param lost the uninterrupted run's logged steps missing from the resumed run's log
     * @param duplicated step lines of the resumed run's log beyond one per step
     */
    record Difference(double finalLoss, double stepLoss, double weight, int lost, int duplicated) {
        /** No difference, where a table row starts. */
        static final Difference NONE = new Difference(0, 0, 0, 0, 0);

        /** The largest differences of both, and the records of both. */
        Difference and(Difference other) {
            return new Difference(Math.max(finalLoss, other.finalLoss), Math.max(stepLoss, other.stepLoss),
                    Math.max(weight, other.weight), lost + other.lost, duplicated + other.duplicated);
        }

        static Difference of(CrashWorkload.Outcome straight, CrashWorkload.Outcome resumed) {
            double weight = 0;
            for (Map.Entry<String, float[]> e : straight.weights().entrySet()) {
                float[] other = resumed.weights().get(e.getKey());
                for (int i = 0; i < e.getValue().length; i++) {
                    weight = Math.max(weight, Math.abs(e.getValue()[i] - other[i]));
                }
            }
            Set<Integer> seen = new HashSet<>(resumed.stepNumbers());
            int lost = (int) straight.stepNumbers().stream().filter(s -> !seen.contains(s)).count();
            int duplicated = resumed.stepNumbers().size() - seen.size();
            double stepLoss = 0;
            for (int i = 0; i < resumed.stepLosses().size(); i++) {
                int at = straight.stepNumbers().indexOf(resumed.stepNumbers().get(i));
                stepLoss = Math.max(stepLoss, at < 0 ? Double.POSITIVE_INFINITY
                        : Math.abs(resumed.stepLosses().get(i) - straight.stepLosses().get(at)));
            }
            return new Difference(Math.abs(straight.finalLoss() - resumed.finalLoss()), stepLoss, weight, lost,
                    duplicated);
        }
    }

    /**
     * Runs a workload in a second JVM, kills it with {@code kill -9} after a random checkpoint, plants a half-written
     * checkpoint, and resumes the run here from its last complete checkpoint.
     *
     * @param workload the training
     * @param dir a folder for the run and the child's log, created when absent
     * @param rng picks the checkpoint to wait for (1 to {@code steps - 2}) and the delay after it
     * @param steps the steps of a whole run
     * @param millisPerStep the killed run's sleep per step ({@link CrashWorkload#sleeping})
     * @return what happened
     * @throws IOException when a file cannot be read or written, or the child cannot start
     * @throws InterruptedException when interrupted while waiting
     * @throws IllegalStateException when the child stops by itself, a half-written checkpoint is taken, or the
     *     resumed run leaves one
     */
    static Trial trial(CrashWorkload workload, Path dir, Random rng, int steps, long millisPerStep)
            throws IOException, InterruptedException {
        Path out = dir.resolve("run");
        Path log = Files.createDirectories(dir).resolve("child.log");
        int killAfter = 1 + rng.nextInt(steps - 2);
        int status;
        try (ChildJvm child = ChildJvm.start(CrashWorkload.class, log, workload.name(), out.toString(),
                Long.toString(millisPerStep))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (highestStep(out) < killAfter) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(workload + " did not reach step " + killAfter + "; see " + log);
                }
                Thread.sleep(2);
            }
            Thread.sleep(rng.nextInt((int) millisPerStep));
            if (!child.isAlive()) {
                throw new IllegalStateException(workload + " finished before it was killed; see " + log);
            }
            status = child.kill();
        }
        int halfWritten = hiddenFolders(out).size();
        Path last = TrainingLoop.lastCheckpointOrNull(out);
        Path planted = Files.createDirectories(out.resolve("." + Checkpoints.PREFIX + (stepOf(last) + 1) + ".tmp-0"));
        Files.write(planted.resolve(Checkpoints.MODEL), new byte[] {1, 2, 3});
        if (!last.equals(TrainingLoop.lastCheckpointOrNull(out))) {
            throw new IllegalStateException("the half-written " + planted + " was taken for the last checkpoint");
        }
        CrashWorkload.Outcome resumed = workload.train(out, last, List.of());
        if (!hiddenFolders(out).isEmpty()) {
            throw new IllegalStateException("the resumed run left half-written folders: " + hiddenFolders(out));
        }
        return new Trial(killAfter, status, stepOf(last), halfWritten, resumed);
    }

    /** A difference for the table: 0 when the values are the same bit for bit. */
    private static String number(double difference) {
        return difference == 0 ? "0" : String.format(Locale.ROOT, "%.3g", difference);
    }

    private static int stepOf(Path checkpoint) {
        Matcher m = STEP.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a step checkpoint: " + checkpoint);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The highest {@code checkpoint-<step>} folder's step; folders appear whole, so their names suffice. */
    private static int highestStep(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> STEP.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
        }
    }

    private static List<Path> hiddenFolders(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith(".")).toList();
        }
    }

    /**
     * Runs the experiment and prints the table.
     *
     * @param args runs per trainer, milliseconds of sleep per step of the killed run, seed (each optional)
     * @throws IOException when a file cannot be read or written
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 150;
        Random rng = new Random(args.length > 2 ? Long.parseLong(args[2]) : 1);
        Path root = Files.createTempDirectory("tcm-crash-bench");
        System.out.printf(Locale.ROOT, "Crash and resume: %d kill -9 per trainer, %d ms of sleep per step, in %s%n",
                runs, millis, root);
        List<String> rows = new ArrayList<>();
        for (CrashWorkload w : CrashWorkload.values()) {
            CrashWorkload.Outcome straight = w.train(root.resolve(w + "-straight"), null, List.of());
            List<String> kills = new ArrayList<>();
            int survived = 0;
            int halfWritten = 0;
            Difference worst = Difference.NONE;
            for (int run = 0; run < runs; run++) {
                Trial t = trial(w, root.resolve(w + "-" + run), rng, straight.steps(), millis);
                worst = worst.and(Difference.of(straight, t.resumed()));
                survived += t.exitStatus() == ChildJvm.KILLED && t.resumed().steps() == straight.steps() ? 1 : 0;
                kills.add(t.killAfter() + "→" + t.resumedFrom());
                halfWritten += t.halfWritten();
                System.out.printf(Locale.ROOT, "%s run %d: killed after checkpoint %d (exit %d), resumed from %d, "
                        + "%d half-written left, final loss %.9f vs %.9f%n", w, run, t.killAfter(), t.exitStatus(),
                        t.resumedFrom(), t.halfWritten(), t.resumed().finalLoss(), straight.finalLoss());
            }
            rows.add(String.format(Locale.ROOT, "| %s | %d | %d | %d/%d | %s | %d | %s | %s | %s | %d | %d |", w,
                    straight.steps(), runs, survived, runs, String.join(" ", kills), halfWritten,
                    number(worst.finalLoss()), number(worst.stepLoss()), number(worst.weight()), worst.lost(),
                    worst.duplicated()));
        }
        System.out.println();
        System.out.println("| trainer | steps | runs | kills survived | killed after → resumed from | half-written "
                + "left | max abs Δ final loss | max abs Δ step loss | max abs Δ weight | records lost | "
                + "records twice |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }
}
