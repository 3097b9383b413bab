package dev.llmrollout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 15.4: a rollout spec, its plan and rules have a stable JSON form")
class RolloutSpecJsonTest {

  @Test
  @DisplayName("the defaults round-trip to an equal spec")
  void defaultsRoundTrip() {
    RolloutSpec spec = RolloutSpec.forFlag("support-model").stable("stable").canary("cand").build();

    assertThat(RolloutSpecJson.read(RolloutSpecJson.write(spec))).isEqualTo(spec);
  }

  @Test
  @DisplayName("every field round-trips: shadow, explicit steps, rules with tolerance, segments")
  void everyFieldRoundTrips() {
    RolloutPlan plan =
        RolloutPlan.custom()
            .shadow(Duration.ofMinutes(45), 1_200)
            .step(new CanaryStep(2.5, Duration.ofMinutes(20), 300, Duration.ofHours(3)))
            .step(new CanaryStep(40, Duration.ofMinutes(30), 400, Duration.ofHours(6)))
            .step(new CanaryStep(100, Duration.ofHours(1), 500, Duration.ofHours(12)))
            .onStepTimeout(RolloutPlan.StepTimeoutAction.ROLL_BACK)
            .holdbackPercent(7.5)
            .evidence(RolloutPlan.Evidence.BAKE_ONLY)
            .build();
    RolloutSpec spec =
        RolloutSpec.forFlag("support-model")
            .stable("stable")
            .canary("cand")
            .versions("1.4.2", "2.0.0")
            .plan(plan)
            .rules(
                RuleSet.of(
                    Rule.successRateDrop(0.05).tolerating(0.01),
                    Rule.feedbackRateIncrease("thumbs_down", 0.03),
                    Rule.latencyTailIncrease(0.99, 0.02),
                    new Rule(
                        Metric.ERROR_RATE,
                        "",
                        0,
                        Metric.Direction.HIGHER_IS_WORSE,
                        Metric.Comparison.RELATIVE,
                        0.5,
                        0.1)))
            .segments("free", "pro")
            .shadowCompleted(true)
            .force(true)
            .skipEvalGate("alice: eval service down, incident 42")
            .build();

    String json = RolloutSpecJson.write(spec);

    assertThat(RolloutSpecJson.read(json)).isEqualTo(spec);
    assertThat(json)
        .as("durations are ISO-8601, enums by name")
        .contains("\"minBake\":\"PT20M\"", "\"onStepTimeout\":\"ROLL_BACK\"", "\"metric\":");
  }

  @Test
  @DisplayName("a missing or mistyped field is named, and the constructors still validate")
  void badInputNamesTheField() {
    String json =
        RolloutSpecJson.write(
            RolloutSpec.forFlag("support-model").stable("stable").canary("cand").build());

    assertThatThrownBy(() -> RolloutSpecJson.read(json.replace("\"canary\":\"cand\",", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'canary'");
    assertThatThrownBy(() -> RolloutSpecJson.read(json.replace("\"PT30M\"", "\"half an hour\"")))
        .hasMessageContaining("field 'minBake'")
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> RolloutSpecJson.read(json.replace("\"HOLD\"", "\"WAIT\"")))
        .hasMessageContaining("field 'onStepTimeout'")
        .hasMessageContaining("[HOLD, ROLL_BACK]");
    assertThatThrownBy(
            () ->
                RolloutSpecJson.read(json.replace("\"stable\":\"stable\"", "\"stable\":\"cand\"")))
        .as("the spec's own validation runs on what is read")
        .hasMessageContaining("a variant other than stable");
    assertThatThrownBy(() -> RolloutSpecJson.read("{not json")).hasMessageContaining("not JSON");
  }
}
