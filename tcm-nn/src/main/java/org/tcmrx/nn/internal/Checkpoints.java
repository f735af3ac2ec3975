package org.tcmrx.nn.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.nn.AdamW;
import org.tcmrx.nn.ParameterStore;

/**
 * The checkpoint folder: {@value #MODEL} (the trainable parameters), {@value #OPTIMIZER} (the AdamW state),
 * {@value #STATE} and {@value #PROVENANCE}. A folder is written whole into a hidden temporary sibling
 * ({@code .<name>.tmp-…}), every file and the folder forced to disk, and then renamed into place, so a crash leaves
 * either the previous folder or the complete new one under the folder's name. Replacing a folder moves the old one
 * aside ({@code .<name>.old-…}) for the instant between two renames, and pruning moves a folder aside
 * ({@code .<name>.del-…}) before deleting it: {@link #recover} puts back or deletes what a crash left of those, and
 * {@link #latest} never takes a hidden folder.
 */
public final class Checkpoints {
    /** The trainable parameters, F32 safetensors. */
    public static final String MODEL = "model.safetensors";
    /** The optimizer state, safetensors. */
    public static final String OPTIMIZER = "optimizer.safetensors";
    /** Where training stands, JSON. */
    public static final String STATE = "trainer_state.json";
    /** Who wrote it, JSON. */
    public static final String PROVENANCE = "provenance.json";
    /** The folder of the best checkpoint by the early-stopping metric. */
    public static final String BEST = "best";
    /** Step checkpoints are {@code checkpoint-<step>}, as Hugging Face names them. */
    public static final String PREFIX = "checkpoint-";

    private static final Pattern STEP_FOLDER = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)");
    /** A hidden sibling: {@code .<name>.<tmp|old|del>-<random>}. */
    private static final Pattern ASIDE = Pattern.compile("\\.(.+)\\.(tmp|old|del)-[^.]*");
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    /** Writes more files into a checkpoint folder before it is renamed into place. */
    @FunctionalInterface
    public interface Extras {
        /** Writes nothing. */
        Extras NONE = folder -> { };

        /**
         * Writes the files.
         *
         * @param folder the temporary folder that becomes the checkpoint
         * @throws IOException when writing fails; the checkpoint is then not written
         */
        void write(Path folder) throws IOException;
    }

    private Checkpoints() {}

    /**
     * Writes a checkpoint folder atomically, replacing any folder of the same name.
     *
     * @param target the folder
     * @param store the parameters; only trainable ones are written
     * @param optimizer the optimizer
     * @param state where training stands
     * @param provenance who wrote it
     * @param extras writes more files into the folder, e.g. a PEFT adapter's
     * @throws IOException when writing fails; the previous folder is then unchanged
     */
    public static void write(Path target, ParameterStore store, AdamW optimizer, TrainerState state,
            Provenance provenance, Extras extras) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp-");
        try {
            store.save(tmp.resolve(MODEL), store::isTrainable);
            optimizer.save(tmp.resolve(OPTIMIZER));
            AtomicFiles.write(tmp.resolve(STATE),
                    out -> out.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state)));
            AtomicFiles.write(tmp.resolve(PROVENANCE),
                    out -> out.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(provenance)));
            extras.write(tmp);
            AtomicFiles.syncDirectory(tmp);
            if (Files.exists(absolute)) {
                Path old = aside(absolute, "old");
                move(absolute, old);
                move(tmp, absolute);
                AtomicFiles.syncDirectory(parent);
                deleteTree(old);
            } else {
                move(tmp, absolute);
                AtomicFiles.syncDirectory(parent);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /** A free hidden sibling name for a folder moved aside. */
    private static Path aside(Path folder, String why) throws IOException {
        Path name = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + "." + why + "-");
        Files.delete(name);
        return name;
    }

    /**
     * Repairs what a crash left in a checkpoint directory: a folder moved aside to be replaced whose replacement never
     * arrived is put back; every other hidden temporary folder (a checkpoint half written, a replaced or pruned
     * folder half deleted) is deleted.
     *
     * @param dir the checkpoint directory; nothing happens when it does not exist
     * @throws IOException when listing, renaming or deleting fails
     */
    public static void recover(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> hidden;
        try (Stream<Path> list = Files.list(dir)) {
            hidden = list.filter(p -> Files.isDirectory(p) && ASIDE.matcher(p.getFileName().toString()).matches())
                    .sorted().toList();
        }
        for (Path p : hidden) {
            Matcher m = ASIDE.matcher(p.getFileName().toString());
            m.matches();
            Path target = dir.resolve(m.group(1));
            if (m.group(2).equals("old") && !Files.exists(target)) {
                LOG.warn("{}: putting back {}, moved aside by a run that stopped before replacing it", target, p);
                move(p, target);
            } else {
                LOG.info("deleting {}, left by a run that stopped while writing it", p);
                deleteTree(p);
            }
        }
    }

    /**
     * Finds the newest complete {@code checkpoint-<step>} folder: the highest step whose folder holds the four files
     * and a readable state of that step. Hidden temporary folders never count, and a folder that is not complete (one
     * not written by this class, or damaged) is passed over with a warning.
     *
     * @param dir the checkpoint directory
     * @return the folder, or null when there is none (or {@code dir} does not exist)
     * @throws IOException when the directory cannot be listed
     */
    public static Path latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(dir)) {
            folders = list.filter(p -> Files.isDirectory(p) && STEP_FOLDER.matcher(p.getFileName().toString())
                    .matches()).sorted(Comparator.comparingLong(Checkpoints::stepOf).reversed()).toList();
        }
        for (Path folder : folders) {
            String problem = problem(folder);
            if (problem == null) {
                return folder;
            }
            LOG.warn("{}: not a complete checkpoint ({}); passing over it", folder, problem);
        }
        return null;
    }

    /** What keeps a step folder from being a complete checkpoint, or null. */
    private static String problem(Path folder) {
        for (String file : List.of(MODEL, OPTIMIZER, STATE, PROVENANCE)) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                return "no " + file;
            }
        }
        TrainerState state;
        try {
            state = readState(folder);
        } catch (MalformedDataException e) {
            return e.getMessage();
        } catch (IOException e) {
            return "unreadable " + STATE + ": " + e; // e.g. pruned by a run still writing the directory
        }
        return state.globalStep() == stepOf(folder) ? null : STATE + " is at step " + state.globalStep();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /**
     * Reads a checkpoint's trainer state.
     *
     * @param folder the checkpoint folder
     * @return the state
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when it is not a valid state; the message gives the file and JSON path
     */
    public static TrainerState readState(Path folder) throws IOException {
        Path file = folder.resolve(STATE);
        byte[] bytes = Files.readAllBytes(file);
        try {
            return Json.MAPPER.readValue(bytes, TrainerState.class);
        } catch (JsonProcessingException e) {
            throw new MalformedDataException(file.toString(), 0, Json.path(e), e.getOriginalMessage(), e);
        }
    }

    /**
     * Deletes the oldest {@code checkpoint-<step>} folders beyond a count; {@value #BEST} and other files stay.
     *
     * @param dir the checkpoint directory
     * @param keep how many to keep, newest first; 0 keeps all
     * @throws IOException when listing or deleting fails
     */
    public static void prune(Path dir, int keep) throws IOException {
        if (keep == 0 || !Files.isDirectory(dir)) {
            return;
        }
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> Files.isDirectory(p) && STEP_FOLDER.matcher(p.getFileName().toString()).matches())
                    .forEach(folders::add);
        }
        folders.sort(Comparator.comparingLong(Checkpoints::stepOf).reversed());
        for (int i = keep; i < folders.size(); i++) {
            // Aside first: a crash while deleting must not leave a partial folder under a checkpoint's name.
            Path doomed = aside(folders.get(i), "del");
            move(folders.get(i), doomed);
            deleteTree(doomed);
        }
    }

    private static long stepOf(Path folder) {
        Matcher m = STEP_FOLDER.matcher(folder.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Deletes a folder and everything in it; nothing when it does not exist.
     *
     * @param root the folder
     * @throws IOException when deleting fails
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
