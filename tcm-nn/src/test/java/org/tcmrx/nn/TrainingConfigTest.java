package org.tcmrx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcmrx.nn.TrainingLoopTest.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TrainingConfig")
class TrainingConfigTest {
    @Test
    @DisplayName("required values and invalid values fail naming the argument")
    void invalid() {
        assertThatThrownBy(() -> TrainingConfig.builder().setEpochs(1)
                .setSchedule(LearningRateSchedule.constant(1e-3)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("seed is required; call setSeed");
        assertThatThrownBy(() -> config(10).setEpochs(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epochs must be at least 1, got 0");
        assertThatThrownBy(() -> config(10).optMaxSteps(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSteps must be -1 (no limit) or at least 1, got 0");
        assertThatThrownBy(() -> config(10).optGradientAccumulationSteps(0).build())
                .hasMessage("gradientAccumulationSteps must be at least 1, got 0");
        assertThatThrownBy(() -> config(10).optMaxGradNorm(-1).build())
                .hasMessage("maxGradNorm must be finite and at least 0, got -1.0");
        assertThatThrownBy(() -> NonFinitePolicy.parse("ignore")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("onNonFinite must be one of fail, skip_step; got 'ignore'");
        assertThatThrownBy(() -> EarlyStopping.Mode.parse("lower"))
                .hasMessage("mode must be one of min, max; got 'lower'");
        assertThatThrownBy(() -> new EarlyStopping("eval_loss", EarlyStopping.Mode.MIN, -1, 0))
                .hasMessage("patience must be at least 0, got -1");
    }

    @Test
    @DisplayName("defaults follow Hugging Face's TrainingArguments")
    void defaults() {
        TrainingConfig c = config(10).build();
        assertThat(c.gradientAccumulationSteps()).isEqualTo(1);
        assertThat(c.maxGradNorm()).isEqualTo(1.0);
        assertThat(c.adamW().weightDecay()).isZero();
        assertThat(c.evalEverySteps()).isZero();
        assertThat(c.onNonFinite()).isEqualTo(NonFinitePolicy.FAIL);
        assertThat(c.summary()).containsEntry("schedule",
                "linear_with_warmup(peak=0.05, warmup_steps=3, total_steps=10)").containsEntry("seed", "7");
    }
}
