package org.tcmrx.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.tcmrx.core.CaseSet;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;

/** Tiny cases and fake rankers for the evaluator, bootstrap and report tests. */
final class EvaluatorFixtures {
    private EvaluatorFixtures() {}

    static Herb h(String name) {
        return Herb.of(name);
    }

    static List<Herb> herbs(String... names) {
        return Arrays.stream(names).map(Herb::of).toList();
    }

    static Set<Herb> truth(String... names) {
        return Arrays.stream(names).map(Herb::of).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /** A case whose only symptom is its id, so that a fake ranker can tell cases apart from the query alone. */
    static ClinicalCase caseOf(String id, String... herbs) {
        return ClinicalCase.builder().setId(id).setSymptoms(id).setPrescription(Prescription.of(herbs)).build();
    }

    static Ranking ranking(List<Herb> herbs) {
        List<ScoredHerb> entries = new ArrayList<>();
        for (int i = 0; i < herbs.size(); i++) {
            entries.add(new ScoredHerb(herbs.get(i), herbs.size() - i));
        }
        return new Ranking(entries);
    }

    /** Answers each case (keyed by its single symptom) with a fixed list, truncated to k; records the k asked. */
    static final class FixedRanker implements HerbRanker {
        private final String name;
        private final Map<String, Ranking> answers;
        final Map<String, Integer> asked = new ConcurrentHashMap<>();

        FixedRanker(String name, Map<String, List<Herb>> answers) {
            this.name = name;
            this.answers = answers.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> ranking(e.getValue())));
        }

        @Override
        public Ranking rank(Query query, int k) {
            String key = query.symptoms().get(0).name();
            if (asked.merge(key, k, (a, b) -> -1) == -1) {
                throw new IllegalStateException("case " + key + " asked twice");
            }
            return answers.getOrDefault(key, Ranking.EMPTY).top(k);
        }

        @Override
        public String name() {
            return name;
        }
    }

    /**
     * A synthetic split of {@code n} cases over a vocabulary of 60 herbs, each with 1 to 12 true herbs, drawn from a
     * seed.
     */
    static CaseSet randomSplit(String name, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ClinicalCase> cases = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int size = 1 + random.nextInt(12);
            List<String> herbs = new ArrayList<>();
            while (herbs.size() < size) {
                String herb = "H" + random.nextInt(60);
                if (!herbs.contains(herb)) {
                    herbs.add(herb);
                }
            }
            cases.add(caseOf("case-" + i, herbs.toArray(String[]::new)));
        }
        return CaseSet.of(name, cases);
    }

    /**
     * A deterministic ranker over the same 60 herbs: each case's list is a permutation drawn from a hash of its
     * query, with the true herbs moved up when {@code cheat} is set (so a cheating ranker is clearly better).
     */
    static HerbRanker pseudoRandomRanker(String name, CaseSet split, double cheat) {
        Map<String, Set<Herb>> truths = new ConcurrentHashMap<>();
        split.forEach(c -> truths.put(c.id(), c.prescription().herbSet()));
        return new HerbRanker() {
            @Override
            public Ranking rank(Query query, int k) {
                String id = query.symptoms().get(0).name();
                SplittableRandom random = new SplittableRandom(id.hashCode() * 31L + name.hashCode());
                List<Herb> all = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    all.add(Herb.of("H" + i));
                }
                for (int i = all.size() - 1; i > 0; i--) {
                    java.util.Collections.swap(all, i, random.nextInt(i + 1));
                }
                List<Herb> out = new ArrayList<>();
                for (Herb t : truths.get(id)) {
                    if (random.nextDouble() < cheat) {
                        out.add(t);
                    }
                }
                for (Herb hb : all) {
                    if (!out.contains(hb)) {
                        out.add(hb);
                    }
                }
                return ranking(out.subList(0, Math.min(k, out.size())));
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
