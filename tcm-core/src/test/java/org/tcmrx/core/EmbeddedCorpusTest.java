package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("EmbeddedCorpus")
class EmbeddedCorpusTest {
    private final Dataset corpus = EmbeddedCorpus.load();

    @Test
    @DisplayName("has at least 150 records in fixed train, valid and test splits")
    void size() {
        assertThat(corpus.name()).isEqualTo("classical");
        assertThat(corpus.splitNames()).containsExactly("train", "valid", "test");
        assertThat(corpus.allCases()).hasSizeGreaterThanOrEqualTo(150);
        assertThat(corpus.split("valid")).hasSizeGreaterThanOrEqualTo(25);
        assertThat(corpus.split("test")).hasSizeGreaterThanOrEqualTo(25);
        assertThat(corpus.sources()).singleElement().satisfies(s -> assertThat(s.records())
                .isEqualTo(corpus.allCases().size()));
    }

    @Test
    @DisplayName("cites a source and names a formula for every record, with a dose for every herb")
    void complete() {
        assertThat(corpus.allCases()).allSatisfy(c -> {
            assertThat(c.source()).as(c.id()).startsWith("《");
            assertThat(c.formula()).as(c.id()).isNotBlank();
            assertThat(c.syndromes()).as(c.id()).isNotEmpty();
            assertThat(c.symptoms()).as(c.id()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(c.prescription().hasAllDoses()).as(c.id()).isTrue();
        });
        long distinctFormulas = corpus.allCases().stream().map(ClinicalCase::formula).distinct().count();
        assertThat(distinctFormulas).isGreaterThanOrEqualTo(130);
    }

    @Test
    @DisplayName("every herb of valid and test occurs in train, and so do most of their symptoms")
    void heldOutCovered() {
        Set<Herb> trainHerbs = corpus.split("train").stream().flatMap(c -> c.herbs().stream())
                .collect(Collectors.toSet());
        Set<Symptom> trainSymptoms = new HashSet<>();
        corpus.split("train").forEach(c -> trainSymptoms.addAll(c.symptoms()));
        for (String split : new String[] {"valid", "test"}) {
            assertThat(corpus.split(split)).allSatisfy(c -> {
                assertThat(trainHerbs).as(c.id()).containsAll(c.herbs());
                long known = c.symptoms().stream().filter(trainSymptoms::contains).count();
                assertThat(known * 2).as(c.id()).isGreaterThanOrEqualTo(c.symptoms().size());
            });
        }
    }

    @Test
    @DisplayName("is loaded once")
    void cached() {
        assertThat(EmbeddedCorpus.load()).isSameAs(corpus);
    }
}
