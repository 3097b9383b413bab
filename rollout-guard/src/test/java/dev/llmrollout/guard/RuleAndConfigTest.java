package dev.llmrollout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 14.4 and 16.5: rules say what they do; configuration validates on construction")
class RuleAndConfigTest {

  @Test
  @DisplayName("the default rules: regression to detect per rule, none tolerated")
  void defaultRules() {
    assertThat(RuleSet.ofDefaults().rules())
        .extracting(Rule::metric, Rule::regressionToDetect, Rule::regressionTolerated)
        .containsExactly(
            Tuple.tuple(Metric.SUCCESS_RATE, 0.05, 0.0),
            Tuple.tuple(Metric.ERROR_RATE, 0.01, 0.0),
            Tuple.tuple(Metric.REFUSAL_RATE, 0.02, 0.0),
            Tuple.tuple(Metric.LATENCY_QUANTILE, 0.02, 0.0));
    assertThat(Rule.successRateDrop(0.05).tolerating(0.01).regressionTolerated()).isEqualTo(0.01);
  }

  @Test
  void invalidRulesNameTheField() {
    assertThatThrownBy(() -> Rule.feedbackRateIncrease(" ", 0.2))
        .hasMessageContaining("feedbackEvent");
    assertThatThrownBy(() -> Rule.successRateDrop(0)).hasMessageContaining("regressionToDetect");
    assertThatThrownBy(() -> Rule.latencyTailIncrease(0.3, 0.02)).hasMessageContaining("quantile");
    assertThatThrownBy(() -> Rule.successRateDrop(0.05).tolerating(0.06))
        .hasMessageContaining("regressionTolerated");
  }

  @Test
  @DisplayName("GuardConfig validates in its constructor, not only in its builder")
  void configValidatesOnConstruction() {
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
    GuardConfig d = GuardConfig.ofDefaults();
    assertThatThrownBy(
            () ->
                new GuardConfig(
                    d.alpha(),
                    d.nonInferiorityAlpha(),
                    1.5,
                    d.hysteresis(),
                    d.sampleRatioAlpha(),
                    d.onSampleRatioMismatch(),
                    d.minSamplesForTest(),
                    d.minSegmentShare(),
                    d.checkInterval(),
                    d.retryInitialBackoff(),
                    d.retryMaxBackoff(),
                    d.actor(),
                    d.leaseTtl()))
        .hasMessageStartingWith("power");
    assertThat(d.sampleRatioAlpha()).isEqualTo(0.001);
    assertThat(d.onSampleRatioMismatch()).isEqualTo(GuardConfig.MismatchAction.HOLD);
  }

  @Test
  @DisplayName("RolloutPlan and RolloutSpec validate in their constructors")
  void planAndSpecValidateOnConstruction() {
    RolloutPlan plan = RolloutPlan.ofDefaults();
    assertThatThrownBy(
            () ->
                new RolloutPlan(
                    Optional.empty(),
                    List.of(plan.steps().get(1), plan.steps().get(0)),
                    plan.onStepTimeout(),
                    5,
                    RolloutPlan.Evidence.REQUIRED,
                    List.of()))
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(
            () ->
                new RolloutPlan(
                    Optional.empty(),
                    plan.steps(),
                    plan.onStepTimeout(),
                    60,
                    plan.evidence(),
                    List.of()))
        .hasMessageStartingWith("holdbackPercent");
    assertThat(plan.holdbackPercent()).isEqualTo(5.0);
    assertThat(plan.canaryPercent(3)).as("the 100 %% step keeps the holdback").isEqualTo(95.0);
    assertThatThrownBy(
            () ->
                new RolloutSpec(
                    "f",
                    "a",
                    "a",
                    Optional.empty(),
                    Optional.empty(),
                    plan,
                    RuleSet.ofDefaults(),
                    List.of(),
                    false,
                    false,
                    Optional.empty(),
                    ShadowRuleSet.ofDefaults()))
        .hasMessageContaining("canary is a, expected a variant other than stable");
  }

  @Test
  @DisplayName("the state machine is a table: an illegal transition throws")
  void illegalTransitionThrows() {
    assertThat(StateTransition.isLegal(RolloutState.CANARY, 0, RolloutState.CANARY, 1)).isTrue();
    assertThat(StateTransition.isLegal(RolloutState.CANARY, 0, RolloutState.HELD, 0)).isTrue();
    assertThat(StateTransition.isLegal(RolloutState.HELD, 0, RolloutState.ROLLED_BACK, -1))
        .isTrue();
    assertThatThrownBy(
            () -> new StateTransition(RolloutState.ROLLED_BACK, -1, RolloutState.CANARY, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("illegal rollout transition ROLLED_BACK -> CANARY step 1");
    assertThatThrownBy(() -> new StateTransition(RolloutState.CANARY, 2, RolloutState.CANARY, 1))
        .as("never a step back")
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new StateTransition(RolloutState.PROMOTED, -1, RolloutState.HELD, -1))
        .isInstanceOf(IllegalStateException.class);
  }
}
