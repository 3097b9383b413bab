package dev.llmrollout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.2: rules per metric declared before the rollout; guard configuration")
class RuleAndConfigTest {

  @Test
  void defaultRulesAreTheFieldsDefaults() {
    assertThat(RuleSet.ofDefaults().rules())
        .extracting(Rule::metric, Rule::comparison, Rule::threshold)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Metric.SUCCESS_RATE, Metric.Comparison.ABSOLUTE, 0.95),
            org.assertj.core.groups.Tuple.tuple(
                Metric.SUCCESS_RATE, Metric.Comparison.DIFFERENCE, 0.05),
            org.assertj.core.groups.Tuple.tuple(
                Metric.ERROR_RATE, Metric.Comparison.RELATIVE, 0.20),
            org.assertj.core.groups.Tuple.tuple(
                Metric.REFUSAL_RATE, Metric.Comparison.RELATIVE, 0.20),
            org.assertj.core.groups.Tuple.tuple(
                Metric.FEEDBACK_RATE, Metric.Comparison.RELATIVE, 0.20),
            org.assertj.core.groups.Tuple.tuple(
                Metric.LATENCY_QUANTILE, Metric.Comparison.RELATIVE, 0.19999999999999996));
    assertThat(RuleSet.ofDefaults().rules().get(4).feedbackEvent()).isEqualTo("thumbs_down");
    assertThat(RuleSet.ofDefaults().rules().get(5).quantile()).isEqualTo(0.99);
  }

  @Test
  void invalidRulesNameTheField() {
    assertThatThrownBy(() -> Rule.feedbackRateIncreaseAtMost(" ", 0.2))
        .hasMessageContaining("feedbackEvent");
    assertThatThrownBy(() -> Rule.successRateDropAtMost(0)).hasMessageContaining("threshold");
    assertThatThrownBy(() -> Rule.latencyRatioAtMost(0.3, 1.2)).hasMessageContaining("quantile");
    assertThatThrownBy(() -> Rule.successRateDropAtMost(0.05).withDeadBand(0.06))
        .hasMessageContaining("deadBand");
  }

  @Test
  void configValidationNamesTheField() {
    assertThatThrownBy(() -> GuardConfig.custom().alpha(0.7).build())
        .hasMessageStartingWith("alpha");
    assertThatThrownBy(() -> GuardConfig.custom().hysteresis(0).build())
        .hasMessageStartingWith("hysteresis");
    assertThatThrownBy(
            () ->
                GuardConfig.custom()
                    .retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))
                    .build())
        .hasMessageStartingWith("retryMaxBackoff");
    assertThat(GuardConfig.ofDefaults().sampleRatioAlpha()).isEqualTo(0.001);
  }
}
