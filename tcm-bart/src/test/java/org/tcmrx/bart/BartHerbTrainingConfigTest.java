package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BartHerbTrainingConfig")
class BartHerbTrainingConfigTest {
    @Test
    @DisplayName("the builder keeps every setting and toBuilder round-trips")
    void builder() {
        BartHerbTrainingConfig c = BartHerbTrainingConfig.builder().optSize(64, 1, 4, 128).optSetLossWeight(0.5)
                .optLabelSmoothing(0.1).optDropout(0.2).optPatience(5).optCheckpointEverySteps(50).optSeed(9)
                .optInitCheckpoint(Path.of("bart-base-chinese")).build();
        assertThat(c.dModel()).isEqualTo(64);
        assertThat(c.setLossWeight()).isEqualTo(0.5);
        assertThat(c.labelSmoothing()).isEqualTo(0.1);
        assertThat(c.dropout()).isEqualTo(0.2);
        assertThat(c.patience()).isEqualTo(5);
        assertThat(c.checkpointEverySteps()).isEqualTo(50);
        assertThat(BartHerbTrainingConfig.defaults().checkpointEverySteps()).isZero();
        assertThat(c.initCheckpoint()).isEqualTo(Path.of("bart-base-chinese"));
        assertThat(c.toString()).contains("initCheckpoint=bart-base-chinese");
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.withSeed(10).seed()).isEqualTo(10);
        assertThat(BartHerbTrainingConfig.defaults().setLossWeight()).isZero();
        assertThat(BartHerbTrainingConfig.defaults().initCheckpoint()).isNull();
        assertThat(c.toBuilder().optInitCheckpoint(null).build().initCheckpoint()).isNull();
    }

    @Test
    @DisplayName("invalid settings fail naming the setting")
    void invalid() {
        assertThatThrownBy(() -> BartHerbTrainingConfig.builder().optSetLossWeight(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setLossWeight must be finite and at least 0, got -1.0");
        assertThatThrownBy(() -> BartHerbTrainingConfig.builder().optSetLossWeight(Double.NaN).build())
                .hasMessage("setLossWeight must be finite and at least 0, got NaN");
        assertThatThrownBy(() -> BartHerbTrainingConfig.builder().optDropout(1).build())
                .hasMessage("dropout must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> BartHerbTrainingConfig.builder().optSize(30, 1, 4, 64).build())
                .hasMessage("heads (4) must divide dModel (30)");
        assertThatThrownBy(() -> BartHerbTrainingConfig.builder().optPatience(0).build())
                .hasMessage("patience must be at least 1, got 0");
        assertThatThrownBy(() -> BartHerbTrainingConfig.builder().optCheckpointEverySteps(-1).build())
                .hasMessage("checkpointEverySteps must be at least 0, got -1");
    }
}
