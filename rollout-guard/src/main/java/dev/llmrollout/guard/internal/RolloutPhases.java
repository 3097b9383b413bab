package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a rollout's running phase (the shadow phase or a canary step) began, and the windows of its
 * steps: what the bake clock and the rules are measured on, and what its record keeps so that a
 * resumed rollout measures the same. Not thread-safe; its rollout serializes use.
 */
final class RolloutPhases {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final StepWindows canaryWindows;
  private final StepWindows shadowWindows;
  private Instant startedAt;

  /** Canary requests when the shadow phase began here; -1 until the signals first answer. */
  private long shadowStartRequests = -1;

  RolloutPhases(GuardContext context, RolloutSpec spec) {
    this.context = context;
    this.spec = spec;
    this.canaryWindows = windows();
    this.shadowWindows = windows();
  }

  private StepWindows windows() {
    return new StepWindows(
        context.signals(), context.clock(), spec.flagKey(), spec.stable(), spec.canary());
  }

  /** A phase of {@code state} (at canary step {@code step}) begins now. */
  void begin(RolloutState state, int step) {
    startedAt = context.clock().instant();
    if (state == RolloutState.SHADOW) {
      shadowStartRequests = canaryRequests();
      shadowWindows.beginStep(0);
    }
    if (state == RolloutState.CANARY) {
      canaryWindows.beginStep(spec.plan().canaryPercent(step));
    }
  }

  /** Takes up the phases a record says began earlier; the running one keeps its start. */
  void resume(RolloutProgress progress) {
    canaryWindows.resume(progress.steps());
    progress
        .shadowStartedAt()
        .ifPresent(start -> shadowWindows.resume(List.of(new RolloutRecord.StepStart(start, 0))));
    // Read lazily: a controller resuming while its signals are unavailable still takes the
    // rollout up (and holds it) instead of failing the resume.
    shadowStartRequests = -1;
    startedAt =
        progress.state() == RolloutState.SHADOW || progress.steps().isEmpty()
            ? progress.shadowStartedAt().orElse(context.clock().instant())
            : progress.stepStartedAt().orElseThrow();
  }

  /** When the running phase began: the start of its bake clock. */
  Instant startedAt() {
    return startedAt;
  }

  /** The shadow phase's windows, or each canary step's, oldest first. */
  List<StepWindows.Window> windows(boolean shadow) {
    return shadow ? shadowWindows.windows() : canaryWindows.windows();
  }

  /** The running canary step's window. */
  StepWindows.Window current() {
    return canaryWindows.current();
  }

  /** Shadow answers since the shadow phase began (or since it was resumed in this process). */
  long shadowSamples() {
    if (shadowStartRequests < 0) {
      shadowStartRequests = canaryRequests();
    }
    return canaryRequests() - shadowStartRequests;
  }

  /**
   * The first step is widened to {@code percent}: a new window opens, the step's bake clock and
   * deadline stand (a record keeps it as one more step start at the wider share; a resumed guard
   * takes the first step's bake clock from its first start).
   */
  void widen(double percent) {
    canaryWindows.beginStep(percent);
  }

  /** What {@code window}, the running step's, still lacks of {@code step}'s minimum per arm. */
  List<String> samplesMissing(int stepIndex, CanaryStep step, StepWindows.Window window) {
    long canary = window.canary().all().totalRequests();
    long stable = window.stable().all().totalRequests();
    boolean lastStep = stepIndex == spec.plan().steps().size() - 1;
    List<String> missing = new ArrayList<>();
    if (canary < step.minSamplesPerArm()) {
      missing.add("canary has " + canary + " of " + step.minSamplesPerArm() + " requests");
    }
    if (!lastStep && stable < step.minSamplesPerArm()) {
      missing.add("stable has " + stable + " of " + step.minSamplesPerArm() + " requests");
    }
    return missing;
  }

  List<RolloutRecord.StepStart> canaryStarts() {
    return canaryWindows.starts();
  }

  Optional<Instant> shadowStartedAt() {
    return shadowWindows.starts().stream().findFirst().map(RolloutRecord.StepStart::startedAt);
  }

  private long canaryRequests() {
    return context.signals().counters(spec.flagKey(), spec.canary()).all().totalRequests();
  }
}
