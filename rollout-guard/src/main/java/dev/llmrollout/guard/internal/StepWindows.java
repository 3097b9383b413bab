package dev.llmrollout.guard.internal;

import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.SignalSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The windows a rollout is judged on: one per canary step, each the difference between the arms'
 * counters now (or at the step's end) and at the step's start. Nothing from before the rollout's
 * first step, nor from another rollout, ever enters. Not thread-safe; its rollout serializes use.
 */
final class StepWindows {

  /** One step's counters of both arms, and the canary share written for it. */
  record Window(ArmCounters stable, ArmCounters canary, double canaryPercent) {}

  private final SignalSource signals;
  private final String flagKey;
  private final String stable;
  private final String canary;
  private final List<Window> closed = new ArrayList<>();
  private ArmCounters stableAtStart;
  private ArmCounters canaryAtStart;
  private double canaryPercent = Double.NaN;

  StepWindows(SignalSource signals, String flagKey, String stable, String canary) {
    this.signals = signals;
    this.flagKey = flagKey;
    this.stable = stable;
    this.canary = canary;
  }

  /** Closes the running window (if any) and opens one for a step at {@code percent}. */
  void beginStep(double percent) {
    ArmCounters stableNow = signals.counters(flagKey, stable);
    ArmCounters canaryNow = signals.counters(flagKey, canary);
    if (!Double.isNaN(canaryPercent)) {
      closed.add(
          new Window(
              stableNow.minus(stableAtStart), canaryNow.minus(canaryAtStart), canaryPercent));
    }
    stableAtStart = stableNow;
    canaryAtStart = canaryNow;
    canaryPercent = percent;
  }

  /** Every closed window and the running one, oldest first (empty before the first step). */
  List<Window> windows() {
    List<Window> all = new ArrayList<>(closed);
    if (!Double.isNaN(canaryPercent)) {
      all.add(current());
    }
    return all;
  }

  /** The running step's window. */
  Window current() {
    return new Window(
        signals.counters(flagKey, stable).minus(stableAtStart),
        signals.counters(flagKey, canary).minus(canaryAtStart),
        canaryPercent);
  }
}
