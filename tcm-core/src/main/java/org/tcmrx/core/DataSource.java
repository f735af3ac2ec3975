package org.tcmrx.core;

import org.tcmrx.core.internal.Checks;

/**
 * Provenance of one input file: where it was, its SHA-256 and how many records came from it.
 *
 * @param name a short name, e.g. {@code smgcn/train.txt}
 * @param location the path or resource it was read from
 * @param sha256 the lower-case hex SHA-256 of its bytes
 * @param records how many records were read from it
 */
public record DataSource(String name, String location, String sha256, long records) {
    /**
     * Validates the record.
     *
     * @param name a short name, e.g. {@code smgcn/train.txt}
     * @param location the path or resource it was read from
     * @param sha256 the lower-case hex SHA-256 of its bytes
     * @param records how many records were read from it
     * @throws IllegalArgumentException when a field is blank or the count is negative
     */
    public DataSource {
        Checks.name(name, "name");
        Checks.name(location, "location");
        Checks.name(sha256, "sha256");
        if (records < 0) {
            throw new IllegalArgumentException("records must not be negative, got " + records);
        }
    }
}
