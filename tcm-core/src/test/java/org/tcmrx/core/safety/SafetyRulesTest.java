package org.tcmrx.core.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tcmrx.core.Herb;
import org.tcmrx.core.MalformedDataException;

@DisplayName("SafetyRules")
class SafetyRulesTest {
    private static final String HEADER = "id\tkind\therbs\twith\tseverity\tmax_g\tsource\tnote\n";

    private static List<SafetyRule> rules(String text) throws IOException {
        return SafetyRules.readRules(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "r.tsv");
    }

    private static List<HerbAlias> aliases(String text) throws IOException {
        return SafetyRules.readAliases(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "a.tsv");
    }

    @Nested
    @DisplayName("the embedded table")
    class Embedded {
        @Test
        @DisplayName("holds the eighteen incompatibilities, the nineteen antagonisms, pregnancy lists and dose limits")
        void counts() {
            Map<RuleKind, Long> byKind = SafetyRules.embedded().rules().stream()
                    .collect(Collectors.groupingBy(SafetyRule::kind, Collectors.counting()));
            assertThat(byKind).containsEntry(RuleKind.EIGHTEEN_INCOMPATIBILITIES, 16L)
                    .containsEntry(RuleKind.NINETEEN_ANTAGONISMS, 9L)
                    .containsEntry(RuleKind.PREGNANCY_FORBIDDEN, 31L)
                    .containsEntry(RuleKind.PREGNANCY_CAUTION, 46L)
                    .containsEntry(RuleKind.DOSE_LIMIT, 36L);
            assertThat(SafetyRules.embedded().aliases()).hasSize(141);
        }

        @Test
        @DisplayName("every rule cites a source, and the 藜芦 rule covers 党参 and 西洋参 as the Pharmacopoeia does")
        void sources() {
            SafetyRules t = SafetyRules.embedded();
            assertThat(t.rules()).allSatisfy(r -> assertThat(r.source()).isNotBlank());
            assertThat(t.rule("十八反:藜芦-人参").with()).containsExactly("人参", "党参", "西洋参");
            assertThat(t.rule("剂量:细辛").maxGrams()).isEqualTo(3.0);
            assertThat(t.rule("剂量:细辛").source()).isEqualTo("《中华人民共和国药典》2020年版一部细辛【用法与用量】1～3g");
            assertThat(t.only(EnumSet.of(RuleKind.DOSE_LIMIT)).rules()).hasSize(36);
            assertThatThrownBy(() -> t.rule("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no safety rule with id 'nope'");
        }
    }

    @Nested
    @DisplayName("reading")
    class Reading {
        @Test
        @DisplayName("reads rules with columns in any order, skipping comments and blank lines")
        void reads() throws IOException {
            List<SafetyRule> r = rules("# c\n\nkind\tid\therbs\twith\tseverity\tmax_g\tsource\tnote\n"
                    + "DOSE_LIMIT\td1\t细辛\t\tWARNING\t3\tChP\t\n"
                    + "EIGHTEEN_INCOMPATIBILITIES\tp1\t甘草\t海藻、甘遂\tCONTRAINDICATED\t\tverse\tn\n");
            assertThat(r).containsExactly(
                    new SafetyRule("d1", RuleKind.DOSE_LIMIT, List.of("细辛"), List.of(), Severity.WARNING, 3, "ChP",
                            ""),
                    new SafetyRule("p1", RuleKind.EIGHTEEN_INCOMPATIBILITIES, List.of("甘草"), List.of("海藻", "甘遂"),
                            Severity.CONTRAINDICATED, 0, "verse", "n"));
        }

        @ParameterizedTest(name = "{1}")
        @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "x\tFOO\t甘草\t\tCAUTION\t\ts\t"
                    + "|r.tsv:2: kind: unknown value 'FOO'; expected one of [EIGHTEEN_INCOMPATIBILITIES,"
                    + " NINETEEN_ANTAGONISMS, PREGNANCY_FORBIDDEN, PREGNANCY_CAUTION, DOSE_LIMIT]",
            "x\tDOSE_LIMIT\t甘草\t\tBAD\t1\ts\t"
                    + "|r.tsv:2: severity: unknown value 'BAD'; expected one of [CAUTION, WARNING,"
                    + " CONTRAINDICATED]",
            "x\tDOSE_LIMIT\t细辛\t\tWARNING\tthree\ts\t"
                    + "|r.tsv:2: max_g: expected a positive number of grams, found 'three'",
            "x\tDOSE_LIMIT\t细辛\t\tWARNING\t-1\ts\t|r.tsv:2: max_g: expected a positive number of grams, found '-1'",
            "x\tPREGNANCY_CAUTION\t桃仁\t\tCAUTION\t3\ts\t"
                    + "|r.tsv:2: max_g: only DOSE_LIMIT rules have a dose limit, found '3'"
                    + " on a PREGNANCY_CAUTION rule",
            "x\tNINETEEN_ANTAGONISMS\t丁香\t\tCONTRAINDICATED\t\ts\t"
                    + "|r.tsv:2: with: rule x: a NINETEEN_ANTAGONISMS rule needs"
                    + " herbs on the 'with' side",
            "x\tNINETEEN_ANTAGONISMS\t丁香\t丁香\tCONTRAINDICATED\t\ts\t|r.tsv:2: with: rule x: [丁香] on both sides",
            "x\tPREGNANCY_CAUTION\t桃仁\t红花\tCAUTION\t\ts\t"
                    + "|r.tsv:2: herbs: rule x: a PREGNANCY_CAUTION rule has no 'with'"
                    + " side, got [红花]",
            "x\tPREGNANCY_CAUTION\t桃仁、、红花\t\tCAUTION\t\ts\t|r.tsv:2: herbs: herbs must not be blank",
            "x\tPREGNANCY_CAUTION\t桃仁\t\tCAUTION\t\t\t|r.tsv:2: source: empty value",
            "x\tPREGNANCY_CAUTION\t桃仁\t\tCAUTION\t\ts"
                    + "|r.tsv:2: expected 8 tab-separated columns as in the header, found 7"})
        @DisplayName("says where a rule is malformed")
        void malformed(String row, String message) {
            assertThatThrownBy(() -> rules(HEADER + row + "\n")).isInstanceOf(MalformedDataException.class)
                    .hasMessage(message);
        }

        @Test
        @DisplayName("rejects a repeated id, a missing column and an empty file")
        void structure() {
            String row = "x\tPREGNANCY_CAUTION\t桃仁\t\tCAUTION\t\ts\t\n";
            assertThatThrownBy(() -> rules(HEADER + row + row)).isInstanceOf(MalformedDataException.class)
                    .hasMessage("r.tsv:3: id: 'x' already used on line 2");
            assertThatThrownBy(() -> rules("id\tkind\n")).isInstanceOf(MalformedDataException.class)
                    .hasMessage("r.tsv:1: header: missing column 'herbs'; found columns: id, kind");
            assertThatThrownBy(() -> rules("# only\n")).isInstanceOf(MalformedDataException.class)
                    .hasMessage("r.tsv: header: empty file, expected a header with id, kind, herbs, with, severity, "
                            + "max_g, source, note");
        }

        @Test
        @DisplayName("reads aliases and says where one is malformed")
        void aliasFile() throws IOException {
            String header = "name\tcounts_as\tnote\n";
            assertThat(aliases(header + "白芍\t芍药\twhy\n")).containsExactly(new HerbAlias("白芍", "芍药", "why"));
            assertThatThrownBy(() -> aliases(header + "白芍\t白芍\t\n")).isInstanceOf(MalformedDataException.class)
                    .hasMessage("a.tsv:2: counts_as: '白芍' is aliased to itself");
            assertThatThrownBy(() -> aliases(header + "白芍\t芍药\t\n白芍\t芍药\t\n"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("a.tsv:3: counts_as: '白芍' → '芍药' already given on line 2");
            assertThatThrownBy(() -> aliases(header + "\t芍药\t\n")).isInstanceOf(MalformedDataException.class)
                    .hasMessage("a.tsv:2: name: empty value");
        }

        @Test
        @DisplayName("loads a user's files and matches through them")
        void load(@TempDir Path dir) throws IOException {
            Path r = Files.writeString(dir.resolve("rules.tsv"),
                    HEADER + "mine\tNINETEEN_ANTAGONISMS\t甲\t乙\tCONTRAINDICATED\t\tclinic\t\n");
            Path a = Files.writeString(dir.resolve("aliases.tsv"), "name\tcounts_as\tnote\n甲甲\t甲\t\n");
            SafetyRules t = SafetyRules.load(r, a);
            assertThat(t.countsAs("甲甲")).containsExactly("甲甲", "甲");
            SafetyChecker c = SafetyChecker.builder().optRules(t).build();
            assertThat(c.conflict(Herb.of("甲甲"), Herb.of("乙"))).isTrue();
            assertThat(t.toString()).isEqualTo("SafetyRules[1 rules, 1 aliases]");
        }
    }
}
