package org.tcmrx.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.Progress;
import org.tcmrx.core.internal.AtomicFiles;
import org.tcmrx.core.internal.Json;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.lora.LoraAdapter;
import org.tcmrx.lora.Qwen2Model;
import org.tcmrx.nn.internal.NativeArrays;

/**
 * The reference model's completion log-probabilities of every pair, computed once before training (no gradients,
 * no dropout) and kept in a JSON Lines cache: a header line with a fingerprint of the reference model, then one line
 * per pair keyed by a hash of its exact token sequences. A later run over the same model reuses every line whose
 * key it needs and computes only the pairs it lacks; a cache made for other weights (another fingerprint) is
 * recomputed, and an unreadable one is recomputed with a warning naming its line.
 */
final class ReferenceLogProbs {
    /** The cache file in the output folder. */
    static final String FILE = "reference_logps.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceLogProbs.class);

    private final Map<String, double[]> byKey;
    private final int computed;
    private final int reused;

    private ReferenceLogProbs(Map<String, double[]> byKey, int computed, int reused) {
        this.byKey = byKey;
        this.computed = computed;
        this.reused = reused;
    }

    /** Returns {@code {chosen, rejected}} for a pair of the run. */
    double[] get(PairEncoder.EncodedPair pair) {
        double[] v = byKey.get(pair.key());
        if (v == null) {
            throw new IllegalStateException("no reference log-probabilities for pair '" + pair.id() + "'");
        }
        return v;
    }

    /** How many pairs were run through the reference model by this call. */
    int computed() {
        return computed;
    }

    /** How many pairs came from the cache. */
    int reused() {
        return reused;
    }

    /**
     * Computes what the cache lacks and rewrites it.
     *
     * @param model the policy model
     * @param adapter its trainable adapter, enabled
     * @param mode which model is the reference
     * @param pairs every pair the run will meet (training and validation)
     * @param batchSize pairs per forward pass
     * @param padId the padding token
     * @param cacheFile the cache
     * @param progress reports pairs done
     * @return the log-probabilities
     * @throws IOException when the cache cannot be written
     */
    static ReferenceLogProbs compute(Qwen2Model model, LoraAdapter adapter, ReferenceMode mode,
            List<PairEncoder.EncodedPair> pairs, int batchSize, long padId, Path cacheFile, Progress progress)
            throws IOException {
        String fingerprint = fingerprint(model, adapter, mode);
        Map<String, double[]> cached = read(cacheFile, fingerprint);
        Map<String, double[]> byKey = new HashMap<>();
        Map<String, PairEncoder.EncodedPair> missing = new LinkedHashMap<>();
        for (PairEncoder.EncodedPair p : pairs) {
            double[] hit = cached.get(p.key());
            if (hit != null) {
                byKey.put(p.key(), hit);
            } else {
                missing.putIfAbsent(p.key(), p);
            }
        }
        int reused = byKey.size();
        if (!missing.isEmpty()) {
            run(model, adapter, mode, new ArrayList<>(missing.values()), batchSize, padId, byKey, progress);
        }
        write(cacheFile, fingerprint, mode, pairs, byKey);
        LOG.info("reference log-probabilities ({}): {} computed, {} from {}", mode, missing.size(), reused, cacheFile);
        return new ReferenceLogProbs(byKey, missing.size(), reused);
    }

    private static void run(Qwen2Model model, LoraAdapter adapter, ReferenceMode mode,
            List<PairEncoder.EncodedPair> pairs, int batchSize, long padId, Map<String, double[]> out,
            Progress progress) {
        boolean wasEnabled = adapter.isEnabled();
        adapter.setEnabled(mode == ReferenceMode.INITIAL_POLICY);
        progress.start("reference log-probs", pairs.size());
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            for (int from = 0; from < pairs.size(); from += batchSize) {
                List<PairEncoder.EncodedPair> batch = pairs.subList(from, Math.min(pairs.size(), from + batchSize));
                try (NDManager scope = manager.newSubManager()) {
                    DpoTask.Padded p = DpoTask.pad(batch, padId, scope);
                    NDArray logits = model.forward(p.ids(), p.mask(), false); // [2P, T, V]
                    float[] logps = NativeArrays.toFloats(SequenceLogProbs.compute(logits, p.labels()).logps());
                    for (int i = 0; i < batch.size(); i++) {
                        out.put(batch.get(i).key(), new double[] {logps[i], logps[batch.size() + i]});
                    }
                }
                progress.advance(batch.size());
            }
        } finally {
            progress.finish();
            adapter.setEnabled(wasEnabled);
        }
    }

    /**
     * A hash of what the reference computes: the mode, and every weight that takes part (name, shape, type and the
     * sum of its values), the adapter's only when it is part of the reference.
     */
    static String fingerprint(Qwen2Model model, LoraAdapter adapter, ReferenceMode mode) {
        Map<String, NDArray> weights = new TreeMap<>(model.parameters());
        if (mode == ReferenceMode.INITIAL_POLICY) {
            weights.putAll(adapter.parameters());
        }
        MessageDigest digest = Sha256.newDigest();
        digest.update(mode.name().getBytes(StandardCharsets.UTF_8));
        ByteBuffer bits = ByteBuffer.allocate(Float.BYTES);
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray w = e.getValue();
            digest.update((e.getKey() + w.getShape() + w.getDataType()).getBytes(StandardCharsets.UTF_8));
            try (NDArray sum = w.sum()) {
                digest.update(bits.clear().putFloat(NativeArrays.toFloats(sum)[0]).array());
            }
        }
        return Sha256.hex(digest);
    }

    /** The cache's lines for this fingerprint; empty when absent, made for other weights, or unreadable. */
    private static Map<String, double[]> read(Path file, String fingerprint) throws IOException {
        Map<String, double[]> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            JsonNode header = lines.isEmpty() ? null : Json.MAPPER.readTree(lines.get(0));
            if (header == null || !fingerprint.equals(header.path("fingerprint").asText())) {
                LOG.info("{} was made for other reference weights; computing again", file);
                return out;
            }
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                JsonNode line = Json.MAPPER.readTree(lines.get(i));
                if (!line.path("key").isTextual() || !line.path("chosen").isNumber()
                        || !line.path("rejected").isNumber()) {
                    LOG.warn("{}:{}: not a reference line (key, chosen, rejected); computing the cache again", file,
                            i + 1);
                    return new HashMap<>();
                }
                out.put(line.get("key").asText(),
                        new double[] {line.get("chosen").asDouble(), line.get("rejected").asDouble()});
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("{}: unreadable ({}); computing the cache again", file, e.getOriginalMessage());
            return new HashMap<>();
        }
        return out;
    }

    private static void write(Path file, String fingerprint, ReferenceMode mode, List<PairEncoder.EncodedPair> pairs,
            Map<String, double[]> byKey) throws IOException {
        StringBuilder text = new StringBuilder();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("fingerprint", fingerprint);
        header.put("reference", mode.name().toLowerCase(java.util.Locale.ROOT));
        text.append(Json.MAPPER.writeValueAsString(header)).append('\n');
        java.util.Set<String> written = new java.util.HashSet<>();
        for (PairEncoder.EncodedPair p : pairs) {
            String key = p.key();
            if (!written.add(key)) {
                continue;
            }
            double[] v = byKey.get(key);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("key", key);
            line.put("id", p.id());
            line.put("chosen", v[0]);
            line.put("rejected", v[1]);
            line.put("chosen_tokens", p.chosenCount());
            line.put("rejected_tokens", p.rejectedCount());
            text.append(Json.MAPPER.writeValueAsString(line)).append('\n');
        }
        AtomicFiles.writeString(file, text.toString());
    }
}
