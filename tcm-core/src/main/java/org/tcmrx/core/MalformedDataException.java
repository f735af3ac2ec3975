package org.tcmrx.core;

/**
 * Bad data: a record or file that does not have the expected form. The message starts with where the problem is
 * ({@code file:line}, optionally followed by the field) and then says what was expected and what was found.
 */
public final class MalformedDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The file or resource name. */
    private final String location;
    /** The 1-based line, or 0. */
    private final long line;
    /** The field concerned, or null. */
    private final String field;
    /** What is wrong, without the location. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param location the file or resource name
     * @param line the 1-based line number, or 0 when the problem is not on one line
     * @param field the field (column or JSON path) concerned, or null
     * @param problem what is wrong, without the location
     */
    public MalformedDataException(String location, long line, String field, String problem) {
        this(location, line, field, problem, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param location the file or resource name
     * @param line the 1-based line number, or 0 when the problem is not on one line
     * @param field the field (column or JSON path) concerned, or null
     * @param problem what is wrong, without the location
     * @param cause the underlying exception, or null
     */
    public MalformedDataException(String location, long line, String field, String problem, Throwable cause) {
        super(format(location, line, field, problem), cause);
        this.location = location;
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    private static String format(String location, long line, String field, String problem) {
        StringBuilder sb = new StringBuilder(location);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null) {
            sb.append(field).append(": ");
        }
        return sb.append(problem).toString();
    }

    /**
     * Returns the file or resource name.
     *
     * @return the location
     */
    public String location() {
        return location;
    }

    /**
     * Returns the 1-based line number.
     *
     * @return the line, or 0 when not on one line
     */
    public long line() {
        return line;
    }

    /**
     * Returns the field concerned.
     *
     * @return the field, or null
     */
    public String field() {
        return field;
    }

    /**
     * Returns what is wrong, without the location.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
