package org.tcmrx.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("CaseJsonl")
class CaseJsonlTest {
    @TempDir
    Path dir;

    private static final String GUIZHI = "{\"id\":\"shl-012\",\"formula\":\"桂枝汤\",\"source\":\"《伤寒论》第12条\","
            + "\"symptoms\":[\"发热\",\"恶风\",\"汗出\"],\"tongue\":\"苔薄白\",\"pulse\":\"脉浮缓\","
            + "\"syndromes\":[\"太阳中风证\"],\"herbs\":[{\"name\":\"桂枝\",\"amount\":9,\"unit\":\"g\"},"
            + "{\"name\":\"大枣\",\"amount\":4,\"unit\":\"枚\"},\"炙甘草\"],\"split\":\"train\"}";

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("cases.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return f;
    }

    @Nested
    @DisplayName("reading")
    class Reading {
        @Test
        @DisplayName("reads every part of a case")
        void full() throws IOException {
            ClinicalCase c = CaseJsonl.read(file(GUIZHI)).get(0);
            assertThat(c.id()).isEqualTo("shl-012");
            assertThat(c.formula()).isEqualTo("桂枝汤");
            assertThat(c.source()).isEqualTo("《伤寒论》第12条");
            assertThat(c.symptoms()).extracting(Symptom::name).containsExactly("发热", "恶风", "汗出");
            assertThat(c.tongue()).isEqualTo("苔薄白");
            assertThat(c.pulse()).isEqualTo("脉浮缓");
            assertThat(c.syndromes()).containsExactly("太阳中风证");
            assertThat(c.herbs()).extracting(Herb::name).containsExactly("桂枝", "大枣", "炙甘草");
            assertThat(c.prescription().dose(Herb.of("大枣"))).contains(new Dose(4, "枚"));
            assertThat(c.prescription().dose(Herb.of("炙甘草"))).isEmpty();
        }

        @Test
        @DisplayName("groups a data set by split, conventional splits first")
        void dataset() throws IOException {
            Path f = file(
                    "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"],\"split\":\"test\"}",
                    "",
                    "{\"id\":\"b\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"],\"split\":\"train\"}",
                    "{\"id\":\"c\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"]}");
            Dataset d = CaseJsonl.readDataset(f, "mine");
            assertThat(d.splitNames()).containsExactly("train", "test", "all");
            assertThat(d.split("test")).extracting(ClinicalCase::id).containsExactly("a");
            assertThat(d.sources()).singleElement().satisfies(s -> {
                assertThat(s.records()).isEqualTo(3);
                assertThat(s.sha256()).hasSize(64);
            });
        }

        @Test
        @DisplayName("a text without symptoms is a valid case")
        void textOnly() throws IOException {
            ClinicalCase c = CaseJsonl.read(file("{\"id\":\"a\",\"text\":\"恶寒发热\",\"herbs\":[\"麻黄\"]}")).get(0);
            assertThat(c.symptoms()).isEmpty();
            assertThat(c.text()).isEqualTo("恶寒发热");
        }
    }

    @Nested
    @DisplayName("writing")
    class Writing {
        @Test
        @DisplayName("round-trips a data set exactly")
        void roundTrip() throws IOException {
            Dataset d = CaseJsonl.readDataset(file(GUIZHI), "x");
            Path out = dir.resolve("out.jsonl");
            CaseJsonl.write(out, d);
            assertThat(Files.readString(out).strip()).isEqualTo(GUIZHI.replace("\"amount\":9,", "\"amount\":9.0,")
                    .replace("\"amount\":4,", "\"amount\":4.0,"));
            assertThat(CaseJsonl.readDataset(out, "x").split("train")).isEqualTo(d.split("train"));
        }

        @Test
        @DisplayName("leaves out absent parts")
        void minimal() throws IOException {
            ClinicalCase c = ClinicalCase.builder().setId("m").setSymptoms("咳嗽")
                    .setPrescription(Prescription.of("杏仁")).build();
            Path out = dir.resolve("m.jsonl");
            CaseJsonl.write(out, List.of(c));
            assertThat(Files.readString(out)).isEqualTo("{\"id\":\"m\",\"symptoms\":[\"咳嗽\"],\"herbs\":[\"杏仁\"]}\n");
        }
    }

    @Nested
    @DisplayName("malformed lines fail with file, line and field")
    class Malformed {
        @ParameterizedTest(name = "{1}")
        @CsvSource(delimiter = '|', value = {
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"]|not valid JSON: Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])",
            "[1,2]|expected a JSON object, found array",
            "{\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"]}|id: missing",
            "{\"id\":7,\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"]}|id: expected a string, found 7",
            "{\"id\":\"a\",\"symptom\":[\"发热\"],\"herbs\":[\"桂枝\"]}|symptom: unknown field; expected one of id, formula, source, text, symptoms, tongue, pulse, syndromes, herbs, split",
            "{\"id\":\"a\",\"symptoms\":[],\"herbs\":[\"桂枝\"]}|symptoms: empty symptom set (a record needs at least one symptom or a text)",
            "{\"id\":\"a\",\"symptoms\":\"发热\",\"herbs\":[\"桂枝\"]}|symptoms: expected an array of strings, found \"发热\"",
            "{\"id\":\"a\",\"symptoms\":[\"发热\",\"\"],\"herbs\":[\"桂枝\"]}|symptoms[1]: expected a non-empty string, found \"\"",
            "{\"id\":\"a\",\"symptoms\":[\"发热\",\"发热\"],\"herbs\":[\"桂枝\"]}|symptoms[1]: duplicate symptom '发热' (also at symptoms[0])",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"]}|herbs: missing",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[]}|herbs: empty herb set",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\",\"桂枝\"]}|herbs[1]: duplicate herb '桂枝' (also at herbs[0])",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\",{\"name\":\"桂枝\",\"amount\":3,\"unit\":\"g\"}]}|herbs[1]: duplicate herb '桂枝' (also at herbs[0])",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[3]}|herbs[0]: expected a herb name or an object with name, amount and unit, found 3",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[{\"amount\":3,\"unit\":\"g\"}]}|herbs[0].name: expected a non-empty string, found null",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[{\"name\":\"桂枝\",\"amount\":3}]}|herbs[0].unit: amount and unit go together; unit is missing",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[{\"name\":\"桂枝\",\"amount\":-3,\"unit\":\"g\"}]}|herbs[0].amount: expected a positive number, found -3",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[{\"name\":\"桂枝\",\"amount\":\"3g\",\"unit\":\"g\"}]}|herbs[0].amount: expected a positive number, found \"3g\"",
            "{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[{\"name\":\"桂枝\",\"dose\":3}]}|herbs[0].dose: unknown field; expected one of name, amount, unit",
        })
        void line(String json, String message) throws IOException {
            Path f = file("{\"id\":\"ok\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"]}", json);
            assertThatThrownBy(() -> CaseJsonl.read(f))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(f + ":2: " + message)
                    .satisfies(e -> assertThat(((MalformedDataException) e).line()).isEqualTo(2));
        }

        @Test
        @DisplayName("a repeated id names the first line")
        void repeatedId() throws IOException {
            Path f = file("{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"]}",
                    "{\"id\":\"a\",\"symptoms\":[\"咳嗽\"],\"herbs\":[\"杏仁\"]}");
            assertThatThrownBy(() -> CaseJsonl.read(f))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(f + ":2: id: 'a' already used on line 1");
        }

        @Test
        @DisplayName("a line in another encoding fails with its line")
        void encoding() throws IOException {
            Path f = dir.resolve("gbk.jsonl");
            Files.write(f, ("{\"id\":\"a\",\"symptoms\":[\"发热\"],\"herbs\":[\"桂枝\"]}\n").getBytes(
                    java.nio.charset.Charset.forName("GBK")));
            assertThatThrownBy(() -> CaseJsonl.read(f))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(f + ":1: not valid UTF-8: byte 0xB7 at byte 24 of the line"
                            + " (is the file in GBK or another encoding?)");
        }

        @Test
        @DisplayName("a missing file is an I/O error naming it")
        void missing() {
            Path f = dir.resolve("nope.jsonl");
            assertThatThrownBy(() -> CaseJsonl.read(f))
                    .isInstanceOf(java.nio.file.NoSuchFileException.class)
                    .hasMessage(f.toString());
        }
    }

    @Test
    @DisplayName("the field list matches what is written")
    void fields() {
        assertThat(CaseJsonl.FIELDS).containsExactly("id", "formula", "source", "text", "symptoms", "tongue",
                "pulse", "syndromes", "herbs", "split");
        assertThat(Map.of()).isEmpty();
    }
}
