package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.DataSource;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.ExplainingHerbRanker;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.safety.SafetyChecker;

/**
 * Evaluates a {@link HerbRanker} on a split: asks it once per case for the longest list any metric needs, scores
 * the list with {@link Metrics} at every cut-off, and averages over cases.
 *
 * <p>Cases are ranked in parallel on a pool of {@code threads} threads that take small chunks of consecutive cases
 * in turn; results land in split order, so the result does not depend on the number of threads. The evaluator is
 * immutable and may be shared.
 */
public final class RankerEvaluator {
    /** The default cut-off of the safety check. */
    public static final int DEFAULT_SAFETY_K = 10;
    /** Cases per unit of work: small enough to balance slow rankers, large enough to keep hand-over cheap. */
    private static final int MAX_CHUNK = 64;

    private final List<Integer> ks;
    private final PrecisionConvention convention;
    private final int threads;
    private final Progress progress;
    private final int smgcnListLength;
    private final SafetyChecker safetyChecker;
    private final int safetyK;
    private final AnswerFaithfulness faithfulness;

    private RankerEvaluator(Builder b) {
        this.ks = b.ks;
        this.convention = b.convention;
        this.threads = b.threads;
        this.progress = b.progress;
        this.smgcnListLength = b.smgcnListLength;
        this.safetyChecker = b.safetyChecker;
        this.safetyK = b.safetyK;
        this.faithfulness = b.faithfulness;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the cut-offs.
     *
     * @return the cut-offs, ascending
     */
    public List<Integer> ks() {
        return ks;
    }

    /**
     * Returns how many herbs each case is asked for: the largest cut-off, or SMGCN's list length when that is longer
     * (its NDCG reads the whole top-{@code L} list whatever K is).
     *
     * @return the depth of each ranking request
     */
    public int depth() {
        return Math.max(ks.get(ks.size() - 1), smgcnListLength);
    }

    /**
     * Evaluates a ranker on a split of a data set, recording the data set's files in the provenance.
     *
     * @param ranker the ranker, safe to call from several threads
     * @param dataset the data set
     * @param split the split's name, e.g. {@link Dataset#TEST}
     * @return the result
     * @throws IllegalArgumentException when the split does not exist or is empty
     * @throws EvaluationException when the ranker fails on a case; the first failing case in split order is named
     */
    public EvaluationResult evaluate(HerbRanker ranker, Dataset dataset, String split) {
        Checks.notNull(dataset, "dataset");
        return evaluate(ranker, dataset.split(split), dataset.sources());
    }

    /**
     * Evaluates a ranker on a split.
     *
     * @param ranker the ranker, safe to call from several threads
     * @param split the cases
     * @return the result
     * @throws IllegalArgumentException when the split is empty
     * @throws EvaluationException when the ranker fails on a case; the first failing case in split order is named
     */
    public EvaluationResult evaluate(HerbRanker ranker, CaseSet split) {
        return evaluate(ranker, split, List.of());
    }

    private EvaluationResult evaluate(HerbRanker ranker, CaseSet split, List<DataSource> sources) {
        Checks.notNull(ranker, "ranker");
        Checks.notNull(split, "split");
        int n = split.size();
        if (n == 0) {
            throw new IllegalArgumentException("split '" + split.name() + "' has no cases");
        }
        String name = ranker.name();
        long start = System.nanoTime();
        CaseResult[] results = new CaseResult[n];
        progress.start("evaluating " + name + " on " + split.name(), n);
        try {
            if (threads == 1 || n <= MAX_CHUNK) {
                for (int i = 0; i < n; i++) {
                    results[i] = scoreCase(ranker, name, split.get(i));
                    progress.advance(1);
                }
            } else {
                runParallel(ranker, name, split, results);
            }
        } finally {
            progress.finish();
        }
        List<CaseResult> cases = Arrays.asList(results);
        List<AggregateRow> rows = new ArrayList<>(ks.size());
        for (int i = 0; i < ks.size(); i++) {
            List<CaseMetrics> atK = new ArrayList<>(n);
            for (CaseResult c : cases) {
                atK.add(c.metrics().get(i));
            }
            rows.add(AggregateRow.of(ks.get(i), atK));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Provenance provenance = Provenance.builder(getClass().getSimpleName())
                .addParameter("ranker", name)
                .addParameter("split", split.name())
                .addParameter("cases", n)
                .addParameter("ks", ks)
                .addParameter("convention", convention)
                .addParameter("smgcnListLength", smgcnListLength)
                .addParameter("depth", depth())
                .addParameter("threads", threads)
                .addParameter("safetyK", safetyChecker == null ? 0 : safetyK)
                .addParameter("safetyRules", safetyChecker == null ? "" : safetyChecker.rules().toString())
                .addData(sources)
                .build();
        SafetySummary safety = safetyChecker == null ? null : SafetySummary.ofRuleIds(name, safetyK,
                cases.stream().map(CaseResult::safety).toList(), safetyChecker);
        List<FaithfulnessCase> checked = cases.stream().map(CaseResult::faithfulness)
                .filter(Objects::nonNull).toList();
        FaithfulnessSummary faithful = checked.isEmpty() ? null : FaithfulnessSummary.of(checked);
        return new EvaluationResult(name, split.name(), ks, convention, smgcnListLength, n, rows, cases, millis,
                provenance, safety, faithful);
    }

    /**
     * Workers take chunks in increasing order; a worker stops at the first case it fails on, and every worker
     * stops past the earliest failure seen so far, so the failure reported is always the first in split order.
     */
    private void runParallel(HerbRanker ranker, String name, CaseSet split, CaseResult[] results) {
        int n = split.size();
        int chunk = Math.max(1, Math.min(MAX_CHUNK, n / (threads * 8)));
        int chunks = (n + chunk - 1) / chunk;
        int workers = Math.min(threads, chunks);
        AtomicInteger nextChunk = new AtomicInteger();
        AtomicInteger firstFailure = new AtomicInteger(Integer.MAX_VALUE);
        EvaluationException[] failures = new EvaluationException[n];
        Runnable worker = () -> {
            for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
                for (int i = c * chunk, end = Math.min(n, i + chunk); i < end; i++) {
                    if (i > firstFailure.get()) {
                        return;
                    }
                    try {
                        results[i] = scoreCase(ranker, name, split.get(i));
                    } catch (EvaluationException e) {
                        failures[i] = e;
                        firstFailure.accumulateAndGet(i, Math::min);
                        return;
                    }
                    progress.advance(1);
                }
            }
        };
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "tcmrx-eval-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(worker));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("evaluation of " + name + " on " + split.name() + " was interrupted");
        } catch (ExecutionException e) {
            // The worker catches the ranker's exceptions; anything here is an Error or a bug, passed on unchanged.
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        int failed = firstFailure.get();
        if (failed != Integer.MAX_VALUE) {
            throw failures[failed];
        }
    }

    private CaseResult scoreCase(HerbRanker ranker, String name, ClinicalCase c) {
        int depth = depth();
        Ranking ranking;
        String answer = null;
        try {
            if (ranker instanceof ExplainingHerbRanker explaining) {
                ExplainingHerbRanker.Explained explained = explaining.rankExplained(c.query(), depth);
                ranking = explained == null ? null : explained.ranking();
                answer = explained == null ? null : explained.answer();
            } else {
                ranking = ranker.rank(c, depth);
            }
        } catch (RuntimeException e) {
            throw new EvaluationException(name, c.id(), String.valueOf(e), e);
        }
        if (ranking == null) {
            throw new EvaluationException(name, c.id(), "returned null instead of a ranking", null);
        }
        int size = ranking.size();
        if (size > depth) {
            throw new EvaluationException(name, c.id(),
                    "returned " + size + " herbs, more than the " + depth + " asked for", null);
        }
        // Ranking guarantees distinct herbs and the prescription a non-empty truth, so no check is repeated here.
        Set<Herb> truth = c.prescription().herbSet();
        boolean[] rel = Metrics.relevanceUnchecked(ranking.herbs(), truth, depth);
        List<String> safety = List.of();
        if (safetyChecker != null) {
            safety = safetyChecker.check(ranking, safetyK).stream().map(f -> f.rule().id()).distinct().toList();
        }
        FaithfulnessCase faithful = answer != null && faithfulness != null ? faithfulness.check(answer) : null;
        return new CaseResult(c.id(), truth.size(), size,
                Metrics.score(rel, truth.size(), ks, convention, smgcnListLength), safety, answer, faithful);
    }

    /** Builds a {@link RankerEvaluator}; every setting is optional. */
    public static final class Builder {
        private int[] requestedKs = {5, 10, 20, 30};
        private List<Integer> ks;
        private PrecisionConvention convention = PrecisionConvention.DIVIDE_BY_K;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Progress progress = Progress.NONE;
        private int smgcnListLength = Metrics.SMGCN_LIST_LENGTH;
        private SafetyChecker safetyChecker;
        private int safetyK = DEFAULT_SAFETY_K;
        private AnswerFaithfulness faithfulness;

        private Builder() {}

        /**
         * Checks the answers of rankers that write one ({@link ExplainingHerbRanker}) for faithfulness, recording
         * each case's check ({@link CaseResult#faithfulness()}) and a summary
         * ({@link EvaluationResult#faithfulness()}); default no check. The answers themselves are kept either way
         * ({@link CaseResult#answer()}).
         *
         * @param faithfulness the checker, or null for no check
         * @return this builder
         */
        public Builder optFaithfulness(AnswerFaithfulness faithfulness) {
            this.faithfulness = faithfulness;
            return this;
        }

        /**
         * Checks each ranker's top-K lists against safety rules, recording the rules each case's list triggers
         * ({@link CaseResult#safety()}) and a summary ({@link EvaluationResult#safety()}); default no check.
         *
         * @param checker the checker, or null for no check
         * @return this builder
         */
        public Builder optSafetyChecker(SafetyChecker checker) {
            this.safetyChecker = checker;
            return this;
        }

        /**
         * Sets the cut-off of the lists the safety check reads; default {@value RankerEvaluator#DEFAULT_SAFETY_K}.
         *
         * @param k at least 1
         * @return this builder
         */
        public Builder optSafetyK(int k) {
            this.safetyK = k;
            return this;
        }

        /**
         * Sets the cut-offs; default 5, 10, 20, 30 (the K values of SMGCN, KDHR and their successors together).
         *
         * @param ks distinct cut-offs, each at least 1, in any order
         * @return this builder
         */
        public Builder optKs(int... ks) {
            this.requestedKs = Checks.notNull(ks, "ks").clone();
            return this;
        }

        /**
         * Sets the precision convention; default {@link PrecisionConvention#DIVIDE_BY_K}, the literature's.
         *
         * @param convention the convention
         * @return this builder
         */
        public Builder optConvention(PrecisionConvention convention) {
            this.convention = convention;
            return this;
        }

        /**
         * Sets the number of threads ranking cases; default the number of available processors.
         *
         * @param threads at least 1; 1 ranks on the calling thread
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Sets where progress goes, one step per case; default {@link Progress#NONE}.
         *
         * @param progress the progress
         * @return this builder
         */
        public Builder optProgress(Progress progress) {
            this.progress = progress;
            return this;
        }

        /**
         * Sets the list length {@code L} of SMGCN's NDCG; default {@value Metrics#SMGCN_LIST_LENGTH}, SMGCN's own.
         *
         * @param smgcnListLength at least 1
         * @return this builder
         * @see Metrics#ndcgSmgcn(List, Set, int, int)
         */
        public Builder optSmgcnListLength(int smgcnListLength) {
            this.smgcnListLength = smgcnListLength;
            return this;
        }

        /**
         * Validates the settings and builds the evaluator.
         *
         * @return the evaluator
         * @throws IllegalArgumentException when a cut-off is below 1 or repeated, or a setting is invalid
         */
        public RankerEvaluator build() {
            int[] sorted = requestedKs.clone();
            Arrays.sort(sorted);
            if (sorted.length == 0) {
                throw new IllegalArgumentException("ks must not be empty");
            }
            List<Integer> list = new ArrayList<>(sorted.length);
            for (int i = 0; i < sorted.length; i++) {
                Checks.positiveK(sorted[i]);
                if (i > 0 && sorted[i] == sorted[i - 1]) {
                    throw new IllegalArgumentException("ks contains " + sorted[i] + " twice");
                }
                list.add(sorted[i]);
            }
            ks = List.copyOf(list);
            Checks.notNull(convention, "convention");
            Checks.notNull(progress, "progress");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            Metrics.checkListLength(smgcnListLength);
            if (safetyK < 1) {
                throw new IllegalArgumentException("safetyK must be at least 1, got " + safetyK);
            }
            return new RankerEvaluator(this);
        }
    }
}
