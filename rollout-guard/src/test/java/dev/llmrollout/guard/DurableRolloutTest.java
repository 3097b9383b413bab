package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.guard.GuardEvent.OwnershipEvent;
import dev.llmrollout.guard.internal.DurableRollout;
import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.guard.testing.InMemoryRolloutControl;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.local.LocalFileControl;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts and ownership on one in-memory store with the write-back SPI's semantics. Time is a
 * manual clock; checks are called by the test (the guards' scheduler never runs), so a "crashed"
 * controller does nothing more.
 */
@DisplayName("issue 15.4 and 15.5: durable rollouts and one owner at a time")
class DurableRolloutTest {
  private static final Duration TTL = GuardConfig.ofDefaults().leaseTtl();
  private final GuardFixture fx = new GuardFixture();

  private RolloutGuard controller(String owner) {
    return controller(owner, fx.control);
  }

  private RolloutGuard controller(String owner, RolloutControl control) {
    return controller(owner, control, fx.clock);
  }

  private RolloutGuard controller(String owner, RolloutControl control, Clock clock) {
    return fx.controller(owner, control, GuardConfig.ofDefaults(), clock);
  }

  private static RolloutSpec spec() {
    return RolloutSpec.forFlag(FLAG)
        .stable(STABLE)
        .canary(CANARY)
        .plan(RolloutPlan.custom().evidence(RolloutPlan.Evidence.BAKE_ONLY).build())
        .build();
  }

  /** Healthy traffic split as the flag's current weights say. */
  private void traffic() {
    traffic(fx.control);
  }

  private void traffic(RolloutControl store) {
    double canaryShare = store.state(FLAG).share(CANARY);
    if (canaryShare <= 0 || canaryShare >= 100) {
      return;
    }
    fx.traffic(CANARY, null, 600, 0.99);
    fx.traffic(STABLE, null, (int) Math.round(600 * (100 - canaryShare) / canaryShare), 0.99);
  }

  @Test
  @DisplayName("15.4: 20 controller restarts mid-step resume the same step with the same start")
  void restartsResumeTheSameStepWithTheSameStart() {
    restartTwentyTimes("the in-memory store", () -> fx.control);
    assertThat(fx.control.requests())
        .filteredOn(r -> r.reason().startsWith("canary to"))
        .as("each step written once: 25, 50, 95, 100")
        .hasSize(4);
  }

  @Test
  @DisplayName("15.4: the same 20 restarts on a flags file, each controller a new LocalFileControl")
  void restartsOnTheFlagsFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(
        file,
        """
        {"flags": {"support-model": {"state": "ENABLED",
          "variants": {"stable": {"model": "m-1", "endpoint": "stable-pool"},
                       "candidate": {"model": "m-2", "endpoint": "canary-pool"}},
          "defaultVariant": "stable"},
          "other": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}
        """);
    try (LocalFileBackend backend = LocalFileBackend.polling(file, Duration.ofHours(1))) {
      backend.start(new BackendListener() {}, Duration.ofSeconds(5));
      restartTwentyTimes("a flags file", () -> new LocalFileControl(file), backend.flagKeys());
    }
    assertThat(new LocalFileControl(file).recentChanges(FLAG, 100))
        .extracting(ChangeRecord::action)
        .as("the audit log shows each step once")
        .containsExactly("set-weights", "set-weights", "set-weights", "set-weights", "set-weights");
  }

  private void restartTwentyTimes(String where, Supplier<RolloutControl> newProcess) {
    restartTwentyTimes(where, newProcess, Set.of(FLAG, "unrelated-flag-absent"));
  }

  /**
   * Starts a rollout, then 20 times: traffic, ten minutes, a check, a crash, a new controller
   * (every other one under a new owner id, which first waits out the old lease) that resumes what
   * it finds next to {@code flagKeys}. A restart that does not find the rollout at the same state,
   * step and step start, owned by the new controller, counts as lost.
   */
  private void restartTwentyTimes(
      String where, Supplier<RolloutControl> newProcess, Set<String> flagKeys) {
    String owner = "controller-0";
    RolloutControl store = newProcess.get();
    DurableRollout live = (DurableRollout) controller(owner, store).start(spec());
    int restarts = 20;
    int lost = 0;
    List<String> seen = new ArrayList<>();
    for (int restart = 1; restart <= restarts; restart++) {
      traffic(store);
      fx.clock.advance(Duration.ofMinutes(10));
      live.check();
      RolloutState stateBefore = live.state();
      int stepBefore = live.step();
      Instant stepStartBefore = live.phaseStartedAt();
      boolean newIdentity = restart % 2 == 1;
      if (newIdentity) {
        owner = "controller-" + restart;
        fx.clock.advance(TTL.plusSeconds(1));
      }

      store = newProcess.get();
      List<Rollout> resumed = controller(owner, store).resume(flagKeys);

      boolean same =
          resumed.size() == 1
              && resumed.get(0).state() == stateBefore
              && resumed.get(0).step() == stepBefore
              && ((DurableRollout) resumed.get(0)).phaseStartedAt().equals(stepStartBefore)
              && (stateBefore.isFinal() || ((DurableRollout) resumed.get(0)).owned());
      lost += same ? 0 : 1;
      if (resumed.size() == 1) {
        live = (DurableRollout) resumed.get(0);
      }
      seen.add(live.state() + "/" + (live.step() + 1));
    }

    System.out.printf(
        "rollouts lost across %d controller restarts on %s: %d (states seen %s)%n",
        restarts, where, lost, seen);
    assertThat(lost).isZero();
    assertThat(live.state())
        .as("the plan finished across restarts")
        .isEqualTo(RolloutState.PROMOTED);
    assertThat(store.state(FLAG).share(CANARY)).isEqualTo(100.0);
  }

  @Test
  @DisplayName("15.4: a restart keeps the bake clock: a step promotes at its recorded start + bake")
  void bakeClockContinuesAcrossARestart() {
    Instant started = fx.clock.instant();
    controller("a").start(spec());
    fx.clock.advance(Duration.ofMinutes(20));

    Rollout resumed = controller("a").resume(Set.of(FLAG)).get(0);
    traffic();
    fx.clock.advance(Duration.ofMinutes(9));
    assertThat(resumed.check().decision())
        .as("29 min after the step began")
        .isEqualTo(Decision.CONTINUE);
    fx.clock.advance(Duration.ofMinutes(1));

    assertThat(resumed.check().decision()).isEqualTo(Decision.PROMOTE);
    assertThat(Duration.between(started, fx.clock.instant())).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  @DisplayName("15.5: a standby waits while the lease is live and takes it over once it lapsed")
  void lapsedLeaseIsTakenOver() {
    DurableRollout a = (DurableRollout) controller("a").start(spec());
    Instant stepStart = a.phaseStartedAt();
    DurableRollout b = (DurableRollout) controller("b").resume(Set.of(FLAG)).get(0);
    List<OwnershipEvent> bEvents = new ArrayList<>();
    b.eventPublisher()
        .onEvent(
            e -> {
              if (e instanceof OwnershipEvent o) {
                bEvents.add(o);
              }
            });
    assertThat(b.owned()).as("a's lease is live").isFalse();
    assertThat(b.check().reason()).contains("standing by", "a owns the rollout");

    fx.clock.advance(TTL.dividedBy(2));
    a.check();
    fx.clock.advance(TTL.minusSeconds(1));
    assertThat(b.check().reason()).as("a renewed at half its lease").contains("standing by");
    assertThat(b.owned()).isFalse();

    fx.clock.advance(Duration.ofSeconds(2));
    AuditRecord takeover = b.check();

    assertThat(b.owned()).isTrue();
    assertThat(bEvents)
        .extracting(OwnershipEvent::change)
        .containsExactly(OwnershipEvent.Change.ACQUIRED);
    assertThat(bEvents.get(0).previousOwner()).isEqualTo("a");
    assertThat(b.step()).isZero();
    assertThat(b.phaseStartedAt()).as("same step start, bake clock continues").isEqualTo(stepStart);
    assertThat(takeover.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(fx.audit.records())
        .extracting(AuditRecord::reason)
        .anyMatch(r -> r.contains("took the rollout over from a"));
  }

  @Test
  @DisplayName("15.5: the old owner's step write is fenced off, and it stops acting")
  void fencedWriteOfTheOldOwnerIsRejected() {
    InterleavedControl control = new InterleavedControl(fx.control);
    DurableRollout a = (DurableRollout) controller("a", control).start(spec());
    SkewedClock bClock = new SkewedClock(fx.clock);
    DurableRollout b =
        (DurableRollout) controller("b", fx.control, bClock).resume(Set.of(FLAG)).get(0);
    assertThat(b.owned()).isFalse();
    List<OwnershipEvent> aEvents = new ArrayList<>();
    a.eventPublisher()
        .onEvent(
            e -> {
              if (e instanceof OwnershipEvent o) {
                aEvents.add(o);
              }
            });
    traffic();
    fx.clock.advance(Duration.ofMinutes(30));
    // b's clock jumps ahead, so it sees a's lease lapsed although a just renewed it, and takes the
    // rollout over between a's renewal and a's step write: only the fence stops a now
    bClock.skew = TTL.multipliedBy(2);
    control.beforeNextWeights =
        () -> {
          AuditRecord r = b.check();
          assertThat(r.decision()).as(r.reason()).isEqualTo(Decision.PROMOTE);
        };

    AuditRecord seenByA = a.check();

    assertThat(control.refused).as("a's write on the version it saw").hasSize(1);
    assertThat(control.refused.get(0).kind()).isEqualTo(WriteBackException.Kind.CONFLICT);
    assertThat(seenByA.reason()).contains("owned by b now", "wrote nothing");
    assertThat(a.owned()).isFalse();
    assertThat(aEvents)
        .extracting(OwnershipEvent::change)
        .containsExactly(OwnershipEvent.Change.LOST);
    assertThat(fx.control.state(FLAG).share(CANARY)).as("b's step only").isEqualTo(25.0);
    assertThat(fx.control.requests())
        .filteredOn(r -> r.reason().startsWith("canary to"))
        .as("two step writes asked, b's and a's; a's refused, so one step written")
        .hasSize(2);

    int writes = fx.control.requests().size() + fx.control.recordRequests().size();
    fx.clock.advance(Duration.ofSeconds(10));
    traffic();
    assertThat(a.check().reason()).contains("standing by", "b owns the rollout");
    assertThat(fx.control.requests().size() + fx.control.recordRequests().size())
        .as("the old owner writes nothing more")
        .isEqualTo(writes);
  }

  @Test
  @DisplayName("15.5: a start over a rollout another controller recorded is refused unless forced")
  void startOverARecordedRolloutIsRefused() {
    controller("a").start(spec());

    assertThatThrownBy(() -> controller("b").start(spec()))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("owned by a until")
        .hasMessageContaining("resume it, or force the new one");
  }

  @Test
  @DisplayName("15.4: a kill made while no controller ran is found on resume: rolled back")
  void killWhileDownIsFoundOnResume() {
    controller("a").start(spec());
    fx.control.kill(FLAG, STABLE, ChangeRequest.because("on-call").by("alice"));
    fx.clock.advance(TTL.plusSeconds(1));

    Rollout resumed = controller("b").resume(Set.of(FLAG)).get(0);

    assertThat(resumed.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(resumed.rollbackVerified()).isTrue();
  }

  @Test
  @DisplayName(
      "15.4: a step written just before a crash, ahead of its record, is adopted on resume")
  void stepAheadOfTheRecordIsAdopted() {
    controller("a").start(spec());
    FlagState now = fx.control.state(FLAG);
    fx.control.setWeights(
        FLAG,
        Map.of(STABLE, 75.0, CANARY, 25.0),
        ChangeRequest.because("canary to 25.0%: crashed before its record")
            .by("a")
            .ifVersion(now.version()));

    Rollout resumed = controller("a").resume(Set.of(FLAG)).get(0);

    assertThat(resumed.state()).isEqualTo(RolloutState.CANARY);
    assertThat(resumed.step()).isEqualTo(1);
  }

  @Test
  @DisplayName("15.4: a record write that fails is retried on the next check")
  void failedRecordWriteIsRetried() {
    fx.control.failNextRecordWrites(1);
    Rollout rollout = controller("a").start(spec());
    assertThat(fx.control.state(FLAG).rolloutRecord()).isEmpty();
    assertThat(fx.alerts)
        .extracting(Alert::title)
        .contains("rollout record not written; retried on the next check");

    rollout.check();

    assertThat(fx.control.state(FLAG).rolloutRecord()).get().asString().contains("\"owner\":\"a\"");
  }

  /** A clock ahead of the test's by a settable skew: another machine's clock, running fast. */
  private static final class SkewedClock extends Clock {
    private final Clock base;
    private volatile Duration skew = Duration.ZERO;

    SkewedClock(Clock base) {
      this.base = base;
    }

    @Override
    public Instant instant() {
      return base.instant().plus(skew);
    }

    @Override
    public ZoneId getZone() {
      return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Delegates to the store, running a hook just before the next weights write of this guard. */
  private static final class InterleavedControl implements RolloutControl {
    private final InMemoryRolloutControl store;
    private final List<WriteBackException> refused = new ArrayList<>();
    private Runnable beforeNextWeights;

    InterleavedControl(InMemoryRolloutControl store) {
      this.store = store;
    }

    @Override
    public FlagState state(String flagKey) {
      return store.state(flagKey);
    }

    @Override
    public FlagState setWeights(
        String flagKey, Map<String, Double> weights, ChangeRequest request) {
      if (beforeNextWeights != null) {
        Runnable hook = beforeNextWeights;
        beforeNextWeights = null;
        hook.run();
      }
      try {
        return store.setWeights(flagKey, weights, request);
      } catch (WriteBackException e) {
        refused.add(e);
        throw e;
      }
    }

    @Override
    public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
      return store.kill(flagKey, safeVariant, request);
    }

    @Override
    public FlagState restore(String flagKey, ChangeRequest request) {
      return store.restore(flagKey, request);
    }

    @Override
    public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
      return store.writeRolloutRecord(flagKey, recordJson, request);
    }
  }
}
