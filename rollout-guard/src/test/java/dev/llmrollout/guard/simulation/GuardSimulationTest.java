package dev.llmrollout.guard.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.RolloutState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A short seeded run of the scenario library through the real guard (the full table: {@link
 * GuardSimulationMain}, {@code -Psimulation}).
 */
@DisplayName("issue 14.9: scenario library, short seeded run")
class GuardSimulationTest {

  @Test
  @DisplayName(
      "0.85 -> 0.80 under sticky users: the first step widens and catches it, none promoted")
  void regressionIsCaughtInTheWidenedFirstStep() {
    ScenarioSummary summary = ScenarioSummary.simulate(Scenarios.regression(), 60, 11);
    assertThat(summary.share(r -> r.firstStepPercent() > 5).rate())
        .as("100 sticky users at 5 %% cannot give the evidence: the step widens")
        .isGreaterThanOrEqualTo(0.85);
    assertThat(summary.rolledBackAt(0).rate()).isGreaterThanOrEqualTo(0.6);
    assertThat(summary.stoppedBeforeLastStep().rate()).isGreaterThanOrEqualTo(0.7);
    assertThat(summary.ended(RolloutState.PROMOTED).count()).isZero();
    assertThat(summary.sampleRatioHolds().count()).isZero();
  }

  @Test
  @DisplayName("independent-request A/A: mostly promoted through all four steps, few false stops")
  void independentAaIsPromoted() {
    ScenarioSummary summary = ScenarioSummary.simulate(Scenarios.aaStationaryIndependent(), 60, 12);
    assertThat(summary.ended(RolloutState.PROMOTED).rate()).isGreaterThanOrEqualTo(0.9);
    assertThat(summary.stepMinutes(3).observed())
        .isEqualTo(summary.ended(RolloutState.PROMOTED).count());
    assertThat(summary.stepMinutes(1).value()).isGreaterThanOrEqualTo(30);
  }
}
