package dev.llmrollout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.1: rollout plans declared in code or in flag metadata")
class RolloutPlanTest {

  @Test
  void defaultsStepFiveTwentyFiveFiftyHundred() {
    RolloutPlan plan = RolloutPlan.ofDefaults();
    assertThat(plan.steps())
        .extracting(CanaryStep::percent)
        .containsExactly(5.0, 25.0, 50.0, 100.0);
    assertThat(plan.steps().get(0).minBake()).isEqualTo(Duration.ofMinutes(30));
    assertThat(plan.steps().get(0).minSamplesPerArm()).isEqualTo(500);
    assertThat(plan.onStepTimeout()).isEqualTo(RolloutPlan.StepTimeoutAction.HOLD);
    assertThat(plan.isBlueGreen()).isFalse();
  }

  @Test
  void blueGreenIsOneStepToHundred() {
    assertThat(RolloutPlan.blueGreen().steps())
        .extracting(CanaryStep::percent)
        .containsExactly(100.0);
    assertThat(RolloutPlan.blueGreen().isBlueGreen()).isTrue();
  }

  @Test
  void builderMessagesNameTheField() {
    assertThatThrownBy(() -> RolloutPlan.custom().steps(5, 50, 25, 100).build())
        .hasMessageContaining("steps")
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> RolloutPlan.custom().steps(5, 50).build())
        .hasMessageContaining("steps")
        .hasMessageContaining("100");
    assertThatThrownBy(() -> RolloutPlan.custom().minBake(Duration.ofMinutes(-1)).build())
        .hasMessageStartingWith("minBake");
    assertThatThrownBy(() -> RolloutPlan.custom().minSamplesPerArm(-5).build())
        .hasMessageStartingWith("minSamplesPerArm");
    assertThatThrownBy(
            () ->
                RolloutPlan.custom()
                    .minBake(Duration.ofHours(2))
                    .maxStepDuration(Duration.ofHours(1))
                    .build())
        .hasMessageStartingWith("maxStepDuration");
  }

  @Test
  void fromBaseKeepsValues() {
    RolloutPlan base = RolloutPlan.custom().steps(10, 100).shadow(Duration.ofHours(1), 200).build();
    RolloutPlan copy =
        RolloutPlan.from(base).onStepTimeout(RolloutPlan.StepTimeoutAction.ROLL_BACK).build();
    assertThat(copy.steps()).isEqualTo(base.steps());
    assertThat(copy.shadow()).isEqualTo(base.shadow());
    assertThat(copy.onStepTimeout()).isEqualTo(RolloutPlan.StepTimeoutAction.ROLL_BACK);
  }

  @Test
  void readsFlagMetadata() {
    RolloutPlan plan =
        RolloutPlan.fromMetadata(
            "support-model",
            Map.of(
                "rollout.steps", "10, 50, 100",
                "rollout.minBake", "PT15M",
                "rollout.maxStepDuration", "PT2H",
                "rollout.minSamplesPerArm", 300,
                "rollout.onStepTimeout", "roll_back",
                "rollout.shadowMinSamples", "1000"));
    assertThat(plan.steps()).extracting(CanaryStep::percent).containsExactly(10.0, 50.0, 100.0);
    assertThat(plan.steps().get(1).minBake()).isEqualTo(Duration.ofMinutes(15));
    assertThat(plan.steps().get(1).maxDuration()).isEqualTo(Duration.ofHours(2));
    assertThat(plan.steps().get(2).minSamplesPerArm()).isEqualTo(300);
    assertThat(plan.onStepTimeout()).isEqualTo(RolloutPlan.StepTimeoutAction.ROLL_BACK);
    assertThat(plan.shadow())
        .get()
        .extracting(RolloutPlan.ShadowPhase::minSamples)
        .isEqualTo(1000L);
  }

  @Test
  void malformedMetadataNamesFlagAndKey() {
    assertThatThrownBy(
            () ->
                RolloutPlan.fromMetadata("support-model", Map.of("rollout.minBake", "30 minutes")))
        .hasMessageContaining("flag 'support-model'")
        .hasMessageContaining("rollout.minBake")
        .hasMessageContaining("ISO-8601");
    assertThatThrownBy(
            () -> RolloutPlan.fromMetadata("support-model", Map.of("rollout.steps", "5,25,fifty")))
        .hasMessageContaining("rollout.steps");
    assertThatThrownBy(
            () -> RolloutPlan.fromMetadata("support-model", Map.of("rollout.steps", "5,25")))
        .hasMessageContaining("flag 'support-model'")
        .hasMessageContaining("100");
  }

  @Test
  @DisplayName("the first step widens to 2, 3, 4 ... times its share below the second step")
  void firstStepWidening() {
    assertThat(RolloutPlan.ofDefaults().firstStepWidening()).containsExactly(10.0, 15.0, 20.0);
    assertThat(RolloutPlan.custom().steps(10, 50, 100).build().firstStepWidening())
        .containsExactly(20.0, 30.0, 40.0);
    assertThat(RolloutPlan.blueGreen().firstStepWidening()).isEmpty();
    assertThat(RolloutPlan.custom().widenFirstStep().build().firstStepWidening()).isEmpty();
    assertThat(RolloutPlan.from(RolloutPlan.custom().widenFirstStep(8).build()).build())
        .extracting(RolloutPlan::firstStepWidening)
        .isEqualTo(java.util.List.of(8.0));
    assertThat(
            RolloutPlan.fromMetadata("support-model", Map.of("rollout.widenFirstStep", "none"))
                .firstStepWidening())
        .isEmpty();
    assertThat(
            RolloutPlan.fromMetadata("support-model", Map.of("rollout.widenFirstStep", "8, 12"))
                .firstStepWidening())
        .containsExactly(8.0, 12.0);
    assertThatThrownBy(
            () -> RolloutPlan.fromMetadata("support-model", Map.of("rollout.widenFirstStep", "30")))
        .hasMessageContaining("flag 'support-model'")
        .hasMessageContaining("firstStepWidening")
        .hasMessageContaining("below the second step's 25.0");
    assertThatThrownBy(
            () ->
                RolloutPlan.fromMetadata("support-model", Map.of("rollout.widenFirstStep", "ten")))
        .hasMessageContaining("rollout.widenFirstStep");
  }
}
