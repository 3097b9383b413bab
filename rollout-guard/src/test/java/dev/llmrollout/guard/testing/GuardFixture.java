package dev.llmrollout.guard.testing;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.InMemoryAuditLog;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.spi.RolloutControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A guard over in-memory signals and control, on virtual time, with alerts collected. */
public final class GuardFixture {
  public static final String FLAG = "support-model";
  public static final String STABLE = "stable";
  public static final String CANARY = "candidate";

  public final InMemorySignalSource signals = new InMemorySignalSource();
  public final InMemoryRolloutControl control =
      new InMemoryRolloutControl().flag(FLAG, STABLE, CANARY);
  public final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T03:00:00Z"));
  public final ManualScheduler scheduler = new ManualScheduler(clock);
  public final InMemoryAuditLog audit = new InMemoryAuditLog(1000);
  public final KillSwitchOverride override = new KillSwitchOverride();
  public final List<Alert> alerts = new CopyOnWriteArrayList<>();

  /** A guard with default configuration. */
  public RolloutGuard guard() {
    return guard(GuardConfig.ofDefaults());
  }

  public RolloutGuard guard(GuardConfig config) {
    return builder(config).build();
  }

  public RolloutGuard.Builder builder(GuardConfig config) {
    return RolloutGuard.builder(control, signals)
        .config(config)
        .clock(clock)
        .scheduler(scheduler)
        .override(override)
        .auditLog(audit)
        .alertHook(alerts::add);
  }

  /**
   * Records {@code requests} requests of {@code variant} in {@code segment} (null for none), of
   * which a share {@code successRate} succeed, spread evenly.
   */
  public void traffic(String variant, String segment, int requests, double successRate) {
    InMemorySignalSource.Arm arm = signals.request(FLAG, variant, segment);
    long before = 0;
    for (int i = 1; i <= requests; i++) {
      long due = Math.round(i * successRate);
      if (due > before) {
        arm.success();
        before = due;
      } else {
        arm.error();
      }
    }
  }

  /**
   * A controller named {@code owner} over {@code control} on {@code clock} whose checks the test
   * calls itself (its scheduler never runs), as a restarted or second controller is in tests.
   */
  public RolloutGuard controller(
      String owner, RolloutControl control, GuardConfig config, Clock clock) {
    return RolloutGuard.builder(control, signals)
        .config(config)
        .clock(clock)
        .scheduler((task, delay) -> {})
        .override(override)
        .auditLog(audit)
        .alertHook(alerts::add)
        .owner(owner)
        .build();
  }

  /** Lets {@code duration} pass, running scheduled work. */
  public void advance(Duration duration) {
    scheduler.advance(duration);
  }
}
