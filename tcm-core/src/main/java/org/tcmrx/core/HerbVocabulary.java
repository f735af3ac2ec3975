package org.tcmrx.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.internal.IdIndex;
import org.tcmrx.core.internal.VocabularyFiles;

/**
 * Herbs and their stable integer ids {@code 0..size-1}.
 *
 * <p>{@link #fromCases(Iterable)} orders herbs by descending frequency, then by name, so the same training data
 * always gives the same ids and id order is a canonical frequency order. {@link #of(List)} keeps a given order,
 * e.g. the ids of a published data set.
 */
public final class HerbVocabulary {
    private final IdIndex<Herb> index;

    private HerbVocabulary(List<Herb> herbs) {
        this.index = new IdIndex<>(herbs, "herbs");
    }

    /**
     * Creates a vocabulary whose ids are the positions in the list.
     *
     * @param herbs distinct herbs
     * @return the vocabulary
     * @throws IllegalArgumentException when a herb appears twice
     */
    public static HerbVocabulary of(List<Herb> herbs) {
        return new HerbVocabulary(herbs);
    }

    /**
     * Creates a vocabulary of every herb prescribed in the cases, most frequent first (ties by name).
     *
     * @param cases the cases, typically a training split
     * @return the vocabulary
     */
    public static HerbVocabulary fromCases(Iterable<ClinicalCase> cases) {
        Map<Herb, Integer> counts = new HashMap<>();
        for (ClinicalCase c : cases) {
            IdIndex.count(c.herbs(), counts);
        }
        return new HerbVocabulary(IdIndex.byFrequency(counts));
    }

    /**
     * Reads a vocabulary written by {@link #write(Path)}.
     *
     * @param file the file
     * @return the vocabulary
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not {@code id<TAB>name} with consecutive ids from 0
     */
    public static HerbVocabulary read(Path file) throws IOException {
        return new HerbVocabulary(VocabularyFiles.read(file).stream().map(Herb::new).toList());
    }

    /**
     * Writes the vocabulary as UTF-8 lines {@code id<TAB>name}, atomically.
     *
     * @param file the file
     * @throws IOException when the file cannot be written
     */
    public void write(Path file) throws IOException {
        VocabularyFiles.write(file, herbs().stream().map(Herb::name).toList());
    }

    /**
     * Returns the number of herbs.
     *
     * @return the size
     */
    public int size() {
        return index.size();
    }

    /**
     * Tells whether a herb is in the vocabulary.
     *
     * @param herb the herb
     * @return whether it has an id
     */
    public boolean contains(Herb herb) {
        return index.indexOf(herb) >= 0;
    }

    /**
     * Returns a herb's id.
     *
     * @param herb the herb
     * @return its id
     * @throws IllegalArgumentException when the herb is not in the vocabulary
     */
    public int id(Herb herb) {
        int id = index.indexOf(herb);
        if (id < 0) {
            throw new IllegalArgumentException("herb '" + herb + "' is not in the vocabulary of " + size()
                    + " herbs");
        }
        return id;
    }

    /**
     * Returns a herb's id, or -1 when it is unknown.
     *
     * @param herb the herb
     * @return its id or -1
     */
    public int indexOf(Herb herb) {
        return index.indexOf(herb);
    }

    /**
     * Returns the herb with an id.
     *
     * @param id the id
     * @return the herb
     * @throws IllegalArgumentException when the id is out of range
     */
    public Herb herb(int id) {
        return index.get(id);
    }

    /**
     * Returns the herbs in id order.
     *
     * @return an unmodifiable list
     */
    public List<Herb> herbs() {
        return index.items();
    }

    @Override
    public String toString() {
        return "HerbVocabulary(" + size() + " herbs)";
    }
}
