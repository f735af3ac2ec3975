package org.tcmrx.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcmrx.nn.TrainingArguments;

@DisplayName("DpoConfig")
class DpoConfigTest {
    @Test
    @DisplayName("defaults follow TRL's DPOConfig")
    void defaults() {
        DpoConfig c = DpoConfig.builder().build();
        assertThat(c.lossType()).isEqualTo(DpoLoss.Type.SIGMOID);
        assertThat(c.beta()).isEqualTo(0.1);
        assertThat(c.labelSmoothing()).isZero();
        assertThat(c.referenceMode()).isEqualTo(ReferenceMode.ADAPTER_DISABLED);
        assertThat(c.disableDropout()).isTrue();
        assertThat(c.learningRate()).isEqualTo(1e-6);
        assertThat(c.maxPromptLength()).isEqualTo(512);
        assertThat(c.maxLength()).isEqualTo(1024);
        assertThat(c.summary()).containsEntry("loss_type", "sigmoid").containsEntry("beta", "0.1")
                .containsEntry("reference", "adapter_disabled").containsEntry("max_prompt_length", "512");
    }

    @Test
    @DisplayName("schedules: linear decays to 0, constant holds the peak after warmup, cosine halves at the middle")
    void schedules() {
        assertThat(DpoConfig.builder().optLearningRate(1e-3).build().schedule(10).at(10)).isZero();
        DpoConfig constant = DpoConfig.builder().optLearningRate(1e-3).optLrSchedulerType(DpoConfig.CONSTANT)
                .optWarmupRatio(0.2).build();
        assertThat(constant.schedule(10).at(1)).isCloseTo(5e-4, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(constant.schedule(10).at(9)).isCloseTo(1e-3, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(DpoConfig.builder().optLearningRate(1e-3).optLrSchedulerType(DpoConfig.COSINE).build()
                .schedule(10).at(5)).isCloseTo(5e-4, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    @DisplayName("the settings shared with TrainingArguments go through it, at DPO's defaults")
    void arguments() {
        DpoConfig c = DpoConfig.builder().optMaxSteps(5).optWarmupRatio(0.1).build();
        assertThat(c.arguments()).isEqualTo(new TrainingArguments(3, 5, 4, 1, 1e-6, 0.1, DpoConfig.LINEAR, 0, 1.0,
                42, null, 0, 2, 0, 0));
        assertThat(c.schedule(20)).hasToString(c.arguments().schedule(20).toString());
        assertThat(c.summary()).containsAllEntriesOf(c.arguments().summary())
                .hasSize(c.arguments().summary().size() + 11);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optBeta(0),
                        "beta must be positive and finite, got 0.0"),
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optLabelSmoothing(0.5),
                        "labelSmoothing must be in [0, 0.5), got 0.5"),
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optLossType(DpoLoss.Type.IPO)
                        .optLabelSmoothing(0.1),
                        "labelSmoothing applies to the sigmoid loss only; the ipo loss needs 0, got 0.1"),
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optEpochs(0), "epochs must be at least 1, got 0"),
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optMaxSteps(0),
                        "maxSteps must be -1 (no limit) or at least 1, got 0"),
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optLrSchedulerType("exp"),
                        "lrSchedulerType: unsupported value 'exp'; supported: linear, cosine, constant"),
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optMaxPromptLength(64).optMaxLength(64),
                        "maxLength must be greater than maxPromptLength (64), got 64"),
                Arguments.of((UnaryOperator<DpoConfigBuilder>) b -> b.optWarmupRatio(1.5),
                        "warmupRatio must be in [0, 1], got 1.5"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    @DisplayName("refuses invalid values naming them")
    void refuses(UnaryOperator<DpoConfigBuilder> change, String message) {
        assertThatThrownBy(() -> change.apply(DpoConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    @DisplayName("null options are refused by name")
    void nulls() {
        assertThatThrownBy(() -> DpoConfig.builder().optLossType(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lossType must not be null");
        assertThatThrownBy(() -> DpoConfig.builder().optReferenceMode(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("referenceMode must not be null");
    }
}
