package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.SignalsUnavailableException;
import dev.llmrollout.signals.WindowedSignalSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 15.2: a windowed (fleet) source is read per step's times; missing data holds")
class WindowedSignalsHoldTest {
  private final GuardFixture fx = new GuardFixture();

  /** The fixture's counters, served as windows; records what was asked; can be made unavailable. */
  private final class FleetSource implements WindowedSignalSource {
    final List<Instant> starts = new ArrayList<>();
    final List<Instant> ends = new ArrayList<>();
    volatile String unavailable;

    @Override
    public ArmCounters counters(String flagKey, String variant) {
      return fx.signals.counters(flagKey, variant);
    }

    @Override
    public ArmCounters window(String flagKey, String variant, Instant start, Instant end) {
      if (unavailable != null) {
        throw new SignalsUnavailableException(unavailable);
      }
      starts.add(start);
      ends.add(end);
      return fx.signals.counters(flagKey, variant);
    }
  }

  private final FleetSource fleet = new FleetSource();

  private Rollout start() {
    RolloutGuard guard =
        RolloutGuard.builder(fx.control, fleet)
            .clock(fx.clock)
            .scheduler(fx.scheduler)
            .override(fx.override)
            .auditLog(fx.audit)
            .alertHook(fx.alerts::add)
            .build();
    return guard.start(
        RolloutSpec.forFlag(FLAG)
            .stable(STABLE)
            .canary(CANARY)
            .plan(RolloutPlan.custom().evidence(RolloutPlan.Evidence.BAKE_ONLY).build())
            .build());
  }

  @Test
  void missingDataHoldsWithItsReasonThenTheRolloutContinuesFromTheSameStep() {
    Instant startedAt = fx.clock.instant();
    Rollout rollout = start();
    fx.traffic(STABLE, null, 11_400, 0.99);
    fx.traffic(CANARY, null, 600, 0.99);
    fx.advance(Duration.ofMinutes(30));
    int writesBefore = fx.control.requests().size();
    fleet.unavailable = "target 10.0.0.2:8080 of job 'llm-router' is down (up=0)";

    AuditRecord held = rollout.check();
    rollout.check();

    assertThat(held.decision()).isEqualTo(Decision.HOLD);
    assertThat(held.reason()).contains("signals unavailable", "10.0.0.2:8080", "down");
    assertThat(rollout.state()).as("not the sticky HELD state").isEqualTo(RolloutState.CANARY);
    assertThat(rollout.step()).isZero();
    assertThat(rollout.holdReason()).contains(HoldReason.SIGNALS_UNAVAILABLE);
    assertThat(fx.control.requests()).as("no write while blind").hasSize(writesBefore);
    assertThat(fx.alerts)
        .filteredOn(a -> a.title().contains("signals unavailable"))
        .as("one alert per reason")
        .hasSize(1);

    fleet.unavailable = null;
    Instant promotedAt = fx.clock.instant();
    assertThat(rollout.check().decision()).isEqualTo(Decision.PROMOTE);
    assertThat(rollout.holdReason()).as("the hold ends with the data's return").isEmpty();
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(25.0);
    assertThat(fleet.starts)
        .as("the first step's window starts at the rollout's start")
        .contains(startedAt);
    fx.advance(Duration.ofMinutes(1));
    fleet.starts.clear();
    fleet.ends.clear();
    rollout.check();
    assertThat(fleet.starts)
        .as("closed step read over its own times, the running one from the promotion")
        .containsOnly(startedAt, promotedAt);
    assertThat(fleet.ends).containsOnly(promotedAt, fx.clock.instant());
  }
}
