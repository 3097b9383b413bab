package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes canary steps conditionally on the flag version this guard last read or wrote, so that two
 * guards cannot double-step and a promotion never overwrites a rollback made meanwhile.
 */
final class StepWriter {
  private static final double TOLERANCE = 1e-6;

  /** How a step write ended. */
  enum Kind {
    WRITTEN,
    KILLED_ELSEWHERE,
    STEPPED_ELSEWHERE,
    FAILED
  }

  /** The end of one write, with the canary share read back. */
  record Outcome(Kind kind, String detail, double canaryShare) {}

  private final GuardContext context;
  private final RolloutSpec spec;
  private String lastVersion;

  StepWriter(GuardContext context, RolloutSpec spec, String lastVersion) {
    this.context = context;
    this.spec = spec;
    this.lastVersion = lastVersion;
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
        ChangeRequest.because("canary to " + percent + "%: " + why)
            .by(context.config().actor())
            .ifVersion(lastVersion);
    try {
      FlagState written = context.control().setWeights(spec.flagKey(), weights(percent), request);
      lastVersion = written.version();
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
    lastVersion = now.version();
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
}
