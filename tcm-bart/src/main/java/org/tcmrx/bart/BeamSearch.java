package org.tcmrx.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.tcmrx.bart.internal.Scope;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * Beam search over one input with the KV cache, following Hugging Face's {@code generate(num_beams=W)} with
 * {@code early_stopping=False}: each step scores every allowed continuation of every live hypothesis, takes the best
 * {@code 2W}, moves those that end in EOS (and rank among the first {@code W}) to the finished set, and keeps the first
 * {@code W} others alive; the search stops when {@code W} hypotheses have finished and no live one can beat the worst
 * of them at its current length, or at the length limit.
 */
final class BeamSearch {
    private final BartModel model;
    private final int numBeams;
    private final int maxNewTokens;
    private final double lengthPenalty;
    private final TokenConstraint constraint;

    BeamSearch(BartModel model, int numBeams, int maxNewTokens, double lengthPenalty, TokenConstraint constraint) {
        if (numBeams < 1) {
            throw new IllegalArgumentException("numBeams must be at least 1, got " + numBeams);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (!Double.isFinite(lengthPenalty)) {
            throw new IllegalArgumentException("lengthPenalty must be finite, got " + lengthPenalty);
        }
        this.model = model;
        this.numBeams = numBeams;
        this.maxNewTokens = maxNewTokens;
        this.lengthPenalty = lengthPenalty;
        this.constraint = constraint;
    }

    /** A live hypothesis: its tokens and summed log probability. */
    private record Live(long[] tokens, double logProb) {}

    /** A scored continuation: parent hypothesis, token and the new summed log probability. */
    private record Candidate(int parent, int token, double logProb) {}

    List<BeamHypothesis> run(NDArray inputIds, NDArray attentionMask) {
        if (inputIds.getShape().dimension() != 2 || inputIds.getShape().get(0) != 1) {
            throw new IllegalArgumentException("beam search takes one input, [1, S]; got " + inputIds.getShape());
        }
        long eos = model.config().eosTokenId();
        List<Live> alive = List.of(new Live(new long[0], 0));
        List<BeamHypothesis> finished = new ArrayList<>();
        try (NDManager generation = inputIds.getManager().newSubManager();
                BartCache cache = model.newCache(generation)) {
            NDArray encoded = Scope.into(generation, model.encode(inputIds, attentionMask)); // [1, S, C]
            NDArray mask = attentionMask; // [1, S]
            for (int step = 0; step < maxNewTokens && !alive.isEmpty(); step++) {
                float[] logits = nextLogits(generation, alive, encoded, mask, cache); // [n * V]
                List<Candidate> best = topCandidates(alive, logits, finished);
                List<Live> next = new ArrayList<>(numBeams);
                long[] parents = new long[numBeams];
                for (int rank = 0; rank < best.size() && next.size() < numBeams; rank++) {
                    Candidate c = best.get(rank);
                    long[] tokens = append(alive.get(c.parent()).tokens(), c.token());
                    if (c.token() == eos) {
                        if (rank < numBeams) {
                            addFinished(finished, new BeamHypothesis(tokens, c.logProb(),
                                    normalized(c.logProb(), tokens.length), true));
                        }
                    } else {
                        parents[next.size()] = c.parent();
                        next.add(new Live(tokens, c.logProb()));
                    }
                }
                alive = next;
                if (alive.isEmpty() || step + 1 == maxNewTokens || done(finished, alive, step + 1)) {
                    break;
                }
                try (NDManager s = generation.newSubManager()) {
                    NDArray index = NativeArrays.longs(s, Arrays.copyOf(parents, alive.size()),
                            new Shape(alive.size())); // [n']
                    cache.kv().reorder(index);
                    NDArray oldEncoded = encoded;
                    encoded = Scope.into(generation, encoded.get(new NDIndex("{}", index))); // [n', S, C]
                    NDArray oldMask = mask;
                    mask = Scope.into(generation, mask.get(new NDIndex("{}", index))); // [n', S]
                    oldEncoded.close();
                    if (oldMask != attentionMask) {
                        oldMask.close();
                    }
                }
            }
        }
        for (Live l : alive) {
            addFinished(finished, new BeamHypothesis(l.tokens(), l.logProb(), normalized(l.logProb(),
                    l.tokens().length), false));
        }
        finished.sort(Comparator.comparingDouble(BeamHypothesis::score).reversed());
        return List.copyOf(finished.subList(0, Math.min(numBeams, finished.size())));
    }

    /** One decoder step for every live hypothesis: logits of the last position, {@code [n, V]} row-major. */
    private float[] nextLogits(NDManager generation, List<Live> alive, NDArray encoded, NDArray mask,
            BartCache cache) {
        long[] last = new long[alive.size()];
        for (int i = 0; i < last.length; i++) {
            long[] t = alive.get(i).tokens();
            last[i] = t.length == 0 ? model.config().decoderStartTokenId() : t[t.length - 1];
        }
        try (NDManager step = generation.newSubManager()) {
            NDArray ids = NativeArrays.longs(step, last, new Shape(last.length, 1)); // [n, 1]
            return model.decode(ids, encoded, mask, cache).toFloatArray(); // [n, 1, V]
        }
    }

    /**
     * The best {@code 2W} continuations, best first. A hypothesis the constraint leaves without any token ends
     * there, unfinished.
     */
    private List<Candidate> topCandidates(List<Live> alive, float[] logits, List<BeamHypothesis> finished) {
        int vocab = logits.length / alive.size();
        int keep = 2 * numBeams;
        PriorityQueue<Candidate> heap = new PriorityQueue<>(Comparator.comparingDouble(Candidate::logProb));
        boolean[] allowed = new boolean[vocab];
        for (int i = 0; i < alive.size(); i++) {
            Live live = alive.get(i);
            Arrays.fill(allowed, true);
            if (constraint != null) {
                constraint.restrict(live.tokens(), allowed);
            }
            int offset = i * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < vocab; t++) {
                if (allowed[t]) {
                    max = Math.max(max, logits[offset + t]);
                }
            }
            if (max == Double.NEGATIVE_INFINITY) {
                addFinished(finished, new BeamHypothesis(live.tokens(), live.logProb(),
                        normalized(live.logProb(), live.tokens().length), false));
                continue;
            }
            double sum = 0;
            for (int t = 0; t < vocab; t++) {
                if (allowed[t]) {
                    sum += Math.exp(logits[offset + t] - max);
                }
            }
            double logZ = max + Math.log(sum); // log-sum-exp over the allowed tokens
            for (int t = 0; t < vocab; t++) {
                if (allowed[t]) {
                    double lp = live.logProb() + logits[offset + t] - logZ;
                    if (heap.size() < keep) {
                        heap.add(new Candidate(i, t, lp));
                    } else if (lp > heap.peek().logProb()) {
                        heap.poll();
                        heap.add(new Candidate(i, t, lp));
                    }
                }
            }
        }
        List<Candidate> best = new ArrayList<>(heap);
        best.sort(Comparator.comparingDouble(Candidate::logProb).reversed()
                .thenComparingInt(Candidate::parent).thenComparingInt(Candidate::token));
        return best;
    }

    /** Keeps the {@code W} best finished hypotheses. */
    private void addFinished(List<BeamHypothesis> finished, BeamHypothesis h) {
        finished.add(h);
        if (finished.size() > numBeams) {
            finished.sort(Comparator.comparingDouble(BeamHypothesis::score).reversed());
            finished.remove(finished.size() - 1);
        }
    }

    /** Hugging Face's stop rule for {@code early_stopping=False}: the best live score at the current length. */
    private boolean done(List<BeamHypothesis> finished, List<Live> alive, int length) {
        if (finished.size() < numBeams) {
            return false;
        }
        double worst = finished.stream().mapToDouble(BeamHypothesis::score).min().orElseThrow();
        double bestLive = alive.stream().mapToDouble(Live::logProb).max().orElseThrow();
        return worst >= normalized(bestLive, length);
    }

    private double normalized(double logProb, int length) {
        return logProb / Math.pow(Math.max(1, length), lengthPenalty);
    }

    private static long[] append(long[] tokens, long token) {
        long[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = token;
        return out;
    }
}
