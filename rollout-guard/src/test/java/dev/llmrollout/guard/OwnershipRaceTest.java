package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.local.LocalFileControl;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers on one flag, checking at the same moments on two threads. Now and then one is
 * paused past its lease (a GC pause, a lost network) so that the other takes the rollout over, and
 * now and then b's clock runs ahead by two leases, so that b takes over a lease a still holds and
 * both act at once: then only the fence (every write conditional on the version its writer last
 * saw) keeps them from both stepping. Writes are slowed by a millisecond to widen the race. A
 * double step is a canary share written twice.
 */
@DisplayName("issue 15.5: two controllers racing on one flag never both step")
class OwnershipRaceTest {
  private static final int TRIALS = 50;
  private static final int MAX_ROUNDS = 400;

  private static final String FLAGS_FILE =
      """
      {"flags": {"support-model": {"state": "ENABLED",
        "variants": {"stable": {"model": "m-1", "endpoint": "stable-pool"},
                     "candidate": {"model": "m-2", "endpoint": "canary-pool"}},
        "defaultVariant": "stable"}}}
      """;

  @TempDir Path dir;

  @Test
  @DisplayName("15.5: 50 trials of two racing controllers on the in-memory store: no double step")
  void twoControllersNeverBothStep() throws Exception {
    race("the in-memory store", fx -> fx.control);
  }

  @Test
  @DisplayName("15.5: 50 trials of two racing controllers on one flags file: no double step")
  void twoControllersOnOneFlagsFileNeverBothStep() throws Exception {
    race(
        "one flags file",
        fx -> {
          Path file = dir.resolve("flags-" + UUID.randomUUID() + ".json");
          try {
            Files.writeString(file, FLAGS_FILE);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return new LocalFileControl(file);
        });
  }

  /**
   * Runs the trials; {@code store} gives each trial's store, and each guard of it a control of its
   * own over that store (a second LocalFileControl on the same file is a second process's view).
   */
  private void race(String where, Function<GuardFixture, RolloutControl> store) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    int doubleSteps = 0;
    int takeovers = 0;
    int promoted = 0;
    try {
      for (int trial = 0; trial < TRIALS; trial++) {
        Trial result = runTrial(new Random(trial), threads, store);
        doubleSteps += result.doubleSteps;
        takeovers += result.takeovers;
        promoted += result.promoted ? 1 : 0;
      }
    } finally {
      threads.shutdownNow();
    }
    System.out.printf(
        "double steps with two racing controllers on %s in %d trials: %d (%d takeovers, %d"
            + " promoted)%n",
        where, TRIALS, doubleSteps, takeovers, promoted);
    assertThat(doubleSteps).isZero();
    assertThat(takeovers).as("the race took leases over, else it tested nothing").isPositive();
    assertThat(promoted).as("every trial's rollout still finished").isEqualTo(TRIALS);
  }

  private record Trial(int doubleSteps, int takeovers, boolean promoted) {}

  private Trial runTrial(
      Random random, ExecutorService threads, Function<GuardFixture, RolloutControl> store)
      throws Exception {
    GuardFixture fx = new GuardFixture();
    RolloutControl shared = store.apply(fx);
    List<Double> written = new ArrayList<>();
    StepLog log = new StepLog(shared, written);
    RolloutPlan plan =
        RolloutPlan.custom()
            .minBake(Duration.ofMinutes(2))
            .minSamplesPerArm(100)
            .evidence(RolloutPlan.Evidence.BAKE_ONLY)
            .build();
    GuardConfig config = GuardConfig.custom().checkInterval(Duration.ofSeconds(10)).build();
    Rollout a =
        guard(fx, log, config, "a", fx.clock)
            .start(RolloutSpec.forFlag(FLAG).stable(STABLE).canary(CANARY).plan(plan).build());
    SkewedClock bClock = new SkewedClock(fx.clock);
    Rollout b =
        guard(fx, new StepLog(shared, written), config, "b", bClock).resume(Set.of(FLAG)).get(0);
    int pausedA = 0;
    int pausedB = 0;
    for (int round = 0; round < MAX_ROUNDS && !a.state().isFinal(); round++) {
      traffic(fx, shared);
      fx.clock.advance(Duration.ofSeconds(10));
      if (random.nextInt(10) == 0) {
        // one of them stops checking for longer than its lease
        if (random.nextBoolean()) {
          pausedA = 8;
        } else {
          pausedB = 8;
        }
      }
      bClock.skew = random.nextInt(8) == 0 ? config.leaseTtl().multipliedBy(2) : Duration.ZERO;
      List<Callable<AuditRecord>> checks = new ArrayList<>();
      if (pausedA-- <= 0) {
        checks.add(a::check);
      }
      if (pausedB-- <= 0) {
        checks.add(b::check);
      }
      for (Future<AuditRecord> done : threads.invokeAll(checks)) {
        done.get();
      }
    }
    long takeovers =
        fx.audit.records().stream()
            .filter(r -> r.reason().startsWith("took the rollout over"))
            .count();
    FlagState end = shared.state(FLAG);
    return new Trial(log.doubleSteps(), (int) takeovers, end.share(CANARY) == 100.0);
  }

  private static RolloutGuard guard(
      GuardFixture fx, RolloutControl control, GuardConfig config, String owner, Clock clock) {
    return fx.controller(owner, control, config, clock);
  }

  private static void traffic(GuardFixture fx, RolloutControl store) {
    double canary = store.state(FLAG).share(CANARY);
    if (canary > 0 && canary < 100) {
      fx.traffic(CANARY, null, 40, 0.99);
      fx.traffic(STABLE, null, (int) Math.round(40 * (100 - canary) / canary), 0.99);
    }
  }

  /** Counts the canary shares written more than once: each step may be written only once. */
  private static final class StepLog implements RolloutControl {
    private final RolloutControl store;
    private final List<Double> written;

    StepLog(RolloutControl store, List<Double> written) {
      this.store = store;
      this.written = written;
    }

    int doubleSteps() {
      synchronized (written) {
        return written.size() - new HashSet<>(written).size();
      }
    }

    @Override
    public FlagState state(String flagKey) {
      return store.state(flagKey);
    }

    @Override
    public FlagState setWeights(
        String flagKey, Map<String, Double> weights, ChangeRequest request) {
      slowly();
      FlagState after = store.setWeights(flagKey, weights, request);
      synchronized (written) {
        written.add(weights.get(CANARY));
      }
      return after;
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
      slowly();
      return store.writeRolloutRecord(flagKey, recordJson, request);
    }

    private static void slowly() {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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
}
