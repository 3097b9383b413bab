package dev.llmrollout.guard.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.RolloutState;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 19.5: paired scenarios through the real guard's shadow gate (short seeded run)")
class PairedSimulationTest {

  @Test
  @DisplayName(
      "A/A: no abort in 8 seeded runs; a judge-visible regression in payment aborts in each")
  void shortSeededRun() {
    PairedShadowRun.Result[] equal =
        PairedSimulationMain.shadowRuns(PairedSimulationMain.EQUAL, 8, 1_000);
    PairedShadowRun.Result[] regression =
        PairedSimulationMain.shadowRuns(PairedSimulationMain.JUDGE_REGRESSION, 8, 2_000);

    assertThat(equal).noneMatch(r -> r.state() == RolloutState.ROLLED_BACK);
    assertThat(Arrays.stream(equal).filter(r -> r.state() == RolloutState.CANARY).count())
        .as("A/A runs that passed to the canary")
        .isGreaterThanOrEqualTo(7);
    assertThat(regression).allMatch(r -> r.state() == RolloutState.ROLLED_BACK);
  }

  @Test
  @DisplayName(
      "the unpaired canary with the live judge rule rolls the judge-visible regression back on"
          + " that rule, in 3 seeded runs")
  void liveJudgeRuleCatchesTheJudgeVisibleRegression() {
    List<UnpairedCanaryRun.Result> runs =
        PairedSimulationMain.canaryRuns(
            PairedSimulationMain.JUDGE_REGRESSION,
            PairedSimulationMain.CANARY_RULES_WITH_JUDGE,
            PairedSimulationMain.LIVE_JUDGE,
            3,
            5_000);

    assertThat(runs)
        .allSatisfy(
            run -> {
              assertThat(run.state()).isEqualTo(RolloutState.ROLLED_BACK);
              assertThat(run.reason()).contains(PairedSimulationMain.JUDGE_RULE);
              assertThat(run.judgedAnswers()).isPositive();
            });
  }
}
