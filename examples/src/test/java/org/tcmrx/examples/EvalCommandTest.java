package org.tcmrx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcmrx.examples.CliRun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("tcm eval")
class EvalCommandTest {
    @Nested
    @DisplayName("on the embedded corpus")
    class Embedded {
        @Test
        @DisplayName("prints the table of every baseline at K = 5, 10, 20, 30 with timings and p-values")
        void table() {
            CliRun r = run("eval", "--bootstrap", "200");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Data: classical (train ", "from the embedded corpus")
                    .contains("P@5", "R@10", "F1@20", "NDCG@30")
                    .contains("TopPop ", "CoOcc ", "SetLookup+CoOcc ")
                    .contains("queries/s")
                    .contains("Paired bootstrap, F1@5, 200 resamples, seed 42 (vs TopPop):");
        }

        @Test
        @DisplayName("checks safety by default, and --safe prints what the safe decorator costs in P@K")
        void safety(@TempDir Path dir) throws IOException {
            CliRun r = run("eval", "--ranker", "cooc", "-k", "5,10", "--bootstrap", "100", "--safe", "--out",
                    dir.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Safety (SafetyRules[138 rules, 141 aliases])", "truth ", "十八反",
                    "CoOcc+Safe ", "Cost of SafeHerbRanker", "CoOcc            P@5 ");
            assertThat(Files.readString(dir.resolve("report.md"))).contains("Safety: how many lists trigger",
                    "| CoOcc+Safe | 10 |");
            CliRun off = run("eval", "--ranker", "cooc", "-k", "5", "--bootstrap", "0", "--no-safety");
            assertThat(off.code()).as(off.err()).isZero();
            assertThat(off.out()).doesNotContain("Safety (");
        }

        @Test
        @DisplayName("a user's rule table is used, and a malformed one is refused with its file and line")
        void userRules(@TempDir Path dir) throws IOException {
            Path rules = Files.writeString(dir.resolve("rules.tsv"),
                    "id\tkind\therbs\twith\tseverity\tmax_g\tsource\tnote\n"
                            + "clinic:麻黄-桂枝\tNINETEEN_ANTAGONISMS\t麻黄\t桂枝\tCONTRAINDICATED\t\tclinic\t\n");
            Path aliases = Files.writeString(dir.resolve("aliases.tsv"), "name\tcounts_as\tnote\n");
            CliRun r = run("eval", "--ranker", "toppop", "-k", "5", "--bootstrap", "0", "--safety-rules",
                    rules.toString(), aliases.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("SafetyRules[1 rules, 0 aliases]");
            Files.writeString(rules, "id\tkind\therbs\twith\tseverity\tmax_g\tsource\tnote\n"
                    + "x\tBAD\t麻黄\t\tCAUTION\t\ts\t\n");
            CliRun bad = run("eval", "--ranker", "toppop", "-k", "5", "--bootstrap", "0", "--safety-rules",
                    rules.toString(), aliases.toString());
            assertThat(bad.code()).isNotZero();
            assertThat(bad.err()).contains(rules + ":2: kind: unknown value 'BAD'");
        }

        @Test
        @DisplayName("writes JSON and Markdown reports when asked")
        void reports(@TempDir Path dir) throws IOException {
            CliRun r = run("eval", "--ranker", "toppop,cooc", "-k", "5,10", "--bootstrap", "100", "--out",
                    dir.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readString(dir.resolve("report.md"))).contains("| TopPop", "| CoOcc");
            assertThat(Files.readString(dir.resolve("report.json"))).contains("\"ranker\"", "\"provenance\"");
        }
    }

    @Test
    @DisplayName("evaluates a saved BART ranker beside the baselines")
    void bart(@TempDir Path dir) throws IOException {
        org.tcmrx.core.Dataset corpus = org.tcmrx.core.EmbeddedCorpus.load();
        org.tcmrx.bart.BartHerbTrainingConfig config = org.tcmrx.bart.BartHerbTrainingConfig.builder()
                .optSize(32, 1, 4, 64).optEpochs(2).optBatchSize(32).build();
        org.tcmrx.bart.BartHerbTrainer.Trained trained = org.tcmrx.bart.BartHerbTrainer.train(
                corpus.split("train"), corpus.split("valid"), config, dir.resolve("work"),
                org.tcmrx.core.Progress.NONE, java.util.List.of());
        try (org.tcmrx.bart.BartHerbRanker ranker = trained.ranker()) {
            ranker.save(dir.resolve("model"), trained.provenance());
        }
        CliRun r = run("eval", "--ranker", "toppop", "--bootstrap", "0", "-k", "5", "--bart",
                dir.resolve("model").toString(), "--bart-scoring", "GREEDY");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("BART ", "GREEDY");
    }

    @Nested
    @DisplayName("reports caller mistakes clearly")
    class Mistakes {
        @Test
        @DisplayName("an unknown ranker lists the valid ones")
        void unknownRanker() {
            CliRun r = run("eval", "--ranker", "bart");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("unknown ranker 'bart'; valid rankers: toppop, cooc, setlookup");
        }

        @Test
        @DisplayName("an unknown format lists the valid ones")
        void unknownFormat() {
            CliRun r = run("eval", "--data", ".", "--format", "csv");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("unknown format 'csv'; valid formats: smgcn, smgcn-sdpr, tcmpd, lung, jsonl");
        }

        @Test
        @DisplayName("an unknown split lists the data set's splits")
        void unknownSplit() {
            CliRun r = run("eval", "--split", "dev");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).isEqualTo(
                    "tcm: split 'dev' not in data set 'classical'; valid splits: train, valid, test"
                            + System.lineSeparator());
        }

        @Test
        @DisplayName("a missing data path is named")
        void missingData(@TempDir Path dir) {
            Path missing = dir.resolve("nope");
            CliRun r = run("eval", "--data", missing.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("tcm: " + missing + ": --data does not exist" + System.lineSeparator());
        }

        @Test
        @DisplayName("a malformed JSONL line is reported with file, line and field")
        void malformed(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("cases.jsonl");
            Files.writeString(f, "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[]}\n");
            CliRun r = run("eval", "--data", f.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("tcm: " + f + ":1: herbs: empty herb set" + System.lineSeparator());
        }
    }
}
