package org.tcmrx.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcmrx.core.internal.Checks;

/**
 * What produced an artefact (a model, a report, a set of samples): the producer and its version, when, with which
 * seed and parameters, from which data. Every artefact TCM-Rx writes carries one.
 *
 * @param producer the component that produced it, e.g. {@code RankerEvaluator}
 * @param version the TCM-Rx version
 * @param created when it was produced
 * @param seed the random seed, or null when nothing random happened
 * @param parameters the settings, sorted by name
 * @param data the input files
 */
public record Provenance(String producer, String version, Instant created, Long seed,
        Map<String, String> parameters, List<DataSource> data) {
    /**
     * Validates and copies the record.
     *
     * @param producer the component that produced it, e.g. {@code RankerEvaluator}
     * @param version the TCM-Rx version
     * @param created when it was produced
     * @param seed the random seed, or null when nothing random happened
     * @param parameters the settings, sorted by name
     * @param data the input files
     * @throws IllegalArgumentException when a required field is missing
     */
    public Provenance {
        Checks.name(producer, "producer");
        Checks.name(version, "version");
        Checks.notNull(created, "created");
        parameters = java.util.Collections.unmodifiableMap(new TreeMap<>(Checks.notNull(parameters, "parameters")));
        data = List.copyOf(Checks.notNull(data, "data"));
    }

    /**
     * Starts a provenance record for a producer, stamped with this library's version and the current time.
     *
     * @param producer the producing component
     * @return a builder
     */
    public static Builder builder(String producer) {
        return new Builder(producer);
    }

    /** Builds a {@link Provenance}. */
    public static final class Builder {
        private final String producer;
        private Instant created = Instant.now();
        private Long seed;
        private final Map<String, String> parameters = new TreeMap<>();
        private final List<DataSource> data = new java.util.ArrayList<>();

        private Builder(String producer) {
            this.producer = producer;
        }

        /**
         * Sets the seed.
         *
         * @param seed the random seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the time, instead of now.
         *
         * @param created the time
         * @return this builder
         */
        public Builder optCreated(Instant created) {
            this.created = created;
            return this;
        }

        /**
         * Adds a parameter.
         *
         * @param name its name
         * @param value its value, written with {@link String#valueOf(Object)}
         * @return this builder
         */
        public Builder addParameter(String name, Object value) {
            parameters.put(Checks.name(name, "name"), String.valueOf(value));
            return this;
        }

        /**
         * Adds input files.
         *
         * @param sources the inputs
         * @return this builder
         */
        public Builder addData(List<DataSource> sources) {
            data.addAll(sources);
            return this;
        }

        /**
         * Builds the record.
         *
         * @return the provenance
         */
        public Provenance build() {
            return new Provenance(producer, TcmRxVersion.VERSION, created, seed, parameters, data);
        }
    }
}
