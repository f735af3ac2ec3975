package org.tcmrx.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.HashedLines;
import org.tcmrx.core.internal.NameLists;
import org.tcmrx.core.internal.TsvHeader;

/**
 * Reads the 88 lung-disease cases with doses published with PresRecRF (Yang et al., Phytomedicine 2024), file
 * {@value #FILE} in the TCM-Lung directory.
 *
 * <p>The file is tab-separated with a header row; columns are found by name: {@code Lung_ID} (unique), {@code Symptom},
 * {@code Syndrome} and {@code Herb} (names separated by {@code ,}) and {@code Herb_dose} (items
 * {@code name$amount@unit} separated by {@code ,}, e.g. {@code 僵蚕$15.0@g}); other columns are ignored. Symptoms and
 * herbs must be non-empty and distinct, syndromes distinct (possibly none). The gram unit written {@code G},
 * {@code g.} or {@code G.} is read as {@code g}; other units are kept as written.
 *
 * <p>The {@code Herb} column is the prescription and {@code Herb_dose} must agree with it: a dose for a herb not in
 * {@code Herb} always fails. What happens when a herb of {@code Herb} has two doses or none depends on
 * {@link DoseMismatch}; the published file has both (12 rows give a herb two different doses, e.g. {@code 姜$15.0@g}
 * and {@code 姜$10.0@g} where two forms of ginger were merged under one name, one row repeats an identical dose, and 2
 * rows give {@code 地黄} no dose), so it reads only with {@link DoseMismatch#DROP_DOSE}.
 *
 * <p>A case's id is {@code PresRecRF_Lung_case.tsv:<line>} (the header is line 1); its {@link ClinicalCase#source()}
 * adds the upstream id, e.g. {@code PresRecRF_Lung_case.tsv:2 (Lung_ID 0)}. The data set is named {@value #NAME} and
 * has one split, {@value #SPLIT}; its {@link DataSource} is named {@code tcm-lung/PresRecRF_Lung_case.tsv}. Messages
 * about a malformed row give the file's path as given ({@code dir.resolve(FILE).toString()}), the line and the
 * column name.
 */
public final class LungCaseReader {
    /** The data set's name. */
    public static final String NAME = "tcm-lung";
    /** The file read, relative to the TCM-Lung directory. */
    public static final String FILE = "PresRecRF_Lung_case.tsv";
    /** The name of the only split: the file has no split. */
    public static final String SPLIT = "all";

    private static final Logger LOG = LoggerFactory.getLogger(LungCaseReader.class);
    private static final Pattern DOSE = Pattern.compile("([^$@]+)\\$([^$@]+)@([^$@]+)");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final String DOSE_COLUMN = "Herb_dose";
    private static final String HERB_COLUMN = "Herb";

    /** What to do when {@code Herb_dose} gives a herb of the {@code Herb} column two doses, or none. */
    public enum DoseMismatch {
        /** Fail with a {@link MalformedDataException} naming the line and the herb. */
        FAIL,
        /**
         * Keep the herb without a dose: when it has none, or two different ones (which is right is unknown). A dose
         * repeated identically is kept once. The number of herbs left without a dose is logged.
         */
        DROP_DOSE
    }

    private final DoseMismatch doseMismatch;

    private LungCaseReader(Builder builder) {
        this.doseMismatch = builder.doseMismatch;
    }

    /**
     * Returns a new builder with the default {@link DoseMismatch#FAIL}.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a reader with the default {@link DoseMismatch#FAIL}.
     *
     * @return the reader
     */
    public static LungCaseReader defaults() {
        return builder().build();
    }

    /**
     * Reads the cases.
     *
     * @param dir the TCM-Lung directory, which holds {@value #FILE}
     * @return the data set, with the single split {@value #SPLIT}
     * @throws IllegalArgumentException when {@code dir} is null
     * @throws java.nio.file.NoSuchFileException when the file is missing
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when the file is malformed; the message gives file, line and column
     */
    public Dataset read(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        Path file = dir.resolve(FILE);
        String location = file.toString();
        List<ClinicalCase> cases = new ArrayList<>();
        Map<String, Long> lineOfId = new HashMap<>();
        Stats stats = new Stats();
        Columns[] columns = new Columns[1];
        String sha256 = HashedLines.forEach(file, (lineNumber, line) -> {
            if (columns[0] == null) {
                columns[0] = new Columns(TsvHeader.parse(location, lineNumber, line));
                return;
            }
            Columns c = columns[0];
            String[] values = c.header.split(lineNumber, line);
            String lungId = values[c.id];
            if (lungId.isBlank()) {
                throw new MalformedDataException(location, lineNumber, "Lung_ID", "empty; expected an id");
            }
            Long first = lineOfId.putIfAbsent(lungId, lineNumber);
            if (first != null) {
                throw new MalformedDataException(location, lineNumber, "Lung_ID",
                        "'" + lungId + "' appears twice (first at line " + first + ")");
            }
            List<String> symptoms = distinct(values[c.symptom], "Symptom", "symptom", location, lineNumber);
            if (symptoms.isEmpty()) {
                throw new MalformedDataException(location, lineNumber, "Symptom",
                        "empty symptom set: expected at least one name");
            }
            List<String> syndromes = distinct(values[c.syndrome], "Syndrome", "syndrome", location, lineNumber);
            List<String> herbNames = distinct(values[c.herb], HERB_COLUMN, "herb", location, lineNumber);
            if (herbNames.isEmpty()) {
                throw new MalformedDataException(location, lineNumber, HERB_COLUMN,
                        "empty herb set: expected at least one name");
            }
            List<Herb> herbs = herbNames.stream().map(Herb::new).toList();
            Map<Herb, Dose> doses = doses(values[c.dose], herbs, location, lineNumber, stats);
            String id = FILE + ":" + lineNumber;
            cases.add(ClinicalCase.builder()
                    .setId(id)
                    .setSymptoms(symptoms.stream().map(Symptom::new).toList())
                    .optSyndromes(syndromes)
                    .setPrescription(new Prescription(herbs, doses))
                    .optSource(id + " (Lung_ID " + lungId + ")")
                    .build());
        });
        if (columns[0] == null) {
            throw new MalformedDataException(location, 0, null, "empty file; expected a header row");
        }
        if (stats.herbsWithoutDose > 0) {
            LOG.warn("{}: kept {} herbs without a dose in {} of {} rows: {} given two different doses, {} given none"
                    + " (DoseMismatch.DROP_DOSE)", location, stats.herbsWithoutDose, stats.rowsWithoutDose.size(),
                    cases.size(), stats.conflicting, stats.herbsWithoutDose - stats.conflicting);
        }
        if (stats.gramSpellings > 0) {
            LOG.info("{}: read {} doses written in G, g. or G. as grams", location, stats.gramSpellings);
        }
        Map<String, CaseSet> splits = new LinkedHashMap<>();
        splits.put(SPLIT, CaseSet.of(SPLIT, cases));
        DataSource source = new DataSource(NAME + "/" + FILE, file.toAbsolutePath().normalize().toString(), sha256,
                cases.size());
        return Dataset.of(NAME, splits, List.of(source));
    }

    /** The columns used, found by name in the header. */
    private static final class Columns {
        final TsvHeader header;
        final int id;
        final int symptom;
        final int syndrome;
        final int herb;
        final int dose;

        Columns(TsvHeader header) {
            this.header = header;
            this.id = header.column("Lung_ID");
            this.symptom = header.column("Symptom");
            this.syndrome = header.column("Syndrome");
            this.herb = header.column(HERB_COLUMN);
            this.dose = header.column(DOSE_COLUMN);
        }
    }

    /** What {@link DoseMismatch#DROP_DOSE} and the unit spelling changed, for the log. */
    private static final class Stats {
        long herbsWithoutDose;
        long conflicting;
        long gramSpellings;
        final Set<Long> rowsWithoutDose = new HashSet<>();
    }

    private static List<String> distinct(String cell, String column, String kind, String location, long lineNumber) {
        List<String> names = NameLists.split(cell, ',', location, lineNumber, column);
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new MalformedDataException(location, lineNumber, column, kind + " " + name + " appears twice");
            }
        }
        return names;
    }

    /** Parses {@code Herb_dose} and checks it against the herbs of the {@code Herb} column. */
    private Map<Herb, Dose> doses(String cell, List<Herb> herbs, String location, long lineNumber, Stats stats) {
        Map<Herb, List<Dose>> given = new LinkedHashMap<>();
        for (String item : cell.isEmpty() ? new String[0] : cell.split(",", -1)) {
            Matcher m = DOSE.matcher(item);
            if (!m.matches() || !m.group(1).strip().equals(m.group(1)) || !m.group(3).strip().equals(m.group(3))) {
                throw new MalformedDataException(location, lineNumber, DOSE_COLUMN,
                        "expected name$amount@unit, found '" + item + "'");
            }
            Herb herb = new Herb(m.group(1));
            if (!herbs.contains(herb)) {
                throw new MalformedDataException(location, lineNumber, DOSE_COLUMN,
                        "herb " + herb + " is not in the Herb column");
            }
            if (!DECIMAL.matcher(m.group(2)).matches()) {
                throw new MalformedDataException(location, lineNumber, DOSE_COLUMN,
                        "expected a decimal amount for " + herb + ", found '" + m.group(2) + "'");
            }
            double amount = Double.parseDouble(m.group(2));
            if (amount <= 0) {
                throw new MalformedDataException(location, lineNumber, DOSE_COLUMN,
                        "expected a positive amount for " + herb + ", found '" + m.group(2) + "'");
            }
            // A decimal of more than 308 digits reads as infinity, which no dose holds.
            if (Double.isInfinite(amount)) {
                throw new MalformedDataException(location, lineNumber, DOSE_COLUMN,
                        "amount for " + herb + " is too large to read, found '" + m.group(2) + "'");
            }
            given.computeIfAbsent(herb, h -> new ArrayList<>()).add(new Dose(amount, unit(m.group(3), stats)));
        }
        Map<Herb, Dose> doses = new HashMap<>();
        for (Herb herb : herbs) {
            List<Dose> d = given.getOrDefault(herb, List.of());
            boolean agreed = d.size() == 1 || (doseMismatch == DoseMismatch.DROP_DOSE && Set.copyOf(d).size() == 1);
            if (agreed) {
                doses.put(herb, d.get(0));
                continue;
            }
            if (doseMismatch == DoseMismatch.FAIL) {
                String problem = d.isEmpty()
                        ? "no dose for herb " + herb + " of the Herb column"
                        : "herb " + herb + " has " + d.size() + " doses (" + joined(d) + ")";
                throw new MalformedDataException(location, lineNumber, DOSE_COLUMN,
                        problem + "; LungCaseReader.DoseMismatch.DROP_DOSE keeps the herb without a dose");
            }
            stats.herbsWithoutDose++;
            stats.rowsWithoutDose.add(lineNumber);
            if (!d.isEmpty()) {
                stats.conflicting++;
            }
        }
        return doses;
    }

    private static String joined(List<Dose> doses) {
        List<String> texts = new ArrayList<>();
        for (Dose d : doses) {
            texts.add(d.toString());
        }
        return String.join(", ", texts);
    }

    /** Reads the spellings of gram seen in the published file ({@code G}, {@code g.}) as {@code g}. */
    private static String unit(String written, Stats stats) {
        if (written.equals("G") || written.equals("g.") || written.equals("G.")) {
            stats.gramSpellings++;
            return "g";
        }
        return written;
    }

    @Override
    public String toString() {
        return "LungCaseReader(doseMismatch=" + doseMismatch + ")";
    }

    /** Builds a {@link LungCaseReader}; every option has a default, so each setter is {@code optX}. */
    public static final class Builder {
        private DoseMismatch doseMismatch = DoseMismatch.FAIL;

        private Builder() {}

        /**
         * Sets what to do when a herb has two doses or none.
         *
         * @param doseMismatch the policy; default {@link DoseMismatch#FAIL}
         * @return this builder
         * @throws IllegalArgumentException when {@code doseMismatch} is null
         */
        public Builder optDoseMismatch(DoseMismatch doseMismatch) {
            this.doseMismatch = Checks.notNull(doseMismatch, "doseMismatch");
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         */
        public LungCaseReader build() {
            return new LungCaseReader(this);
        }
    }
}
