package org.tcmrx.distill;

import java.io.IOException;

/**
 * The server answered, but its response is not a usable chat completion (truncated JSON, a missing
 * {@code choices[0].message.content}, an error object): the teacher's fault, not the network's. A distiller records
 * the record as rejected with this message as its reason.
 */
public final class TeacherResponseException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what was wrong, with the JSON path where there is one; never the API key
     */
    public TeacherResponseException(String message) {
        super(message);
    }
}
