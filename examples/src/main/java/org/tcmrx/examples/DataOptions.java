package org.tcmrx.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tcmrx.core.CaseJsonl;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.LungCaseReader;
import org.tcmrx.core.SmgcnReader;
import org.tcmrx.core.SmgcnSplit;
import org.tcmrx.core.TcmPdReader;
import picocli.CommandLine.Option;

/** The options that choose a data set: {@code --data} and {@code --format}; none means the embedded corpus. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "PATH",
            description = "Data set folder (smgcn, smgcn-sdpr, tcmpd, lung) or JSONL file (jsonl). "
                    + "Default: the embedded corpus of classical formulas.")
    Path data;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Format of --data: ${COMPLETION-CANDIDATES}. Default: jsonl for a file, smgcn for a folder.")
    DataFormat format;

    /** Reads the chosen data set. */
    Dataset load() throws IOException {
        if (data == null) {
            if (format != null) {
                throw new IllegalArgumentException("--format " + format.label() + " needs --data");
            }
            return EmbeddedCorpus.load();
        }
        if (!Files.exists(data)) {
            throw new java.nio.file.NoSuchFileException(data.toString(), null, "--data does not exist");
        }
        DataFormat f = format != null ? format : Files.isRegularFile(data) ? DataFormat.JSONL : DataFormat.SMGCN;
        return switch (f) {
            case SMGCN -> SmgcnReader.read(data, SmgcnSplit.OFFICIAL);
            case SMGCN_SDPR -> SmgcnReader.read(data, SmgcnSplit.SDPR);
            case TCMPD -> TcmPdReader.defaults().read(data);
            // The public lung file gives some herbs two doses; keep the herbs and drop those doses (logged).
            case LUNG -> LungCaseReader.builder().optDoseMismatch(LungCaseReader.DoseMismatch.DROP_DOSE).build()
                    .read(data);
            case JSONL -> CaseJsonl.readDataset(data, data.getFileName().toString().replaceFirst("\\.jsonl$", ""));
        };
    }

    /** Describes the data for the output, e.g. {@code smgcn (train 22917, test 3443) from /data/smgcn}. */
    static String describe(Dataset d, Path data) {
        StringBuilder sb = new StringBuilder(d.name()).append(" (");
        String sep = "";
        for (var e : d.splits().entrySet()) {
            sb.append(sep).append(e.getKey()).append(' ').append(String.format("%,d", e.getValue().size()));
            sep = ", ";
        }
        sb.append(") from ").append(data == null ? "the embedded corpus" : data.toString());
        return sb.toString();
    }
}
