package org.tcmrx.distill;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.distill.internal.JournalEntry;
import org.tcmrx.distill.internal.OutputFiles;

/**
 * Distills records into a folder, append-only and resumable. The folder holds
 * <ul>
 *   <li>{@code samples.jsonl}: accepted samples in the chat format
 *       ({@code {"messages":[{"role":"user",…},{"role":"assistant",…}]}}, what TRL, LLaMA-Factory and
 *       {@code SftJsonl} read);
 *   <li>{@code samples.alpaca.jsonl}: the same samples as {@code {"instruction","input","output"}};
 *   <li>{@code rejected.jsonl}: rejected records with their reasons, last answer and provenance;
 *   <li>{@code records.jsonl}: one line per finished record with its id, status, sample or reasons and its
 *       {@link SampleProvenance} (teacher, model, template hash, time, seed, attempts, tokens): the provenance of
 *       the sample files, kept apart because sample readers reject unknown fields (the n-th line of
 *       {@code samples.jsonl} is the n-th accepted line of {@code records.jsonl});
 *   <li>{@code summary.json}: the run's {@link Provenance} and {@link DistillSummary}, rewritten atomically at the
 *       end.
 * </ul>
 * A run skips the records the folder already has. Killed at any moment (even {@code kill -9}), the folder loses no
 * finished record and a re-run duplicates none: see {@code OutputFiles}. A record whose teacher fails with an
 * {@link IOException} is not written and is counted as failed; the next run asks again.
 */
public final class DistillRun {
    private static final Logger LOG = LoggerFactory.getLogger(DistillRun.class);

    private final Distiller distiller;
    private final Path out;
    private final int concurrency;
    private final Progress progress;
    private final DistillListener listener;
    private final boolean sync;
    private final List<DataSource> sources;

    private DistillRun(Builder b) {
        this.distiller = b.distiller;
        this.out = b.out;
        this.concurrency = b.concurrency;
        this.progress = b.progress;
        this.listener = b.listener;
        this.sync = b.sync;
        this.sources = List.copyOf(b.sources);
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Distills the records the folder does not have yet.
     *
     * @param records the records, no id twice
     * @return the counts of this run
     * @throws IOException when the output cannot be written
     * @throws IllegalArgumentException when the records are null or an id appears twice
     * @throws org.tcmrx.core.MalformedDataException when the folder's files are not a run's
     */
    public DistillSummary run(List<ClinicalCase> records) throws IOException {
        if (records == null) {
            throw new IllegalArgumentException("records must not be null");
        }
        Set<String> ids = new HashSet<>();
        for (ClinicalCase r : records) {
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("records: id '" + r.id() + "' appears twice");
            }
        }
        long startNanos = System.nanoTime();
        try (OutputFiles files = OutputFiles.open(out, sync)) {
            List<ClinicalCase> todo = records.stream().filter(r -> !files.done().contains(r.id())).toList();
            Counts counts = new Counts(records.size(), records.size() - todo.size(), startNanos);
            if (counts.skipped > 0) {
                LOG.info("{} of {} records already done in {}; distilling the other {}", counts.skipped,
                        records.size(), out, todo.size());
            }
            progress.start("distilling " + todo.size() + " records", todo.size());
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "distill");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>(todo.size());
                for (ClinicalCase r : todo) {
                    futures.add(pool.submit(() -> {
                        one(r, files, counts);
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while distilling");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
                progress.finish();
            }
            DistillSummary summary = counts.summary();
            writeSummary(summary);
            LOG.info("distilled into {}: {}", out, summary.describe());
            return summary;
        }
    }

    private void one(ClinicalCase record, OutputFiles files, Counts counts) throws IOException {
        DistillResult result;
        try {
            result = distiller.distill(record);
        } catch (IOException e) {
            LOG.warn("record {}: teacher failed, left for the next run: {}", record.id(), e.getMessage());
            synchronized (counts) {
                counts.failed++;
                listener.recordDone(null, counts.summary());
            }
            progress.advance(1);
            return;
        }
        synchronized (counts) {
            files.write(JournalEntry.of(result));
            SampleProvenance p = result.provenance();
            if (result.accepted()) {
                counts.accepted++;
            } else {
                counts.rejected++;
            }
            counts.retried += p.retries();
            counts.reAsked += p.attempts() > 1 ? 1 : 0;
            counts.usage = counts.usage.plus(p.usage());
            listener.recordDone(result, counts.summary());
        }
        progress.advance(1);
    }

    private void writeSummary(DistillSummary summary) throws IOException {
        Provenance.Builder p = Provenance.builder(DistillRun.class.getSimpleName()).addData(sources);
        distiller.describe().forEach(p::addParameter);
        p.addParameter("concurrency", concurrency);
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("provenance", p.build());
        json.put("summary", summary);
        AtomicFiles.writeString(out.resolve("summary.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }

    /** The running counts, guarded by their own lock. */
    private static final class Counts {
        final long records;
        final long skipped;
        final long startNanos;
        long accepted;
        long rejected;
        long failed;
        long retried;
        long reAsked;
        TokenUsage usage = TokenUsage.NONE;

        Counts(long records, long skipped, long startNanos) {
            this.records = records;
            this.skipped = skipped;
            this.startNanos = startNanos;
        }

        DistillSummary summary() {
            return new DistillSummary(records, skipped, accepted, rejected, failed, retried, reAsked, usage,
                    Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    /** Builds a {@link DistillRun}: {@code setDistiller} and {@code setOutput} are required. */
    public static final class Builder {
        private Distiller distiller;
        private Path out;
        private int concurrency = 1;
        private Progress progress = Progress.NONE;
        private DistillListener listener = DistillListener.NONE;
        private boolean sync;
        private List<DataSource> sources = List.of();

        private Builder() {}

        /**
         * Sets the distiller.
         *
         * @param distiller the distiller
         * @return this builder
         */
        public Builder setDistiller(Distiller distiller) {
            this.distiller = distiller;
            return this;
        }

        /**
         * Sets the output folder (created when needed; an existing run there is resumed).
         *
         * @param out the folder
         * @return this builder
         */
        public Builder setOutput(Path out) {
            this.out = out;
            return this;
        }

        /**
         * Sets how many records are distilled at once (default 1); a client's own limits still apply.
         *
         * @param concurrency at least 1
         * @return this builder
         */
        public Builder optConcurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Sets the progress receiver (default none).
         *
         * @param progress the progress
         * @return this builder
         */
        public Builder optProgress(Progress progress) {
            this.progress = progress;
            return this;
        }

        /**
         * Sets the listener told of each finished record (default none).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder optListener(DistillListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Forces each journal line to the disk before going on, so that even a power cut loses nothing (default
         * false: a killed process loses nothing either way).
         *
         * @param sync whether to sync
         * @return this builder
         */
        public Builder optSync(boolean sync) {
            this.sync = sync;
            return this;
        }

        /**
         * Names the data the records come from, for the summary's provenance.
         *
         * @param sources the data sources
         * @return this builder
         */
        public Builder optDataSources(List<DataSource> sources) {
            this.sources = sources;
            return this;
        }

        /**
         * Builds the run.
         *
         * @return the run
         * @throws IllegalArgumentException naming the setting that is missing or out of range
         */
        public DistillRun build() {
            if (distiller == null) {
                throw new IllegalArgumentException("distiller must be set");
            }
            if (out == null) {
                throw new IllegalArgumentException("output must be set");
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
            }
            if (progress == null || listener == null || sources == null) {
                throw new IllegalArgumentException("progress, listener and sources must not be null");
            }
            return new DistillRun(this);
        }
    }
}
