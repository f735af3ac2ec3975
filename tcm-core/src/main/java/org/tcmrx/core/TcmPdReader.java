package org.tcmrx.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.HashedLines;
import org.tcmrx.core.internal.NameLists;
import org.tcmrx.core.internal.TsvHeader;

/**
 * Reads the TCM-PD corpus (Yao et al., TKDE 2018; 33,765 prescriptions) from {@value #FILE} under a TCM-PD
 * directory: one row per prescription, a header row, names joined by {@code |}.
 *
 * <p>Columns are found by their header names, so their order does not matter; a missing column fails naming it.
 * {@link Names} picks the name columns (Yao's original names, or KDHR's re-encoding) and {@link Split} the split
 * column; {@link Duplicates} says what to do when a name appears twice in one row. Defaults: {@link Names#YAO},
 * {@link Split#YAO}, {@link Duplicates#FAIL} — with these the whole published file reads. KDHR's names repeat a herb
 * in 3 rows (an ambiguous KDHR herb label such as {@code 冬葵果/草莓/黑种草子} stands for two KDHR ids), so
 * {@link Names#KDHR} needs {@link Duplicates#DROP_REPEATS}.
 *
 * <p>A case's id and {@link ClinicalCase#source()} are {@code tcmpd_named.tsv:<line>} (the header is line 1). The data
 * set is named {@value #NAME}; its single {@link DataSource} is named {@code tcm-pd/derived/tcmpd_named.tsv} and
 * located at the file's absolute path. Messages about a malformed row give the file's path as given
 * ({@code dir.resolve(FILE).toString()}), the line and the column name.
 */
public final class TcmPdReader {
    /** The data set's name. */
    public static final String NAME = "tcm-pd";
    /** The file read, relative to the TCM-PD directory. */
    public static final String FILE = "derived/tcmpd_named.tsv";

    private static final Logger LOG = LoggerFactory.getLogger(TcmPdReader.class);
    private static final String ID_PREFIX = "tcmpd_named.tsv:";

    /** Which names to read: the corpus has two encodings of the same rows. */
    public enum Names {
        /** Yao's original names, columns {@code yao_symptoms} and {@code yao_herbs} (390 symptoms, 811 herbs). */
        YAO("yao_symptoms", "yao_herbs"),
        /**
         * The names behind KDHR's and PresRecST's integer ids, columns {@code kdhr_symptoms} and {@code kdhr_herbs}
         * (390 symptoms, 805 herbs); derived, not upstream labels, and an ambiguous id reads {@code name1/name2}.
         */
        KDHR("kdhr_symptoms", "kdhr_herbs");

        private final String symptomColumn;
        private final String herbColumn;

        Names(String symptomColumn, String herbColumn) {
            this.symptomColumn = symptomColumn;
            this.herbColumn = herbColumn;
        }

        /**
         * Returns the column of symptom names.
         *
         * @return the header name
         */
        public String symptomColumn() {
            return symptomColumn;
        }

        /**
         * Returns the column of herb names.
         *
         * @return the header name
         */
        public String herbColumn() {
            return herbColumn;
        }
    }

    /** Which published split to use; each is a column whose values name a row's split. */
    public enum Split {
        /** Yao's split, column {@code yao_split}: {@code train} 28,746, {@code test} 5,019 (interleaved rows). */
        YAO("yao_split", Map.of("train", Dataset.TRAIN, "test", Dataset.TEST)),
        /**
         * KDHR's sequential 60/20/20 split, column {@code kdhr_split_60_20_20}: {@code train} 20,259, {@code dev}
         * 6,753 (read as {@link Dataset#VALID}), {@code test} 6,753.
         */
        KDHR_60_20_20("kdhr_split_60_20_20",
                Map.of("train", Dataset.TRAIN, "dev", Dataset.VALID, "test", Dataset.TEST)),
        /**
         * PresRecST's sequential 80/20 split, column {@code presrecst_split_80_20}: {@code train} 27,012,
         * {@code test} 6,753 (the same test rows as KDHR's).
         */
        PRESRECST_80_20("presrecst_split_80_20", Map.of("train", Dataset.TRAIN, "test", Dataset.TEST));

        private final String column;
        private final Map<String, String> splitOfValue;

        Split(String column, Map<String, String> splitOfValue) {
            this.column = column;
            this.splitOfValue = splitOfValue;
        }

        /**
         * Returns the split column.
         *
         * @return the header name
         */
        public String column() {
            return column;
        }

        /** The split names in data-set order, each present even when no row falls in it. */
        List<String> splitNames() {
            return List.of(Dataset.TRAIN, Dataset.VALID, Dataset.TEST).stream()
                    .filter(splitOfValue::containsValue).toList();
        }

        /** The values the column may hold, in data-set order, for messages. */
        String validValues() {
            List<String> values = new ArrayList<>();
            for (String split : splitNames()) {
                splitOfValue.forEach((value, name) -> {
                    if (name.equals(split)) {
                        values.add(value);
                    }
                });
            }
            return String.join(", ", values);
        }
    }

    /** What to do when a name appears more than once in one row's symptoms or herbs. */
    public enum Duplicates {
        /** Fail with a {@link MalformedDataException} naming the row, the column and the name. */
        FAIL,
        /** Keep the first occurrence, drop the repeats, and log how many were dropped in how many rows. */
        DROP_REPEATS
    }

    private final Names names;
    private final Split split;
    private final Duplicates duplicates;

    private TcmPdReader(Builder builder) {
        this.names = builder.names;
        this.split = builder.split;
        this.duplicates = builder.duplicates;
    }

    /**
     * Returns a new builder with the defaults {@link Names#YAO}, {@link Split#YAO} and {@link Duplicates#FAIL}.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a reader with the defaults {@link Names#YAO}, {@link Split#YAO} and {@link Duplicates#FAIL}.
     *
     * @return the reader
     */
    public static TcmPdReader defaults() {
        return builder().build();
    }

    /**
     * Reads the corpus.
     *
     * @param dir the TCM-PD directory, which holds {@value #FILE}
     * @return the data set, with the splits of the chosen {@link Split} in the order train, valid, test
     * @throws IllegalArgumentException when {@code dir} is null
     * @throws java.nio.file.NoSuchFileException when the file is missing
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is malformed; the message gives file, line and column
     */
    public Dataset read(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        Path file = dir.resolve(FILE);
        String location = file.toString();
        Map<String, List<ClinicalCase>> casesBySplit = new LinkedHashMap<>();
        for (String name : split.splitNames()) {
            casesBySplit.put(name, new ArrayList<>());
        }
        Map<String, Symptom> symptomsByName = new HashMap<>();
        Map<String, Herb> herbsByName = new HashMap<>();
        DropCount dropped = new DropCount();
        TsvHeader[] header = new TsvHeader[1];
        int[] columns = new int[3];
        String sha256 = HashedLines.forEach(file, (lineNumber, line) -> {
            if (header[0] == null) {
                header[0] = TsvHeader.parse(location, lineNumber, line);
                columns[0] = header[0].column(split.column);
                columns[1] = header[0].column(names.symptomColumn);
                columns[2] = header[0].column(names.herbColumn);
                return;
            }
            String[] values = header[0].split(lineNumber, line);
            String splitName = split.splitOfValue.get(values[columns[0]]);
            if (splitName == null) {
                throw new MalformedDataException(location, lineNumber, split.column, "expected one of "
                        + split.validValues() + ", found '" + values[columns[0]] + "'");
            }
            List<Symptom> symptoms = names(values[columns[1]], names.symptomColumn, "symptom", Symptom::new,
                    symptomsByName, location, lineNumber, dropped);
            List<Herb> herbs = names(values[columns[2]], names.herbColumn, "herb", Herb::new, herbsByName,
                    location, lineNumber, dropped);
            String id = ID_PREFIX + lineNumber;
            casesBySplit.get(splitName).add(ClinicalCase.builder()
                    .setId(id)
                    .setSymptoms(symptoms)
                    .setPrescription(Prescription.of(herbs))
                    .optSource(id)
                    .build());
        });
        if (header[0] == null) {
            throw new MalformedDataException(location, 0, null, "empty file; expected a header row");
        }
        if (dropped.names > 0) {
            LOG.warn("{}: dropped {} repeated names from {} of {} rows (columns {} and {}, Duplicates.DROP_REPEATS)",
                    location, dropped.names, dropped.rows.size(), records(casesBySplit), names.symptomColumn,
                    names.herbColumn);
        }
        Map<String, CaseSet> splits = new LinkedHashMap<>();
        casesBySplit.forEach((name, cases) -> splits.put(name, CaseSet.of(name, cases)));
        DataSource source = new DataSource(NAME + "/" + FILE, file.toAbsolutePath().normalize().toString(), sha256,
                records(casesBySplit));
        return Dataset.of(NAME, splits, List.of(source));
    }

    private static long records(Map<String, List<ClinicalCase>> casesBySplit) {
        return casesBySplit.values().stream().mapToLong(List::size).sum();
    }

    /** Counts what {@link Duplicates#DROP_REPEATS} dropped, for the log. */
    private static final class DropCount {
        long names;
        final Set<Long> rows = new HashSet<>();
    }

    private <T> List<T> names(String cell, String column, String kind, Function<String, T> create,
            Map<String, T> interned, String location, long lineNumber, DropCount dropped) {
        List<String> written = NameLists.split(cell, '|', location, lineNumber, column);
        if (written.isEmpty()) {
            throw new MalformedDataException(location, lineNumber, column,
                    "empty " + kind + " set: expected at least one name");
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String name : written) {
            if (!distinct.add(name)) {
                if (duplicates == Duplicates.FAIL) {
                    throw new MalformedDataException(location, lineNumber, column, kind + " " + name
                            + " appears twice (TcmPdReader.Duplicates.DROP_REPEATS keeps the first)");
                }
                dropped.names++;
                dropped.rows.add(lineNumber);
            }
        }
        List<T> out = new ArrayList<>(distinct.size());
        for (String name : distinct) {
            out.add(interned.computeIfAbsent(name, create));
        }
        return out;
    }

    @Override
    public String toString() {
        return "TcmPdReader(names=" + names + ", split=" + split + ", duplicates=" + duplicates + ")";
    }

    /** Builds a {@link TcmPdReader}; every option has a default, so each setter is {@code optX}. */
    public static final class Builder {
        private Names names = Names.YAO;
        private Split split = Split.YAO;
        private Duplicates duplicates = Duplicates.FAIL;

        private Builder() {}

        /**
         * Sets which name columns to read.
         *
         * @param names the names; default {@link Names#YAO}
         * @return this builder
         * @throws IllegalArgumentException when {@code names} is null
         */
        public Builder optNames(Names names) {
            this.names = Checks.notNull(names, "names");
            return this;
        }

        /**
         * Sets which split column to read.
         *
         * @param split the split; default {@link Split#YAO}
         * @return this builder
         * @throws IllegalArgumentException when {@code split} is null
         */
        public Builder optSplit(Split split) {
            this.split = Checks.notNull(split, "split");
            return this;
        }

        /**
         * Sets what to do with a name repeated inside one row.
         *
         * @param duplicates the policy; default {@link Duplicates#FAIL}
         * @return this builder
         * @throws IllegalArgumentException when {@code duplicates} is null
         */
        public Builder optDuplicates(Duplicates duplicates) {
            this.duplicates = Checks.notNull(duplicates, "duplicates");
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         */
        public TcmPdReader build() {
            return new TcmPdReader(this);
        }
    }
}
