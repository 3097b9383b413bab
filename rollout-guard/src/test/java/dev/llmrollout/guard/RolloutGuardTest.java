package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.1 and 5.6: the canary plan driven by the state machine")
class RolloutGuardTest {
  private final GuardFixture fx = new GuardFixture();

  /** The default plan on bake time and samples alone: these tests are about the steps. */
  private RolloutSpec.Builder spec() {
    return RolloutSpec.forFlag(FLAG)
        .stable(STABLE)
        .canary(CANARY)
        .plan(RolloutPlan.custom().evidence(RolloutPlan.Evidence.BAKE_ONLY).build());
  }

  private void healthyStep(int canaryRequests, int stableRequests) {
    fx.traffic(STABLE, null, stableRequests, 0.99);
    fx.traffic(CANARY, null, canaryRequests, 0.99);
  }

  @Test
  @DisplayName("5.1: promotes step by step only when bake time and samples are met")
  void promotesThroughEveryStep() {
    Rollout rollout = fx.guard().start(spec().build());
    List<StateTransition> transitions = new ArrayList<>();
    rollout.eventPublisher().onStateTransition(e -> transitions.add(e.transition()));
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);

    healthyStep(600, 11_400);
    assertThat(rollout.check().decision()).as("samples met, bake not").isEqualTo(Decision.CONTINUE);
    fx.advance(Duration.ofMinutes(30));
    assertThat(rollout.check().decision()).isEqualTo(Decision.PROMOTE);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(25.0);

    fx.advance(Duration.ofMinutes(30));
    assertThat(rollout.check().decision())
        .as("bake met, no samples in the step")
        .isEqualTo(Decision.CONTINUE);
    healthyStep(600, 1_800);
    assertThat(rollout.check().decision()).isEqualTo(Decision.PROMOTE);
    healthyStep(600, 600);
    fx.advance(Duration.ofMinutes(30));
    assertThat(rollout.check().decision()).isEqualTo(Decision.PROMOTE);
    assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
    assertThat(rollout.step()).isEqualTo(3);
    assertThat(fx.control.state(FLAG).share(CANARY)).as("5 %% holdback").isEqualTo(95.0);
    healthyStep(600, 30);
    fx.advance(Duration.ofMinutes(30));
    AuditRecord last = rollout.check();

    assertThat(last.decision()).isEqualTo(Decision.PROMOTE);
    assertThat(rollout.state()).isEqualTo(RolloutState.PROMOTED);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(100.0);
    assertThat(transitions)
        .extracting(StateTransition::toString)
        .containsExactly(
            "CANARY step 1 -> CANARY step 2",
            "CANARY step 2 -> CANARY step 3",
            "CANARY step 3 -> CANARY step 4",
            "CANARY step 4 -> PROMOTED");
    assertThat(fx.control.requests())
        .allSatisfy(
            r -> assertThat(r.expectedVersion()).as("every step write is conditional").isPresent());
  }

  @Test
  @DisplayName("5.1: a step missing its sample within its max duration is held, never promoted")
  void timedOutStepIsHeld() {
    RolloutPlan plan =
        RolloutPlan.custom()
            .evidence(RolloutPlan.Evidence.BAKE_ONLY)
            .maxStepDuration(Duration.ofHours(1))
            .build();
    Rollout rollout = fx.guard().start(spec().plan(plan).build());
    healthyStep(100, 1_900);
    fx.advance(Duration.ofHours(2));

    assertThat(rollout.check().decision()).isEqualTo(Decision.HOLD);
    assertThat(rollout.check().decision()).isEqualTo(Decision.HOLD);
    assertThat(rollout.state()).isEqualTo(RolloutState.HELD);
    assertThat(rollout.holdReason())
        .as("still held on a later check")
        .contains(HoldReason.STEP_TIMEOUT);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);
    assertThat(fx.alerts)
        .hasSize(1)
        .first()
        .extracting(Alert::title)
        .isEqualTo("rollout held; rules still checked");
  }

  @Test
  @DisplayName("5.1: by configuration, a timed-out step rolls back instead")
  void timedOutStepRollsBackWhenConfigured() {
    RolloutPlan plan =
        RolloutPlan.custom()
            .maxStepDuration(Duration.ofHours(1))
            .onStepTimeout(RolloutPlan.StepTimeoutAction.ROLL_BACK)
            .build();
    Rollout rollout = fx.guard().start(spec().plan(plan).build());
    fx.advance(Duration.ofHours(2));

    assertThat(rollout.check().decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(fx.control.state(FLAG).killedTo()).contains(STABLE);
  }

  @Test
  @DisplayName("5.1: two guards on one flag cannot double-step")
  void twoGuardsDoNotDoubleStep() {
    RolloutGuard first = fx.guard();
    Rollout a = first.start(spec().build());
    Rollout b = fx.guard().start(spec().force(true).build());
    healthyStep(600, 11_400);
    fx.advance(Duration.ofMinutes(30));

    assertThat(b.check().decision()).isEqualTo(Decision.PROMOTE);
    AuditRecord seenByA = a.check();

    assertThat(seenByA.decision())
        .as("A finds B's rollout in the flag's record and stops (issue 15.5)")
        .isEqualTo(Decision.HALT);
    assertThat(a.state()).isEqualTo(RolloutState.HALTED);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(25.0);
    assertThat(fx.control.requests())
        .filteredOn(r -> r.reason().startsWith("canary to 25.0%"))
        .as("one step write")
        .hasSize(1);
  }

  @Test
  @DisplayName("5.1: a rollback wins over a promotion")
  void rollbackWinsOverPromotion() {
    Rollout rollout = fx.guard().start(spec().build());
    healthyStep(600, 11_400);
    fx.advance(Duration.ofMinutes(30));
    fx.control.kill(FLAG, STABLE, ChangeRequest.because("on-call saw bad answers").by("alice"));

    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(fx.control.state(FLAG).killedTo()).contains(STABLE);
  }

  @Test
  @DisplayName("5.1: one change at a time unless forced")
  void secondRolloutOnCoveredTrafficIsRefused() {
    RolloutGuard guard = fx.guard();
    Rollout first = guard.start(spec().build());

    assertThatThrownBy(() -> guard.start(spec().build()))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("flag 'support-model'")
        .hasMessageContaining("running");
    assertThatThrownBy(() -> fx.guard().start(spec().build()))
        .as("another process sees the rollout recorded next to the flag (issue 15.4)")
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("is recorded CANARY at step 1");
    FlagState split = fx.control.state(FLAG);
    fx.control.writeRolloutRecord(
        FLAG, null, ChangeRequest.because("record removed").ifVersion(split.version()));
    assertThatThrownBy(() -> fx.guard().start(spec().build()))
        .as("without the record, another process still sees the split")
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("already split");

    Rollout forced = guard.start(spec().force(true).build());
    assertThat(first.state()).isEqualTo(RolloutState.HALTED);
    assertThat(forced.state()).isEqualTo(RolloutState.CANARY);
    assertThat(guard.rollout(FLAG)).contains(forced);
  }

  @Test
  void unknownVariantIsNamed() {
    assertThatThrownBy(() -> fx.guard().start(spec().canary("gpt-9").build()))
        .hasMessageContaining("flag 'support-model' has no variant 'gpt-9'");
  }

  @Test
  @DisplayName("5.1: blue-green flips 0 to 95 (holdback) and flips back on a broken rule")
  void blueGreenFlipsBack() {
    Rollout rollout =
        fx.guard().start(spec().versions("1.4.2", "1.4.3").plan(RolloutPlan.blueGreen()).build());
    assertThat(fx.control.state(FLAG).share(CANARY))
        .as("stable keeps the holdback, the concurrent control")
        .isEqualTo(95.0);
    fx.traffic(STABLE, null, 2_000, 0.99);
    fx.traffic(CANARY, null, 500, 0.80);

    assertThat(rollout.check().decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(fx.control.state(FLAG).killedTo()).contains(STABLE);
  }

  @Test
  @DisplayName("5.6: periodic checks run on the injected scheduler and stop when final")
  void periodicChecks() {
    Rollout rollout =
        fx.guard(GuardConfig.custom().checkInterval(Duration.ofSeconds(10)).build())
            .start(spec().build());
    List<Decision> decisions = new ArrayList<>();
    rollout.eventPublisher().onCheck(e -> decisions.add(e.record().decision()));
    rollout.startChecking();
    fx.advance(Duration.ofSeconds(25));
    assertThat(decisions).containsExactly(Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE);

    fx.traffic(STABLE, null, 5_700, 0.99);
    fx.traffic(CANARY, null, 300, 0.70);
    fx.advance(Duration.ofSeconds(10));
    fx.advance(Duration.ofMinutes(5));
    assertThat(decisions).hasSize(4).last().isEqualTo(Decision.ROLL_BACK);
    assertThat(fx.scheduler.pending()).isZero();
  }
}
