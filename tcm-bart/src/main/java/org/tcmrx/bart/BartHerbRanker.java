package org.tcmrx.bart;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Provenance;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.Json;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * A BART trained symptom → herb as a {@link HerbRanker}: the encoder reads the query's findings, and the decoder's
 * distributions over herb tokens (never over findings or specials, never a herb twice) score the herbs.
 *
 * <p>A model folder holds {@code config.json} and {@code model.safetensors} (Hugging Face's layout), the
 * {@link HerbTokenizer} files, and {@code provenance.json}. Ranking calls are serialised: libtorch already uses every
 * core within one call.
 */
public final class BartHerbRanker implements HerbRanker, AutoCloseable {
    /** The provenance file of a model folder. */
    public static final String PROVENANCE_FILE = "provenance.json";
    /** The beam width of {@link HerbScoring#BEAM}. */
    public static final int BEAMS = 4;
    /**
     * The weight of the first-step probability in {@link HerbScoring#BEAM} scores: small enough never to reorder
     * herbs whose beam shares differ by more than one in a million.
     */
    public static final double FIRST_STEP_WEIGHT = 1e-6;

    private final BartModel model;
    private final HerbTokenizer tokenizer;
    private final HerbScoring scoring;
    private final NDManager manager;
    private final AutoCloseable owned;

    private BartHerbRanker(BartModel model, HerbTokenizer tokenizer, HerbScoring scoring, AutoCloseable owned) {
        if (model.config().vocabSize() != tokenizer.size()) {
            throw new IllegalArgumentException("the model's vocab_size " + model.config().vocabSize()
                    + " differs from the tokenizer's " + tokenizer.size() + " tokens");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.scoring = Checks.notNull(scoring, "scoring");
        this.manager = NDManager.newBaseManager(model.device());
        this.owned = owned;
    }

    /** A ranker over a model someone else owns (closing it closes only its own scratch manager). */
    static BartHerbRanker view(BartModel model, HerbTokenizer tokenizer, HerbScoring scoring) {
        return new BartHerbRanker(model, tokenizer, scoring, null);
    }

    /** A ranker that owns the model and one more resource (the trained parameters' store). */
    static BartHerbRanker owning(BartModel model, HerbTokenizer tokenizer, HerbScoring scoring,
            AutoCloseable extra) {
        return new BartHerbRanker(model, tokenizer, scoring, () -> {
            try (AutoCloseable e = extra; BartModel m = model) {
                // closes the model, then the extra resource
            }
        });
    }

    /**
     * Wraps a model and its tokenizer; the ranker closes the model when it is closed.
     *
     * @param model a BART whose vocabulary is the tokenizer's
     * @param tokenizer the tokenizer it was trained with
     * @param scoring how herbs are scored
     * @return the ranker
     * @throws IllegalArgumentException when the vocabulary sizes differ
     */
    public static BartHerbRanker of(BartModel model, HerbTokenizer tokenizer, HerbScoring scoring) {
        return new BartHerbRanker(Checks.notNull(model, "model"), Checks.notNull(tokenizer, "tokenizer"), scoring,
                model);
    }

    /**
     * Loads a ranker saved by {@link #save(Path, Provenance)}.
     *
     * @param dir the model folder
     * @param scoring how herbs are scored
     * @param device where the weights go
     * @return the ranker
     * @throws IOException when a file cannot be read
     */
    public static BartHerbRanker load(Path dir, HerbScoring scoring, Device device) throws IOException {
        HerbTokenizer tokenizer = HerbTokenizer.load(dir);
        BartModel model = BartModel.load(dir, device);
        try {
            return new BartHerbRanker(model, tokenizer, scoring, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Writes the model, the tokenizer and the provenance into a folder.
     *
     * @param dir the folder, created when missing
     * @param provenance what produced the model
     * @throws IOException when writing fails
     */
    public void save(Path dir, Provenance provenance) throws IOException {
        model.save(dir);
        tokenizer.save(dir);
        AtomicFiles.writeString(dir.resolve(PROVENANCE_FILE),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(provenance) + "\n");
    }

    @Override
    public synchronized Ranking rank(Query query, int k) {
        Checks.notNull(query, "query");
        Checks.positiveK(k);
        int herbs = tokenizer.size() - tokenizer.herbStart();
        int wanted = Math.min(k, herbs);
        double[] scores = new double[herbs];
        try (NDManager scope = manager.newSubManager()) {
            int[] ids = tokenizer.encodeQuery(query);
            NDArray inputIds = NativeArrays.longs(scope, Arrays.stream(ids).asLongStream().toArray(),
                    new Shape(1, ids.length));
            NDArray mask = scope.ones(new Shape(1, ids.length), ai.djl.ndarray.types.DataType.INT64);
            NDArray encoded = model.encode(inputIds, mask); // [1, S, C]
            switch (scoring) {
                case FIRST_STEP -> {
                    float[] p = firstStep(scope, encoded, mask);
                    for (int h = 0; h < herbs; h++) {
                        scores[h] = p[h];
                    }
                }
                case GREEDY -> greedySequence(scope, encoded, mask, wanted, scores);
                case BEAM -> beamShares(scope, inputIds, mask, encoded, wanted, scores);
            }
        }
        return top(scores, wanted);
    }

    /**
     * Writes BART's prescription for a query: greedy decoding with the key/value cache, herb tokens and EOS only,
     * no herb twice, until EOS or {@code maxHerbs} herbs. EOS is not allowed at the first step, so there is always
     * at least one herb, and the first is the top herb of {@link HerbScoring#GREEDY} ranking. Each step takes the
     * allowed token with the largest logit, the lowest id on a tie (so EOS wins a tie with a herb). Unlike
     * {@link #rank(Query, int)}, the length is the model's choice: this is the set of herbs BART would prescribe,
     * in the order it writes them, whatever the ranker's {@link #scoring()}.
     *
     * @param query the patient's findings
     * @param maxHerbs the most herbs to write, at least 1; the vocabulary's size bounds it too
     * @return the herbs, in the order generated, at least one, no herb twice
     * @throws IllegalArgumentException when the query is null or {@code maxHerbs < 1}
     */
    public synchronized List<Herb> prescribe(Query query, int maxHerbs) {
        Checks.notNull(query, "query");
        if (maxHerbs < 1) {
            throw new IllegalArgumentException("maxHerbs must be at least 1, got " + maxHerbs);
        }
        int herbStart = tokenizer.herbStart();
        int limit = Math.min(maxHerbs, tokenizer.size() - herbStart);
        int eos = Math.toIntExact(model.config().eosTokenId());
        boolean[] emitted = new boolean[tokenizer.size()];
        List<Herb> herbs = new ArrayList<>(limit);
        try (NDManager scope = manager.newSubManager()) {
            int[] ids = tokenizer.encodeQuery(query);
            NDArray inputIds = NativeArrays.longs(scope, Arrays.stream(ids).asLongStream().toArray(),
                    new Shape(1, ids.length));
            NDArray mask = scope.ones(new Shape(1, ids.length), ai.djl.ndarray.types.DataType.INT64);
            NDArray encoded = model.encode(inputIds, mask); // [1, S, C]
            try (BartCache cache = model.newCache(scope)) {
                long next = model.config().decoderStartTokenId();
                while (herbs.size() < limit) {
                    float[] logits = lastLogits(scope, encoded, mask, cache, next); // [V]
                    int best = -1;
                    for (int t = herbStart; t < logits.length; t++) {
                        if (!emitted[t] && (best < 0 || logits[t] > logits[best])) {
                            best = t;
                        }
                    }
                    // EOS has a lower id than every herb, so it wins a tie.
                    if (!herbs.isEmpty() && logits[eos] >= logits[best]) {
                        break;
                    }
                    emitted[best] = true;
                    herbs.add(tokenizer.herb(best));
                    next = best;
                }
            }
        }
        return List.copyOf(herbs);
    }

    /**
     * Greedy decoding without repeats: the herb emitted at step {@code t} (of {@code steps}) scores
     * {@code steps - t}, so the ranking is the greedy sequence; herbs never emitted score 0.
     */
    private void greedySequence(NDManager scope, NDArray encoded, NDArray mask, int steps, double[] scores) {
        boolean[] emitted = new boolean[scores.length];
        try (BartCache cache = model.newCache(scope)) {
            long next = model.config().decoderStartTokenId();
            for (int step = 0; step < steps; step++) {
                float[] p = herbProbabilities(decodeOne(scope, encoded, mask, cache, next));
                int best = -1;
                for (int h = 0; h < p.length; h++) {
                    if (!emitted[h] && (best < 0 || p[h] > p[best])) {
                        best = h;
                    }
                }
                emitted[best] = true;
                scores[best] = steps - step;
                next = tokenizer.herbStart() + best;
            }
        }
    }

    /** The first decoder step's distribution over the herbs. */
    private float[] firstStep(NDManager scope, NDArray encoded, NDArray mask) {
        return herbProbabilities(decodeOne(scope, encoded, mask, null, model.config().decoderStartTokenId()));
    }

    /** {@link HerbScoring#BEAM}: each herb's posterior share of the beam's hypotheses, ties by the first step. */
    private void beamShares(NDManager scope, NDArray inputIds, NDArray mask, NDArray encoded, int wanted,
            double[] scores) {
        int herbStart = tokenizer.herbStart();
        long eos = model.config().eosTokenId();
        TokenConstraint herbsOnce = (prefix, allowed) -> {
            for (int t = 0; t < herbStart; t++) {
                allowed[t] = t == eos;
            }
            for (long t : prefix) {
                allowed[(int) t] = false;
            }
        };
        List<BeamHypothesis> hypotheses = model.beamSearch(inputIds, mask, BEAMS, wanted + 1, 1.0, herbsOnce);
        double max = hypotheses.stream().mapToDouble(BeamHypothesis::score).max().orElse(0);
        double total = hypotheses.stream().mapToDouble(h -> Math.exp(h.score() - max)).sum();
        for (BeamHypothesis h : hypotheses) {
            double share = Math.exp(h.score() - max) / total;
            for (long t : h.tokens()) {
                if (t >= herbStart) {
                    scores[(int) t - herbStart] += share;
                }
            }
        }
        float[] first = firstStep(scope, encoded, mask);
        for (int i = 0; i < scores.length; i++) {
            scores[i] += FIRST_STEP_WEIGHT * first[i];
        }
    }

    /** Runs one decoder step and returns the logits of the last position, {@code [V]}, as floats. */
    private float[] decodeOne(NDManager scope, NDArray encoded, NDArray mask, BartCache cache, long token) {
        try (NDManager step = scope.newSubManager()) {
            NDArray input = NativeArrays.longs(step, new long[] {token}, new Shape(1, 1));
            NDArray logits = model.decode(input, encoded, mask, cache); // [1, 1, V]
            return logits.get(new NDIndex("0, -1, {}:", tokenizer.herbStart())).toFloatArray();
        }
    }

    /** Runs one decoder step and returns the logits of the last position over the whole vocabulary, {@code [V]}. */
    private float[] lastLogits(NDManager scope, NDArray encoded, NDArray mask, BartCache cache, long token) {
        try (NDManager step = scope.newSubManager()) {
            NDArray input = NativeArrays.longs(step, new long[] {token}, new Shape(1, 1));
            NDArray logits = model.decode(input, encoded, mask, cache); // [1, 1, V]
            return logits.get(new NDIndex("0, -1, :")).toFloatArray();
        }
    }

    /** Softmax over the herb tokens only: findings and specials are never recommended. */
    private static float[] herbProbabilities(float[] herbLogits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : herbLogits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[herbLogits.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.exp(herbLogits[i] - max);
            sum += e[i];
        }
        float[] p = new float[e.length];
        for (int i = 0; i < e.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /** The best {@code k} herbs, ties by token id (that is, by training frequency). */
    private Ranking top(double[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : a - b);
        List<ScoredHerb> entries = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            entries.add(new ScoredHerb(tokenizer.herb(tokenizer.herbStart() + order[i]), scores[order[i]]));
        }
        return new Ranking(entries);
    }

    /**
     * Returns the model.
     *
     * @return the model
     */
    public BartModel model() {
        return model;
    }

    /**
     * Returns the tokenizer.
     *
     * @return the tokenizer
     */
    public HerbTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Returns how herbs are scored.
     *
     * @return the scoring
     */
    public HerbScoring scoring() {
        return scoring;
    }

    @Override
    public String name() {
        return "BART";
    }

    @Override
    public void close() {
        manager.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing the ranker's model failed", e);
            }
        }
    }
}
