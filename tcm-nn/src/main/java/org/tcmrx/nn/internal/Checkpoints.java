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
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.Json;
import org.tcmrx.nn.AdamW;
import org.tcmrx.nn.ParameterStore;

/**
 * The checkpoint folder: {@value #MODEL} (the trainable parameters), {@value #OPTIMIZER} (the AdamW state),
 * {@value #STATE} and {@value #PROVENANCE}. A folder is written whole into a hidden temporary sibling and then renamed
 * into place, so a crash leaves either the previous folder or the complete new one.
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

    private Checkpoints() {}

    /**
     * Writes a checkpoint folder atomically, replacing any folder of the same name.
     *
     * @param target the folder
     * @param store the parameters; only trainable ones are written
     * @param optimizer the optimizer
     * @param state where training stands
     * @param provenance who wrote it
     * @throws IOException when writing fails; the previous folder is then unchanged
     */
    public static void write(Path target, ParameterStore store, AdamW optimizer, TrainerState state,
            Provenance provenance) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp-");
        try {
            store.save(tmp.resolve(MODEL), store::isTrainable);
            optimizer.save(tmp.resolve(OPTIMIZER));
            Files.write(tmp.resolve(STATE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            Files.write(tmp.resolve(PROVENANCE),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(provenance));
            if (Files.exists(absolute)) {
                Path old = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".old-");
                Files.delete(old);
                move(absolute, old);
                move(tmp, absolute);
                deleteTree(old);
            } else {
                move(tmp, absolute);
            }
        } finally {
            deleteTree(tmp);
        }
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
            deleteTree(folders.get(i));
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
