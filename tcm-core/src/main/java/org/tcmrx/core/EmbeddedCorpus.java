package org.tcmrx.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The corpus shipped inside TCM-Rx: records of classical formulas written for this project from public-domain
 * classical sources (伤寒论, 金匮要略, 温病条辨, 太平惠民和剂局方 and others), each with its indications (symptoms,
 * tongue and pulse where the source gives them), syndrome, herbs with modern reference doses, and the source cited
 * per record. It has a fixed split into {@link Dataset#TRAIN}, {@link Dataset#VALID} and {@link Dataset#TEST}
 * in which every herb and symptom of the valid and test records also occurs in train.
 *
 * <p>It is small (about two hundred records) and exists so that every stage runs on a fresh machine with no data
 * to download; real evaluations use the data set readers ({@link SmgcnReader} and others).
 */
public final class EmbeddedCorpus {
    /** The class-path resource holding the corpus in {@link CaseJsonl} format. */
    public static final String RESOURCE = "/org/tcmrx/core/corpus/classical-formulas.jsonl";

    /** The data set's name. */
    public static final String NAME = "classical";

    private EmbeddedCorpus() {}

    /**
     * Loads the corpus.
     *
     * @return the data set with splits train, valid and test
     * @throws UncheckedIOException when the resource cannot be read (a broken installation)
     */
    public static Dataset load() {
        return Holder.DATASET;
    }

    private static final class Holder {
        static final Dataset DATASET = read();

        private static Dataset read() {
            try (InputStream in = EmbeddedCorpus.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException("resource " + RESOURCE + " is missing from the class path");
                }
                return CaseJsonl.readDataset(in, "classical-formulas.jsonl", NAME);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
