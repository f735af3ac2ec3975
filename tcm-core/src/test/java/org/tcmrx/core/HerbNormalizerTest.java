package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("HerbNormalizer")
class HerbNormalizerTest {
    private final HerbNormalizer standard = HerbNormalizer.standard();
    private final HerbNormalizer withRules = HerbNormalizer.builder().optDefaultProcessingRules().build();

    @Nested
    @DisplayName("standard steps")
    class Standard {
        @Test
        @DisplayName("full-width brackets and letters become half-width")
        void width() {
            HerbNormalizer.Normalization n = standard.explain("甘草（炙）");
            assertThat(n.herb()).isEqualTo(Herb.of("炙甘草"));
            assertThat(n.steps()).containsExactly("width: 甘草（炙） → 甘草(炙)", "mark: 甘草(炙) → 炙甘草");
            assertThat(standard.normalize("ＶｉｔａｍｉｎＣ")).isEqualTo(Herb.of("VitaminC"));
        }

        @Test
        @DisplayName("white space of every kind is removed")
        void space() {
            assertThat(standard.normalize(" 白\u3000术\t")).isEqualTo(Herb.of("白术"));
            assertThat(standard.explain("当 归").steps()).containsExactly("space: 当 归 → 当归");
        }

        @Test
        @DisplayName("a bracketed trailing mark is spelt as the usual prefix, without merging")
        void mark() {
            assertThat(standard.normalize("白术(炒)")).isEqualTo(Herb.of("炒白术"));
            assertThat(standard.normalize("枳实(麸炒)")).isEqualTo(Herb.of("麸炒枳实"));
        }

        @Test
        @DisplayName("a name already canonical is untouched and reports no step")
        void untouched() {
            assertThat(standard.explain("黄芪").steps()).isEmpty();
        }

        @Test
        @DisplayName("a bracket that is not a processing mark stays")
        void otherBrackets() {
            assertThat(standard.normalize("贝母(川)")).isEqualTo(Herb.of("贝母(川)"));
        }

        @Test
        @DisplayName("without a rule table, processed forms are never merged")
        void noMerges() {
            assertThat(standard.normalize("炒白术")).isEqualTo(Herb.of("炒白术"));
            assertThat(standard.normalize("炙甘草")).isEqualTo(Herb.of("炙甘草"));
        }

        @Test
        @DisplayName("a blank name is a caller error naming the input")
        void blank() {
            assertThatThrownBy(() -> standard.normalize(" \u3000 "))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("herb name is blank: ' \u3000 '");
            assertThatThrownBy(() -> standard.normalize(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("written must not be null");
        }
    }

    @Nested
    @DisplayName("default processing rules")
    class DefaultRules {
        @ParameterizedTest(name = "{0} → {1}")
        @CsvSource({"炒白术,白术", "焦白术,白术", "白术(炒),白术", "炙甘草,甘草", "甘草（炙）,甘草", "麸炒枳实,枳实",
            "焦山楂,山楂", "生石膏,石膏"})
        @DisplayName("merge the forms the table lists")
        void merges(String written, String canonical) {
            HerbNormalizer.Normalization n = withRules.explain(written);
            assertThat(n.herb()).isEqualTo(Herb.of(canonical));
            assertThat(n.steps()).last().asString().startsWith("rule: ");
        }

        @ParameterizedTest(name = "{0} stays {0}")
        @ValueSource(strings = {"生姜", "干姜", "炮姜", "生地黄", "熟地黄", "附子", "制附子", "炮附子", "煅龙骨",
            "煅牡蛎", "煅石膏", "川乌", "制川乌", "草乌", "制草乌", "白芍", "赤芍", "大黄"})
        @DisplayName("never merge different medicines")
        void distinct(String written) {
            assertThat(withRules.normalize(written)).isEqualTo(Herb.of(written));
        }

        @Test
        @DisplayName("every rule has a reason and no rule chains")
        void wellFormed() {
            assertThat(withRules.rules()).isNotEmpty();
            withRules.rules().values().forEach(r -> {
                assertThat(r.reason()).as(r.written()).isNotBlank();
                assertThat(withRules.rules()).as(r.written()).doesNotContainKey(r.canonical());
            });
        }
    }

    @Nested
    @DisplayName("rule tables")
    class Tables {
        private List<HerbNormalizer.Rule> read(String text) throws IOException {
            return HerbNormalizer.readRules(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                    "rules.tsv");
        }

        @Test
        @DisplayName("comments and blank lines are skipped; the reason is optional")
        void reads() throws IOException {
            assertThat(read("# a comment\n\n炒白术\t白术\t麸炒\n生黄芪\t黄芪\n")).containsExactly(
                    new HerbNormalizer.Rule("炒白术", "白术", "麸炒"), new HerbNormalizer.Rule("生黄芪", "黄芪", ""));
        }

        @Test
        @DisplayName("a line with one column fails with its line")
        void columns() {
            assertThatThrownBy(() -> read("炒白术\t白术\n炒白芍\n"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("rules.tsv:2: expected 'written<TAB>canonical[<TAB>reason]', found 1 column(s)");
        }

        @Test
        @DisplayName("a repeated written form fails naming the first line")
        void repeated() {
            assertThatThrownBy(() -> read("炒白术\t白术\n炒白术\t苍术\n"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("rules.tsv:2: written: '炒白术' already has a rule on line 1");
        }

        @Test
        @DisplayName("chains are rejected")
        void chains() {
            assertThatThrownBy(() -> read("焦白术\t炒白术\n炒白术\t白术\n"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("rules.tsv:1: canonical: '炒白术' is itself rewritten on line 2; rules may not chain");
        }

        @Test
        @DisplayName("a self-mapping is rejected")
        void self() {
            assertThatThrownBy(() -> read("白术\t白术\n"))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage("rules.tsv:1: canonical: '白术' is mapped to itself");
        }

        @Test
        @DisplayName("a file in another encoding fails with its line")
        void encoding(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("gbk.tsv");
            Files.write(file, "炒白术\t白术\n".getBytes(java.nio.charset.Charset.forName("GBK")));
            assertThatThrownBy(() -> HerbNormalizer.builder().optRules(file))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessageStartingWith(file + ":1: not valid UTF-8: byte 0xB3 at byte 1 of the line");
        }

        @Test
        @DisplayName("builder rejects conflicting and chaining rules")
        void builder() {
            assertThatThrownBy(() -> HerbNormalizer.builder().addRule("炒白术", "白术", "")
                    .addRule("炒白术", "苍术", "").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("conflicting rules for '炒白术': '白术' and '苍术'");
            assertThatThrownBy(() -> HerbNormalizer.builder().addRule("焦白术", "炒白术", "")
                    .addRule("炒白术", "白术", "").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("rules chain: '焦白术' → '炒白术' → '白术'");
        }
    }
}
