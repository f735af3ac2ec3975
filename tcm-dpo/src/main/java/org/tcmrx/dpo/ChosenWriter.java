package org.tcmrx.dpo;

import java.util.List;
import org.tcmrx.core.Herb;
import org.tcmrx.core.ThreeSectionAnswer;

/**
 * Writes the full three-section answer that carries a given prescription for a candidate's record: the text of the
 * side of a pair whose prescription is BART's, which has no answer of its own.
 *
 * <p>Contract: {@link ThreeSectionAnswer#parse} reads the text returned {@linkplain ThreeSectionAnswer.Parse#clean()
 * without a problem}, and its prescription is exactly the names of {@code prescription}, in order.
 * {@link ImplicitPreferenceBuilder} checks this and fails on a text that breaks it.
 */
public interface ChosenWriter {
    /**
     * Writes the answer.
     *
     * @param candidate the record: its prompt and findings
     * @param prescription the herbs the answer must prescribe, in order, at least one, no herb twice
     * @return the answer's text
     * @throws IllegalArgumentException when an argument is null, the prescription is empty or holds a herb twice, or
     *     a herb's name cannot be read back as itself from a prescription line (it holds a separator, or looks like
     *     a dose)
     */
    String write(PreferenceCandidate candidate, List<Herb> prescription);

    /**
     * Returns the writer's name, as recorded in each pair's metadata.
     *
     * @return the name
     */
    String name();
}
