package org.tcmrx.eval;

/**
 * A ranker failed, or broke its contract, on one case during an evaluation; the message names the ranker and the
 * case id, and the cause is the ranker's own exception when there is one.
 */
public final class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The id of the case, kept for callers that skip or log failing cases. */
    private final String caseId;

    /**
     * Creates the exception.
     *
     * @param ranker the ranker's name
     * @param caseId the id of the case
     * @param problem what went wrong
     * @param cause the ranker's exception, or null
     */
    public EvaluationException(String ranker, String caseId, String problem, Throwable cause) {
        super("ranker '" + ranker + "' failed on case '" + caseId + "': " + problem, cause);
        this.caseId = caseId;
    }

    /**
     * Returns the id of the case.
     *
     * @return the id
     */
    public String caseId() {
        return caseId;
    }
}
