package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes canary steps conditionally on the flag version this guard last read or wrote (through the
 * rollout's lease), so that two guards cannot double-step, a guard that lost the rollout's lease
 * writes nothing, and a promotion never overwrites a rollback made meanwhile.
 */
final class StepWriter {
  private static final double TOLERANCE = 1e-6;

  /** How a step write ended. */
  enum Kind {
    WRITTEN,
    KILLED_ELSEWHERE,
    STEPPED_ELSEWHERE,
    /** Another guard owns the rollout now: nothing was written, and this one stops acting. */
    LOST_OWNERSHIP,
    FAILED
  }

  /** The end of one write, with the canary share read back. */
  record Outcome(Kind kind, String detail, double canaryShare) {}

  private final GuardContext context;
  private final RolloutSpec spec;
  private final RolloutLease lease;

  StepWriter(GuardContext context, RolloutSpec spec, RolloutLease lease) {
    this.context = context;
    this.spec = spec;
    this.lease = lease;
  }

  /** The split that gives the canary {@code percent}. */
  Map<String, Double> weights(double percent) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put(spec.stable(), 100 - percent);
    weights.put(spec.canary(), percent);
    return weights;
  }

  Outcome write(double percent, String why) {
    ChangeRequest request =
        lease.fence(
            ChangeRequest.because("canary to " + percent + "%: " + why)
                .by(context.config().actor()));
    try {
      FlagState written = context.control().setWeights(spec.flagKey(), weights(percent), request);
      lease.saw(written);
      if (Math.abs(written.share(spec.canary()) - percent) > TOLERANCE) {
        return new Outcome(
            Kind.FAILED,
            "flag '"
                + spec.flagKey()
                + "' read back canary at "
                + written.share(spec.canary())
                + "%, expected "
                + percent
                + "%",
            written.share(spec.canary()));
      }
      return new Outcome(Kind.WRITTEN, "written", percent);
    } catch (WriteBackException e) {
      if (e.kind() != WriteBackException.Kind.CONFLICT) {
        return new Outcome(Kind.FAILED, "promotion not written: " + e.getMessage(), Double.NaN);
      }
      return afterConflict();
    }
  }

  private Outcome afterConflict() {
    FlagState now;
    try {
      now = context.control().state(spec.flagKey());
    } catch (WriteBackException e) {
      return new Outcome(Kind.FAILED, "conflict, then re-read failed: " + e.getMessage(), 0);
    }
    Optional<RolloutRecord> stored = lease.stored(now);
    if (stored.isPresent() && !lease.isMine(stored.get())) {
      lease.lose(stored.get().owner(), "a step write was fenced off by another owner's record");
      return new Outcome(
          Kind.LOST_OWNERSHIP,
          "flag '"
              + spec.flagKey()
              + "' is owned by "
              + stored.get().owner()
              + " now; this guard wrote nothing and stands by",
          now.share(spec.canary()));
    }
    lease.saw(now);
    if (now.killed()) {
      return new Outcome(
          Kind.KILLED_ELSEWHERE,
          "flag '" + spec.flagKey() + "' was killed to '" + now.killedTo().get() + "' meanwhile",
          0);
    }
    return new Outcome(
        Kind.STEPPED_ELSEWHERE,
        "flag '"
            + spec.flagKey()
            + "' changed meanwhile (version "
            + now.version()
            + ", canary at "
            + now.share(spec.canary())
            + "%); not stepping twice",
        now.share(spec.canary()));
  }

  /** The latest plan step whose share {@code canaryShare} reaches; {@code current} when none. */
  int stepOf(double canaryShare, int current) {
    for (int i = spec.plan().steps().size() - 1; i >= 0; i--) {
      if (canaryShare >= spec.plan().canaryPercent(i)) {
        return i;
      }
    }
    return current;
  }
}
