package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Prescription;
import org.tcmrx.core.Query;

@DisplayName("HerbTokenizer")
class HerbTokenizerTest {
    private static final List<ClinicalCase> TRAIN = List.of(
            ClinicalCase.builder().setId("1").setSymptoms("发热", "恶寒").optPulse("脉浮紧")
                    .setPrescription(Prescription.of("麻黄", "桂枝", "甘草")).build(),
            ClinicalCase.builder().setId("2").setSymptoms("发热").setPrescription(Prescription.of("桂枝", "甘草"))
                    .build(),
            ClinicalCase.builder().setId("3").setSymptoms("咳嗽").setPrescription(Prescription.of("甘草")).build());

    @Test
    @DisplayName("lays out specials, findings and herbs, each section by frequency")
    void layout() {
        HerbTokenizer t = HerbTokenizer.fit(TRAIN, HerbOrder.FREQUENCY, true);
        assertThat(t.tokens()).containsExactly("<pad>", "<s>", "</s>", "<unk>", "s:发热", "p:脉浮紧", "s:咳嗽",
                "s:恶寒", "h:甘草", "h:桂枝", "h:麻黄");
        assertThat(t.herbStart()).isEqualTo(8);
        assertThat(t.isHerb(7)).isFalse();
        assertThat(t.herb(9)).isEqualTo(Herb.of("桂枝"));
        assertThatThrownBy(() -> t.herb(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token id 4 is not a herb; herbs are ids 8-10");
    }

    @Test
    @DisplayName("encodes queries with <s> ... </s> and one <unk> for unknown findings")
    void queries() {
        HerbTokenizer t = HerbTokenizer.fit(TRAIN, HerbOrder.FREQUENCY, true);
        Query q = new Query(List.of(org.tcmrx.core.Symptom.of("恶寒"), org.tcmrx.core.Symptom.of("头痛"),
                org.tcmrx.core.Symptom.of("身痛")), null, null, "脉浮紧", List.of());
        assertThat(t.encodeQuery(q)).containsExactly(1, 7, 3, 5, 2);
        assertThat(HerbTokenizer.fit(TRAIN, HerbOrder.FREQUENCY, false).encodeQuery(q)).containsExactly(1, 6, 3, 2);
    }

    @Test
    @DisplayName("orders target herbs canonically by frequency, or as written")
    void targets() {
        List<Herb> written = Prescription.of("麻黄", "桂枝", "甘草").herbs();
        assertThat(HerbTokenizer.fit(TRAIN, HerbOrder.FREQUENCY, true).encodeHerbs(written))
                .containsExactly(8, 9, 10, 2);
        assertThat(HerbTokenizer.fit(TRAIN, HerbOrder.AS_WRITTEN, true).encodeHerbs(written))
                .containsExactly(10, 9, 8, 2);
        assertThatThrownBy(() -> HerbTokenizer.fit(TRAIN, HerbOrder.FREQUENCY, true)
                .encodeHerbs(List.of(Herb.of("人参"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("herb '人参' is not in the tokenizer's vocabulary");
    }

    @Test
    @DisplayName("saves and loads the same vocabulary and settings")
    void roundTrip(@TempDir Path dir) throws IOException {
        HerbTokenizer t = HerbTokenizer.fit(TRAIN, HerbOrder.AS_WRITTEN, false);
        t.save(dir);
        HerbTokenizer back = HerbTokenizer.load(dir);
        assertThat(back.tokens()).isEqualTo(t.tokens());
        assertThat(back.herbStart()).isEqualTo(t.herbStart());
        assertThat(back.order()).isEqualTo(HerbOrder.AS_WRITTEN);
        assertThat(back.tongueAndPulse()).isFalse();
    }

    @Test
    @DisplayName("rejects files that disagree, naming file and field")
    void malformed(@TempDir Path dir) throws IOException {
        HerbTokenizer.fit(TRAIN, HerbOrder.FREQUENCY, true).save(dir);
        Path vocab = dir.resolve(HerbTokenizer.VOCAB_FILE);
        Files.writeString(vocab, Files.readString(vocab).replace("h:桂枝\n", ""));
        assertThatThrownBy(() -> HerbTokenizer.load(dir)).isInstanceOf(MalformedDataException.class)
                .hasMessage(dir.resolve(HerbTokenizer.CONFIG_FILE) + ": vocab_size: says 11 but vocab.txt has 10 tokens");
        Files.writeString(vocab, Files.readString(vocab).replace("s:恶寒\n", "s:恶寒\n恶寒\n"));
        assertThatThrownBy(() -> HerbTokenizer.load(dir)).isInstanceOf(MalformedDataException.class)
                .hasMessage(vocab + ":9: expected a token starting with h:, found '恶寒'");
    }
}
