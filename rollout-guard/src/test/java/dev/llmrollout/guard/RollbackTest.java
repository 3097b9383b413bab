package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.guard.GuardEvent.RollbackEvent;
import dev.llmrollout.guard.GuardEvent.RollbackEvent.Phase;
import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.5: rollback through the backend, verified, retried; override at once")
class RollbackTest {
  private final GuardFixture fx = new GuardFixture();
  private final List<RollbackEvent> rollbackEvents = new ArrayList<>();

  private Rollout startWithRegression(RolloutGuard guard) {
    Rollout rollout = guard.start(RolloutSpec.forFlag(FLAG).stable(STABLE).canary(CANARY).build());
    rollout.eventPublisher().onRollback(rollbackEvents::add);
    fx.traffic(STABLE, null, 5_700, 0.99);
    fx.traffic(CANARY, null, 300, 0.85);
    return rollout;
  }

  @Test
  @DisplayName("5.5: a broken rule kills to stable, verified by read-back, audited with statistics")
  void brokenRuleRollsBackWithStatistics() {
    Rollout rollout = startWithRegression(fx.guard());

    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(record.transition()).get().hasToString("CANARY step 1 -> ROLLED_BACK");
    assertThat(fx.override.forcedVariant(FLAG)).contains(STABLE);
    assertThat(fx.control.state(FLAG).killedTo()).contains(STABLE);
    assertThat(rollout.rollbackVerified()).isTrue();
    assertThat(rollbackEvents)
        .extracting(RollbackEvent::phase)
        .containsExactly(Phase.STARTED, Phase.VERIFIED);
    RuleCheck drop =
        record.brokenRules().stream()
            .filter(c -> c.rule().equals("SUCCESS_RATE(DIFFERENCE)"))
            .findFirst()
            .orElseThrow();
    assertThat(drop.stableValue()).isEqualTo(0.99);
    assertThat(drop.canaryValue()).isEqualTo(0.85);
    assertThat(drop.effect()).isCloseTo(0.14, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(drop.lower()).isPositive().isLessThan(drop.effect());
    assertThat(drop.upper()).isGreaterThan(drop.effect());
    assertThat(drop.pValue()).isLessThan(drop.alphaUsed());
    assertThat(drop.stableSamples()).isEqualTo(5_700);
    assertThat(drop.canarySamples()).isEqualTo(300);
    assertThat(record.sampleRatio()).get().extracting(SampleRatioCheck::mismatch).isEqualTo(false);
    assertThat(fx.audit.records()).contains(record);
    assertThat(fx.alerts).extracting(Alert::severity).containsExactly(Alert.Severity.CRITICAL);
    assertThat(fx.control.requests().get(1).expectedVersion())
        .as("the kill is fenced: conditional on the version this guard last saw (issue 15.5)")
        .isPresent();
  }

  @Test
  @DisplayName("5.5: failing writes are retried with backoff; the override serves stable meanwhile")
  void failingWritesAreRetriedWithBackoff() {
    Rollout rollout = startWithRegression(fx.guard());
    fx.control.failNextWrites(3);
    Instant start = fx.clock.instant();

    rollout.check();

    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(rollout.rollbackVerified()).isFalse();
    assertThat(fx.override.forcedVariant(FLAG)).contains(STABLE);
    assertThat(fx.control.state(FLAG).killed()).isFalse();
    fx.advance(Duration.ofSeconds(1));
    fx.advance(Duration.ofSeconds(2));
    assertThat(rollout.rollbackVerified()).isFalse();
    fx.advance(Duration.ofSeconds(4));

    assertThat(rollout.rollbackVerified()).isTrue();
    assertThat(fx.control.state(FLAG).killedTo()).contains(STABLE);
    assertThat(rollbackEvents)
        .extracting(RollbackEvent::phase)
        .containsExactly(
            Phase.STARTED,
            Phase.ATTEMPT_FAILED,
            Phase.ATTEMPT_FAILED,
            Phase.ATTEMPT_FAILED,
            Phase.VERIFIED);
    assertThat(rollbackEvents)
        .extracting(e -> Duration.between(start, e.at()).toSeconds())
        .containsExactly(0L, 0L, 1L, 3L, 7L);
    assertThat(rollbackEvents.get(1).detail()).contains("503");
  }

  @Test
  @DisplayName("5.5: a kill accepted but not read back is not mistaken for success")
  void lostKillIsNotVerified() {
    Rollout rollout = startWithRegression(fx.guard());
    fx.control.loseNextKills(1);

    rollout.check();

    assertThat(rollout.rollbackVerified()).isFalse();
    assertThat(rollbackEvents.get(1).detail()).contains("read back not killed");
    fx.advance(Duration.ofSeconds(1));
    assertThat(rollout.rollbackVerified()).isTrue();
  }

  @Test
  @DisplayName("5.5: verification waits until new evaluations return stable")
  void verificationUsesTheProbe() {
    AtomicReference<String> served = new AtomicReference<>(CANARY);
    Rollout rollout =
        startWithRegression(
            fx.builder(GuardConfig.ofDefaults()).probe(flag -> served.get()).build());

    rollout.check();
    assertThat(rollout.rollbackVerified()).isFalse();
    assertThat(rollbackEvents.get(1).detail()).contains("still evaluates to 'candidate'");
    served.set(STABLE);
    fx.advance(Duration.ofSeconds(1));

    assertThat(rollout.rollbackVerified()).isTrue();
  }

  @Test
  @DisplayName("5.5: an operator rollback takes the same path")
  void manualRollback() {
    Rollout rollout =
        fx.guard().start(RolloutSpec.forFlag(FLAG).stable(STABLE).canary(CANARY).build());

    AuditRecord record = rollout.rollBack("customer complaints");

    assertThat(record.reason()).isEqualTo("by hand: customer complaints");
    assertThat(fx.control.state(FLAG).killedTo()).contains(STABLE);
    assertThat(rollout.check()).isSameAs(record);
  }

  @Test
  @DisplayName("5.5: a throwing listener does not stop the rollback")
  void throwingListenerIsContained() {
    Rollout rollout = startWithRegression(fx.guard());
    rollout
        .eventPublisher()
        .onEvent(
            e -> {
              throw new IllegalStateException("listener bug");
            });

    rollout.check();

    assertThat(rollout.rollbackVerified()).isTrue();
  }

  @Test
  @DisplayName(
      "5.5: the in-process override lasts past the verified rollback and ends with the restore")
  void restoreReleasesTheOverride() {
    RolloutGuard guard = fx.guard();
    Rollout rollout = startWithRegression(guard);
    rollout.check();
    assertThat(rollout.rollbackVerified()).isTrue();
    assertThat(fx.override.forcedVariant(FLAG))
        .as("kept while the backend's kill stands, a second line if a provider lags")
        .contains(STABLE);

    fx.control.failNextWrites(1);
    ChangeRequest restore = ChangeRequest.because("canary fixed, checked by hand").by("carol");
    assertThatThrownBy(() -> guard.restore(FLAG, restore, true))
        .isInstanceOf(WriteBackException.class);
    assertThat(fx.override.forcedVariant(FLAG))
        .as("a restore the backend refused leaves the process serving stable")
        .contains(STABLE);

    guard.restore(FLAG, restore, true);

    assertThat(fx.control.state(FLAG).killed()).isFalse();
    assertThat(fx.override.forcedVariant(FLAG))
        .as("the process serves what the backend serves again")
        .isEmpty();
  }
}
