package org.tcmrx.examples;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.eval.CoOccurrenceRanker;
import org.tcmrx.eval.SetLookupRanker;
import org.tcmrx.eval.TopPopRanker;

/** The rankers {@code --ranker} can fit on the training split. */
enum Baseline {
    /** Most popular herbs. */
    TOPPOP(TopPopRanker::fit),
    /** Σ P(h|s) over the query's symptoms. */
    COOC(CoOccurrenceRanker::fit),
    /** CoOcc plus the herbs of training records with the same symptom set. */
    SETLOOKUP(SetLookupRanker::fit);

    private final Function<List<ClinicalCase>, HerbRanker> fit;

    Baseline(Function<List<ClinicalCase>, HerbRanker> fit) {
        this.fit = fit;
    }

    HerbRanker fit(List<ClinicalCase> train) {
        return fit.apply(train);
    }

    /**
     * Parses a command-line name.
     *
     * @throws IllegalArgumentException naming the valid names
     */
    static Baseline parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown ranker '" + text + "'; valid rankers: "
                    + String.join(", ", Arrays.stream(values()).map(Baseline::toString).toList()));
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
