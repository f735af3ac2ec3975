package org.tcmrx.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.internal.IdIndex;
import org.tcmrx.core.internal.VocabularyFiles;

/**
 * Symptoms and their stable integer ids {@code 0..size-1}.
 *
 * <p>{@link #fromCases(Iterable)} orders symptoms by descending frequency, then by name, so the same training data
 * always gives the same ids and id order is a canonical frequency order. {@link #of(List)} keeps a given order,
 * e.g. the ids of a published data set.
 */
public final class SymptomVocabulary {
    private final IdIndex<Symptom> index;

    private SymptomVocabulary(List<Symptom> symptoms) {
        this.index = new IdIndex<>(symptoms, "symptoms");
    }

    /**
     * Creates a vocabulary whose ids are the positions in the list.
     *
     * @param symptoms distinct symptoms
     * @return the vocabulary
     * @throws IllegalArgumentException when a symptom appears twice
     */
    public static SymptomVocabulary of(List<Symptom> symptoms) {
        return new SymptomVocabulary(symptoms);
    }

    /**
     * Creates a vocabulary of every symptom in the cases, most frequent first (ties by name).
     *
     * @param cases the cases, typically a training split
     * @return the vocabulary
     */
    public static SymptomVocabulary fromCases(Iterable<ClinicalCase> cases) {
        Map<Symptom, Integer> counts = new HashMap<>();
        for (ClinicalCase c : cases) {
            IdIndex.count(c.symptoms(), counts);
        }
        return new SymptomVocabulary(IdIndex.byFrequency(counts));
    }

    /**
     * Reads a vocabulary written by {@link #write(Path)}.
     *
     * @param file the file
     * @return the vocabulary
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not {@code id<TAB>name} with consecutive ids from 0
     */
    public static SymptomVocabulary read(Path file) throws IOException {
        return new SymptomVocabulary(VocabularyFiles.read(file).stream().map(Symptom::new).toList());
    }

    /**
     * Writes the vocabulary as UTF-8 lines {@code id<TAB>name}, atomically.
     *
     * @param file the file
     * @throws IOException when the file cannot be written
     */
    public void write(Path file) throws IOException {
        VocabularyFiles.write(file, symptoms().stream().map(Symptom::name).toList());
    }

    /**
     * Returns the number of symptoms.
     *
     * @return the size
     */
    public int size() {
        return index.size();
    }

    /**
     * Tells whether a symptom is in the vocabulary.
     *
     * @param symptom the symptom
     * @return whether it has an id
     */
    public boolean contains(Symptom symptom) {
        return index.indexOf(symptom) >= 0;
    }

    /**
     * Returns a symptom's id.
     *
     * @param symptom the symptom
     * @return its id
     * @throws IllegalArgumentException when the symptom is not in the vocabulary
     */
    public int id(Symptom symptom) {
        int id = index.indexOf(symptom);
        if (id < 0) {
            throw new IllegalArgumentException("symptom '" + symptom + "' is not in the vocabulary of " + size()
                    + " symptoms");
        }
        return id;
    }

    /**
     * Returns a symptom's id, or -1 when it is unknown.
     *
     * @param symptom the symptom
     * @return its id or -1
     */
    public int indexOf(Symptom symptom) {
        return index.indexOf(symptom);
    }

    /**
     * Returns the symptom with an id.
     *
     * @param id the id
     * @return the symptom
     * @throws IllegalArgumentException when the id is out of range
     */
    public Symptom symptom(int id) {
        return index.get(id);
    }

    /**
     * Returns the symptoms in id order.
     *
     * @return an unmodifiable list
     */
    public List<Symptom> symptoms() {
        return index.items();
    }

    @Override
    public String toString() {
        return "SymptomVocabulary(" + size() + " symptoms)";
    }
}
