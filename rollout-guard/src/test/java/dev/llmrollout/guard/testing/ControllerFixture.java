package dev.llmrollout.guard.testing;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * Controllers of one rollout as separate processes run them, for the restart and ownership tests:
 * each a guard of its own over one {@link GuardFixture}'s signals, audit log, alerts and override,
 * with its own owner id, write-back and clock, and no scheduler (the test calls the checks, so a
 * "crashed" controller does nothing more).
 */
public final class ControllerFixture {
  /** {@link GuardFixture#FLAG} in a flags file, next to a flag no rollout runs on. */
  public static final String FLAGS_FILE =
      """
      {"flags": {"support-model": {"state": "ENABLED",
        "variants": {"stable": {"model": "m-1", "endpoint": "stable-pool"},
                     "candidate": {"model": "m-2", "endpoint": "canary-pool"}},
        "defaultVariant": "stable"},
        "other": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}
      """;

  public final GuardFixture fx;

  public ControllerFixture(GuardFixture fx) {
    this.fx = fx;
  }

  /** Writes {@link #FLAGS_FILE} to {@code file}. */
  public static Path writeFlagsFile(Path file) throws IOException {
    return Files.writeString(file, FLAGS_FILE);
  }

  /** A controller named {@code owner}, writing through {@code control}, on {@code clock}. */
  public RolloutGuard controller(
      String owner, RolloutControl control, Clock clock, GuardConfig config) {
    return fx.controller(owner, control, config, clock);
  }

  /**
   * Healthy traffic split as {@code store}'s weights say: {@code canaryRequests} on the canary and
   * as many more on stable as its share wants; none while the canary has no share or all of it.
   */
  public void healthyTraffic(RolloutControl store, int canaryRequests) {
    double canaryShare = store.state(FLAG).share(CANARY);
    if (canaryShare <= 0 || canaryShare >= 100) {
      return;
    }
    fx.traffic(CANARY, null, canaryRequests, 0.99);
    fx.traffic(
        STABLE, null, (int) Math.round(canaryRequests * (100 - canaryShare) / canaryShare), 0.99);
  }

  /** A clock ahead of the test's by a settable skew: another machine's clock, running fast. */
  public static final class SkewedClock extends Clock {
    private final Clock base;
    private volatile Duration skew = Duration.ZERO;

    public SkewedClock(Clock base) {
      this.base = base;
    }

    public void skew(Duration skew) {
      this.skew = skew;
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

  /** A write-back passing every call to a store; a test overrides the calls it watches. */
  public abstract static class ForwardingControl implements RolloutControl {
    private final RolloutControl store;

    protected ForwardingControl(RolloutControl store) {
      this.store = store;
    }

    @Override
    public FlagState state(String flagKey) {
      return store.state(flagKey);
    }

    @Override
    public FlagState setWeights(
        String flagKey, Map<String, Double> weights, ChangeRequest request) {
      return store.setWeights(flagKey, weights, request);
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
