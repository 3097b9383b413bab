package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.internal.DurableRollout;
import dev.llmrollout.guard.internal.RolloutRecord;
import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.spi.ChangeRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A first step widened because its few sticky users cannot give the evidence in time is part of the
 * rollout's record: a restarted (or another) controller continues at the widened share, with the
 * step's original start, and never writes a narrower one.
 */
@DisplayName("issue 14.4: a widened first step survives a restart")
class WidenedFirstStepResumeTest {
  private static final int USERS = 800;
  private final GuardFixture fx = new GuardFixture();

  private RolloutGuard controller(String owner) {
    return fx.controller(owner, fx.control, GuardConfig.ofDefaults(), fx.clock);
  }

  private static RolloutSpec spec() {
    return RolloutSpec.forFlag(FLAG)
        .stable(STABLE)
        .canary(CANARY)
        .rules(RuleSet.of(Rule.successRateDrop(0.05)))
        .build();
  }

  /**
   * One request from each of 800 sticky users, the first ones in the canary as the flag's split
   * says; every seventh user fails every request, so a user's requests are perfectly correlated and
   * the information of few canary users has a low ceiling.
   */
  private void requestFromEveryUser() {
    long canaryUsers = Math.round(USERS * fx.control.state(FLAG).share(CANARY) / 100);
    for (int u = 0; u < USERS; u++) {
      var arm = fx.signals.user(FLAG, u < canaryUsers ? CANARY : STABLE, null, "user-" + u);
      if (u % 7 == 0) {
        arm.error();
      } else {
        arm.success();
      }
    }
  }

  /** Traffic and a check every minute until the flag's canary share passes {@code percent}. */
  private void runUntilWiderThan(Rollout rollout, double percent, Duration atMost) {
    Instant until = fx.clock.instant().plus(atMost);
    while (fx.control.state(FLAG).share(CANARY) <= percent && fx.clock.instant().isBefore(until)) {
      requestFromEveryUser();
      fx.clock.advance(Duration.ofMinutes(1));
      rollout.check();
    }
  }

  private List<Double> recordedShares() {
    String json = fx.control.state(FLAG).rolloutRecord().orElseThrow();
    return RolloutRecord.parse(FLAG, json).progress().steps().stream()
        .map(RolloutRecord.StepStart::canaryPercent)
        .toList();
  }

  private List<String> weightWrites() {
    return fx.control.requests().stream()
        .map(ChangeRequest::reason)
        .filter(r -> r.startsWith("canary to"))
        .map(r -> r.substring(0, r.indexOf(':')))
        .toList();
  }

  @Test
  @DisplayName("a resumed rollout keeps the widened share and the step's start, never narrows")
  void resumeAfterWideningKeepsTheWidenedShareAndTheStepStart() {
    Instant stepStart = fx.clock.instant();
    DurableRollout live = (DurableRollout) controller("a").start(spec());
    runUntilWiderThan(live, 5, Duration.ofHours(3));

    assertThat(fx.control.state(FLAG).share(CANARY))
        .as("a projection far short of the gate widens to the widest share at once")
        .isEqualTo(20.0);
    assertThat(live.step()).isZero();
    assertThat(live.phaseStartedAt()).as("the step's bake clock stands").isEqualTo(stepStart);
    assertThat(recordedShares()).as("written with the widening").containsExactly(5.0, 20.0);

    // the controller dies; a new one with another owner id waits out the lease and resumes
    fx.clock.advance(GuardConfig.ofDefaults().leaseTtl().plusSeconds(1));
    DurableRollout resumed = (DurableRollout) controller("b").resume(Set.of(FLAG)).get(0);

    assertThat(resumed.owned()).isTrue();
    assertThat(resumed.state()).isEqualTo(RolloutState.CANARY);
    assertThat(resumed.step()).isZero();
    assertThat(resumed.phaseStartedAt()).as("same step start").isEqualTo(stepStart);
    assertThat(fx.control.state(FLAG).share(CANARY)).as("still widened").isEqualTo(20.0);

    fx.alerts.clear();
    runUntilWiderThan(resumed, 20, Duration.ofHours(2));
    assertThat(weightWrites()).as("never written back narrower").containsExactly("canary to 20.0%");
    assertThat(fx.alerts)
        .extracting(Alert::title)
        .as("the resumed guard knows no wider share is left")
        .contains("step 1 will not gather its evidence in time");
    assertThat(recordedShares()).containsExactly(5.0, 20.0);
    assertThat(resumed.phaseStartedAt()).isEqualTo(stepStart);
  }

  @Test
  @DisplayName("a wider share written just before a crash, ahead of its record, is adopted")
  void widerShareAheadOfTheRecordIsAdopted() {
    Instant stepStart = fx.clock.instant();
    controller("a").start(spec());
    fx.control.setWeights(
        FLAG,
        Map.of(STABLE, 90.0, CANARY, 10.0),
        ChangeRequest.because("canary to 10.0%: widened, then the controller died").by("a"));
    fx.clock.advance(GuardConfig.ofDefaults().leaseTtl().plusSeconds(1));

    DurableRollout resumed = (DurableRollout) controller("b").resume(Set.of(FLAG)).get(0);
    resumed.check();

    assertThat(fx.audit.records())
        .extracting(AuditRecord::reason)
        .anyMatch(r -> r.contains("widened to 10.0% before its record; adopted"));
    assertThat(recordedShares()).containsExactly(5.0, 10.0);
    assertThat(resumed.step()).isZero();
    assertThat(resumed.phaseStartedAt()).isEqualTo(stepStart);
  }
}
