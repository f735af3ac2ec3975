package org.tcmrx.distill.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.Jsonl;
import org.tcmrx.core.MalformedDataException;

/**
 * The append-only files of a distillation run and their crash recovery.
 *
 * <p>{@code records.jsonl} is the journal: a record is done once its line is there. Each line is written with one
 * {@code write} on a channel opened for appending, journal first, then the sample files derived from it
 * ({@code samples.jsonl} in the chat format, {@code samples.alpaca.jsonl}, {@code rejected.jsonl}). A crash can
 * therefore leave at most a partial last line (dropped on reopening) and sample files behind the journal (completed
 * from it on reopening), never a record in a sample file that the journal lacks, so nothing is lost or written twice.
 */
public final class OutputFiles implements AutoCloseable {
    /** The journal. */
    public static final String RECORDS = "records.jsonl";
    /** Accepted samples, chat format. */
    public static final String SAMPLES = "samples.jsonl";
    /** Accepted samples, alpaca format. */
    public static final String ALPACA = "samples.alpaca.jsonl";
    /** Rejected records with their reasons. */
    public static final String REJECTED = "rejected.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(OutputFiles.class);

    private final Set<String> done;
    private final FileChannel journal;
    private final FileChannel samples;
    private final FileChannel alpaca;
    private final FileChannel rejected;
    private final boolean sync;

    private OutputFiles(Set<String> done, Path dir, boolean sync) throws IOException {
        this.done = done;
        this.sync = sync;
        this.journal = append(dir.resolve(RECORDS));
        this.samples = append(dir.resolve(SAMPLES));
        this.alpaca = append(dir.resolve(ALPACA));
        this.rejected = append(dir.resolve(REJECTED));
    }

    /**
     * Opens (creating when needed) a run's files in a folder, repairing what a crash left.
     *
     * @param dir the folder
     * @param sync whether to force each journal line to the disk before going on
     * @return the open files
     * @throws IOException when the files cannot be read or written
     * @throws MalformedDataException when a journal line is not a valid entry, a record appears twice, or a sample
     *     file has more lines than the journal allows
     */
    public static OutputFiles open(Path dir, boolean sync) throws IOException {
        Files.createDirectories(dir);
        Path journalFile = dir.resolve(RECORDS);
        dropPartialLine(journalFile);
        // The journal is streamed and only the missing sample lines are made, so a large run reopens in little memory.
        Repair samples = new Repair(dir.resolve(SAMPLES));
        Repair alpaca = new Repair(dir.resolve(ALPACA));
        Repair rejected = new Repair(dir.resolve(REJECTED));
        Set<String> done = new LinkedHashSet<>();
        if (Files.exists(journalFile)) {
            try (samples; alpaca; rejected) {
                Jsonl.forEach(journalFile, JournalEntry.class, (n, e) -> {
                    if (!done.add(e.id())) {
                        throw new MalformedDataException(journalFile.toString(), n, "id", "record '" + e.id()
                                + "' appears twice");
                    }
                    if (e.isAccepted()) {
                        samples.expect(() -> e.sample().messagesFormat());
                        alpaca.expect(() -> e.sample().alpacaFormat());
                    } else {
                        rejected.expect(() -> rejectedLine(e));
                    }
                });
            }
        }
        samples.check();
        alpaca.check();
        rejected.check();
        return new OutputFiles(done, dir, sync);
    }

    /**
     * Returns the ids of the records done (accepted or rejected), in journal order.
     *
     * @return the ids
     */
    public Set<String> done() {
        return done;
    }

    /**
     * Writes one finished record: its journal line, then its sample or rejection lines.
     *
     * @param e the entry
     * @throws IOException when writing fails
     */
    public synchronized void write(JournalEntry e) throws IOException {
        write(journal, Jsonl.toLine(e));
        if (sync) {
            journal.force(false);
        }
        if (e.isAccepted()) {
            write(samples, Jsonl.toLine(e.sample().messagesFormat()));
            write(alpaca, Jsonl.toLine(e.sample().alpacaFormat()));
        } else {
            write(rejected, Jsonl.toLine(rejectedLine(e)));
        }
        done.add(e.id());
    }

    @Override
    public synchronized void close() throws IOException {
        try (journal; samples; alpaca; rejected) {
            // closes all four, reporting the first failure
        }
    }

    /** The rejected file's line: id, reasons, the last answer and the provenance. */
    static Map<String, Object> rejectedLine(JournalEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("reasons", e.reasons());
        m.put("lastAnswer", e.lastAnswer());
        m.put("provenance", e.provenance());
        return m;
    }

    private static FileChannel append(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static void write(FileChannel ch, byte[] line) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Cuts a file after its last newline: a line without one is what a crash mid-write leaves. */
    private static long dropPartialLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                ch.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                LOG.warn("{}: dropping a partial last line of {} bytes left by an interrupted run", file, size - end);
                ch.truncate(end);
            }
            return end;
        }
    }

    /**
     * Brings one sample file level with the journal: told each line the journal implies, in order, it appends those
     * past the file's end, which a crash kept from being written.
     */
    private static final class Repair implements AutoCloseable {
        private final Path file;
        private final long have;
        private long expected;
        private FileChannel out;

        Repair(Path file) throws IOException {
            this.file = file;
            dropPartialLine(file);
            long lines = 0;
            if (Files.exists(file)) {
                try (var in = Files.lines(file, java.nio.charset.StandardCharsets.UTF_8)) {
                    lines = in.count();
                }
            }
            this.have = lines;
        }

        void expect(java.util.function.Supplier<Object> line) throws IOException {
            if (expected++ >= have) {
                if (out == null) {
                    LOG.info("{}: restoring lines from the journal", file);
                    out = append(file);
                }
                write(out, Jsonl.toLine(line.get()));
            }
        }

        void check() {
            if (have > expected) {
                throw new MalformedDataException(file.toString(), expected + 1, null, "has " + have
                        + " lines but the journal " + RECORDS + " accounts for " + expected
                        + "; the folder holds files of another run");
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }
    }
}
