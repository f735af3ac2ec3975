package org.tcmrx.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcmrx.core.internal.Checks;
import org.tcmrx.core.internal.HashedLines;
import org.tcmrx.core.internal.IdListParser;

/**
 * Reads the SMGCN "Set2Set" prescription data (Jin et al., ICDE 2020) from its directory, with SMGCN's own herb and
 * symptom ids.
 *
 * <p>The directory holds {@code herb_mapping.txt} and {@code sym_mapping.txt} (lines {@code name<space>id}, ids
 * {@code 0..n-1} in any order), {@code train.txt} and {@code test.txt} (lines {@code symptom ids<TAB>herb ids}, ids
 * separated by spaces) and, for {@link SmgcnSplit#SDPR}, {@code sdpr_split/train_id.txt} and
 * {@code sdpr_split/valid_id.txt} in the same format. Files are strict UTF-8; {@code \r\n} line ends, a byte-order
 * mark, a missing final line end and spaces around ids are accepted; an empty line is an error.
 *
 * <p>A case's id and {@link ClinicalCase#source()} are its file, relative to the directory, and line, e.g.
 * {@code test.txt:17} or {@code sdpr_split/valid_id.txt:3}. Symptoms and herbs keep the order of the line. The data
 * set is named {@value #NAME} and records, for every file read, a {@link DataSource} named {@code smgcn/} plus the
 * relative file name, located at the file's absolute path.
 *
 * <p>Errors: a missing file is a {@link java.nio.file.NoSuchFileException}; a malformed line is a
 * {@link MalformedDataException} whose location is the file's path as given ({@code dir.resolve(name).toString()}).
 */
public final class SmgcnReader {
    /** The data set's name. */
    public static final String NAME = "smgcn";
    /** The herb id mapping, relative to the directory. */
    public static final String HERB_MAPPING = "herb_mapping.txt";
    /** The symptom id mapping, relative to the directory. */
    public static final String SYMPTOM_MAPPING = "sym_mapping.txt";

    private SmgcnReader() {}

    /**
     * Reads one split of the data.
     *
     * @param dir the SMGCN directory
     * @param split which split
     * @return the data set: splits {@code train} and {@code test} ({@link SmgcnSplit#OFFICIAL}) or {@code train},
     *     {@code valid} and {@code test} ({@link SmgcnSplit#SDPR})
     * @throws IllegalArgumentException when an argument is null
     * @throws java.nio.file.NoSuchFileException when a file is missing
     * @throws IOException when a file cannot be read
     * @throws MalformedDataException when a file is malformed; the message gives file, line and field
     */
    public static Dataset read(Path dir, SmgcnSplit split) throws IOException {
        Checks.notNull(dir, "dir");
        Checks.notNull(split, "split");
        List<DataSource> sources = new ArrayList<>();
        Mapping herbs = Mapping.read(dir, HERB_MAPPING, sources);
        Mapping symptoms = Mapping.read(dir, SYMPTOM_MAPPING, sources);
        List<Herb> herbList = herbs.names.stream().map(Herb::new).toList();
        List<Symptom> symptomList = symptoms.names.stream().map(Symptom::new).toList();
        Records records = new Records(dir, sources,
                new IdListParser("symptom ids", "symptom", SYMPTOM_MAPPING, symptoms.names), symptomList,
                new IdListParser("herb ids", "herb", HERB_MAPPING, herbs.names), herbList);

        Map<String, CaseSet> splits = new LinkedHashMap<>();
        switch (split) {
            case OFFICIAL -> splits.put(Dataset.TRAIN, records.read("train.txt", Dataset.TRAIN));
            case SDPR -> {
                splits.put(Dataset.TRAIN, records.read("sdpr_split/train_id.txt", Dataset.TRAIN));
                splits.put(Dataset.VALID, records.read("sdpr_split/valid_id.txt", Dataset.VALID));
            }
        }
        splits.put(Dataset.TEST, records.read("test.txt", Dataset.TEST));
        return Dataset.of(NAME, splits, sources);
    }

    /**
     * Reads the herbs with SMGCN's ids.
     *
     * @param dir the SMGCN directory
     * @return the vocabulary; {@code herb(id)} is the herb SMGCN numbers {@code id}
     * @throws IllegalArgumentException when {@code dir} is null
     * @throws java.nio.file.NoSuchFileException when {@code herb_mapping.txt} is missing
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not {@code name<space>id}, or the ids are not {@code 0..n-1}
     *     each once, or a name appears twice
     */
    public static HerbVocabulary readHerbVocabulary(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        return HerbVocabulary.of(Mapping.read(dir, HERB_MAPPING, new ArrayList<>()).names.stream()
                .map(Herb::new).toList());
    }

    /**
     * Reads the symptoms with SMGCN's ids.
     *
     * @param dir the SMGCN directory
     * @return the vocabulary; {@code symptom(id)} is the symptom SMGCN numbers {@code id}
     * @throws IllegalArgumentException when {@code dir} is null
     * @throws java.nio.file.NoSuchFileException when {@code sym_mapping.txt} is missing
     * @throws IOException when the file cannot be read
     * @throws MalformedDataException when a line is not {@code name<space>id}, or the ids are not {@code 0..n-1}
     *     each once, or a name appears twice
     */
    public static SymptomVocabulary readSymptomVocabulary(Path dir) throws IOException {
        Checks.notNull(dir, "dir");
        return SymptomVocabulary.of(Mapping.read(dir, SYMPTOM_MAPPING, new ArrayList<>()).names.stream()
                .map(Symptom::new).toList());
    }

    /** A mapping file's names in id order. */
    private record Mapping(List<String> names) {
        /** One line, kept until the number of entries, and so the valid id range, is known. */
        private record Entry(long line, String name, String idText) {}

        static Mapping read(Path dir, String relative, List<DataSource> sources) throws IOException {
            Path file = dir.resolve(relative);
            String location = file.toString();
            List<Entry> entries = new ArrayList<>();
            String sha256 = HashedLines.forEach(file, (lineNumber, raw) -> {
                String line = raw.strip();
                if (line.isEmpty()) {
                    throw new MalformedDataException(location, lineNumber, null,
                            "empty line; expected 'name<space>id'");
                }
                int space = line.lastIndexOf(' ');
                if (space < 0) {
                    throw new MalformedDataException(location, lineNumber, null,
                            "expected 'name<space>id', found '" + raw + "'");
                }
                String idText = line.substring(space + 1);
                if (!idText.matches("-?[0-9]+")) {
                    throw new MalformedDataException(location, lineNumber, "id",
                            "'" + idText + "' is not an integer");
                }
                entries.add(new Entry(lineNumber, line.substring(0, space).strip(), idText));
            });
            if (entries.isEmpty()) {
                throw new MalformedDataException(location, 0, null, "no entries; expected lines 'name<space>id'");
            }
            int n = entries.size();
            String[] names = new String[n];
            long[] lineOfId = new long[n];
            Map<String, Long> lineOfName = new HashMap<>(n * 2);
            for (Entry e : entries) {
                int id;
                try {
                    id = Integer.parseInt(e.idText);
                } catch (NumberFormatException tooLarge) {
                    id = -1;
                }
                // n distinct ids inside 0..n-1 leave no gap, so a range check per line is the whole gap check,
                // and it can name the offending line.
                if (id < 0 || id >= n) {
                    throw new MalformedDataException(location, e.line, "id", "id " + e.idText + " is out of range; "
                            + n + " entries need ids 0-" + (n - 1) + " with no gap");
                }
                if (names[id] != null) {
                    throw new MalformedDataException(location, e.line, "id",
                            "id " + id + " appears twice (first at line " + lineOfId[id] + ")");
                }
                Long first = lineOfName.putIfAbsent(e.name, e.line);
                if (first != null) {
                    throw new MalformedDataException(location, e.line, "name",
                            "'" + e.name + "' appears twice (first at line " + first + ")");
                }
                names[id] = e.name;
                lineOfId[id] = e.line;
            }
            sources.add(source(file, relative, sha256, n));
            return new Mapping(List.of(names));
        }
    }

    /** Reads record files against the two mappings. */
    private record Records(Path dir, List<DataSource> sources, IdListParser symptomIds, List<Symptom> symptoms,
            IdListParser herbIds, List<Herb> herbs) {

        CaseSet read(String relative, String splitName) throws IOException {
            Path file = dir.resolve(relative);
            String location = file.toString();
            List<ClinicalCase> cases = new ArrayList<>();
            String sha256 = HashedLines.forEach(file, (lineNumber, line) -> {
                if (line.isEmpty()) {
                    throw new MalformedDataException(location, lineNumber, null,
                            "empty line; expected 'symptom ids<TAB>herb ids'");
                }
                String[] fields = line.split("\t", -1);
                if (fields.length != 2) {
                    throw new MalformedDataException(location, lineNumber, null,
                            "expected 2 tab-separated fields (symptom ids, herb ids), found " + fields.length);
                }
                List<Symptom> caseSymptoms = new ArrayList<>();
                for (int id : symptomIds.parse(fields[0], location, lineNumber)) {
                    caseSymptoms.add(symptoms.get(id));
                }
                List<Herb> caseHerbs = new ArrayList<>();
                for (int id : herbIds.parse(fields[1], location, lineNumber)) {
                    caseHerbs.add(herbs.get(id));
                }
                String id = relative + ":" + lineNumber;
                cases.add(ClinicalCase.builder()
                        .setId(id)
                        .setSymptoms(caseSymptoms)
                        .setPrescription(Prescription.of(caseHerbs))
                        .optSource(id)
                        .build());
            });
            sources.add(source(file, relative, sha256, cases.size()));
            return CaseSet.of(splitName, cases);
        }
    }

    private static DataSource source(Path file, String relative, String sha256, long records) {
        return new DataSource(NAME + "/" + relative, file.toAbsolutePath().normalize().toString(), sha256, records);
    }
}
