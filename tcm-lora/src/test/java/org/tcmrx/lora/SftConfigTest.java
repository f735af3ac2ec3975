package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.nn.TrainingArguments;

@DisplayName("SftConfig")
class SftConfigTest {
    @Test
    @DisplayName("the settings shared with TrainingArguments go through it, at SFT's defaults")
    void arguments() {
        SftConfig c = SftConfig.builder().optMaxSteps(5).optWarmupRatio(0.1).build();
        assertThat(c.arguments()).isEqualTo(new TrainingArguments(3, 5, 8, 1, 2e-5, 0.1, SftConfig.COSINE, 0, 1.0,
                42, null, 0, 2, 0, 0));
        assertThat(c.schedule(20)).hasToString(c.arguments().schedule(20).toString());
        assertThat(c.summary()).containsAllEntriesOf(c.arguments().summary())
                .containsEntry("mode", "lora").containsEntry("max_length", "1024")
                .hasSize(c.arguments().summary().size() + 7);
        assertThat(SftConfig.builder().optFullParameters().build().summary()).containsEntry("mode", "full")
                .containsEntry("lora_r", "-");
    }

    @Test
    @DisplayName("an unknown or missing scheduler is refused listing SFT's default first")
    void scheduler() {
        assertThatThrownBy(() -> SftConfig.builder().optLrSchedulerType(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lrSchedulerType: unsupported value 'null'; supported: cosine, linear, constant");
        assertThatThrownBy(() -> SftConfig.builder().optEpochs(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("epochs must be at least 1, got 0");
    }
}
