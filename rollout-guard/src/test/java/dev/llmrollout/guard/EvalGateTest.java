package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.guard.testing.GuardFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 10.4: the guard refuses a canary without a passing eval report")
class EvalGateTest {
  private static final String HASH = "9f2c";

  private final GuardFixture fx = new GuardFixture();
  private final List<String> asked = new ArrayList<>();
  private boolean reportPassed;

  private final EvalGate gate =
      (flagKey, variant) -> {
        asked.add(flagKey + "/" + variant);
        return new EvalGate.Verdict(
            reportPassed,
            HASH,
            reportPassed ? "report eval-1.json passed" : "the latest report failed in strict mode");
      };

  private RolloutGuard guard() {
    return fx.builder(GuardConfig.ofDefaults()).evalGate(gate).build();
  }

  private RolloutSpec.Builder spec(String from, String to) {
    return RolloutSpec.forFlag(FLAG).stable(STABLE).canary(CANARY).versions(from, to);
  }

  @Test
  @DisplayName("no passing report for the canary's payload: refused before any write")
  void refusesCanaryWithoutPassingReport() {
    assertThatThrownBy(() -> guard().start(spec("1.4.2", "1.5.0").build()))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("flag 'support-model' variant 'candidate'")
        .hasMessageContaining("sha256 " + HASH)
        .hasMessageContaining("failed in strict mode");
    assertThat(asked).containsExactly(FLAG + "/" + CANARY);
    assertThat(fx.control.requests()).as("nothing written").isEmpty();
    assertThat(fx.control.state(FLAG).share(CANARY)).isZero();
  }

  @Test
  @DisplayName("a passing report lets the canary start, and the audit names it")
  void passingReportStartsCanary() {
    reportPassed = true;
    Rollout rollout = guard().start(spec("1.4.2", "1.5.0").build());

    assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);
    assertThat(fx.audit.records())
        .extracting(AuditRecord::reason)
        .containsExactly("eval gate passed: report eval-1.json passed");
  }

  @Test
  @DisplayName("forced with a reason: the canary starts and the reason lands in the audit record")
  void forcedWithReasonIsAudited() {
    Rollout rollout =
        guard()
            .start(
                spec("1.4.2", "1.5.0")
                    .skipEvalGate("incident 812: hotfix, approved by Ana")
                    .build());

    assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
    AuditRecord record = fx.audit.records().get(0);
    assertThat(record.flagKey()).isEqualTo(FLAG);
    assertThat(record.reason())
        .contains("eval gate overridden for the canary")
        .contains("incident 812: hotfix, approved by Ana")
        .contains("sha256 " + HASH);
    assertThat(record.actor()).isEqualTo(GuardConfig.ofDefaults().actor());
  }

  @Test
  @DisplayName("a blank override reason is bad input naming the field")
  void blankReasonRejected() {
    assertThatThrownBy(() -> spec("1.4.2", "1.5.0").skipEvalGate(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("skipEvalGate")
        .hasMessageContaining("expected a reason");
  }

  @Test
  @DisplayName("a major version's shadow phase also needs a passing report")
  void majorShadowNeedsReport() {
    RolloutPlan plan = RolloutPlan.custom().shadow(Duration.ofHours(1), 500).build();
    assertThatThrownBy(() -> guard().start(spec("1.4.2", "2.0.0").plan(plan).build()))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("no passing eval report");
  }

  @Test
  @DisplayName("a minor version may shadow without a report, but is held before the canary")
  void minorShadowHeldBeforeCanary() {
    RolloutPlan plan = RolloutPlan.custom().shadow(Duration.ofHours(1), 500).build();
    Rollout rollout = guard().start(spec("1.4.2", "1.5.0").plan(plan).build());
    assertThat(rollout.state()).isEqualTo(RolloutState.SHADOW);
    fx.traffic(STABLE, null, 2_000, 0.99);
    fx.traffic(CANARY, null, 600, 0.99);
    fx.advance(Duration.ofHours(1));

    AuditRecord held = rollout.check();
    assertThat(held.decision()).isEqualTo(Decision.HOLD);
    assertThat(held.reason()).contains("no passing eval report");
    assertThat(rollout.state()).isEqualTo(RolloutState.SHADOW);
    assertThat(fx.control.state(FLAG).share(CANARY)).isZero();

    reportPassed = true;
    AuditRecord promoted = rollout.check();
    assertThat(promoted.decision()).isEqualTo(Decision.PROMOTE);
    assertThat(promoted.reason()).contains("eval gate passed");
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);
  }

  @Test
  @DisplayName("without a gate the guard behaves as before")
  void noGateNoCheck() {
    Rollout rollout = fx.guard().start(spec("1.4.2", "1.5.0").build());
    assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
    assertThat(asked).isEmpty();
    assertThat(fx.audit.records()).isEmpty();
  }
}
