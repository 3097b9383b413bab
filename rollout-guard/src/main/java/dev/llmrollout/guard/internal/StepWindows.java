package dev.llmrollout.guard.internal;

import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.SignalSource;
import dev.llmrollout.signals.WindowedSignalSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The windows a rollout is judged on: one per canary step, from the step's start to now (or to the
 * step's end). Nothing from before the rollout's first step, nor from another rollout, ever enters.
 * An in-process source is read as the difference between the arms' counters now and at the step's
 * start; a {@link WindowedSignalSource} (a fleet's metrics store) is asked for the window between
 * the step's start and end times itself, and may throw {@link
 * dev.llmrollout.signals.SignalsUnavailableException}. Not thread-safe; its rollout serializes use.
 */
final class StepWindows {

  /** One step's counters of both arms, and the canary share written for it. */
  record Window(ArmCounters stable, ArmCounters canary, double canaryPercent) {}

  /** A closed step: its times, and its window once read. */
  private static final class Closed {
    final Instant start;
    final Instant end;
    final double canaryPercent;
    Window window;

    Closed(Instant start, Instant end, double canaryPercent, Window window) {
      this.start = start;
      this.end = end;
      this.canaryPercent = canaryPercent;
      this.window = window;
    }
  }

  private final SignalSource signals;
  private final Clock clock;
  private final String flagKey;
  private final String stable;
  private final String canary;
  private final List<Closed> closed = new ArrayList<>();
  private ArmCounters stableAtStart;
  private ArmCounters canaryAtStart;
  private Instant startedAt;
  private double canaryPercent = Double.NaN;

  StepWindows(SignalSource signals, Clock clock, String flagKey, String stable, String canary) {
    this.signals = signals;
    this.clock = clock;
    this.flagKey = flagKey;
    this.stable = stable;
    this.canary = canary;
  }

  /** Closes the running window (if any) and opens one for a step at {@code percent}. */
  void beginStep(double percent) {
    Instant now = clock.instant();
    if (signals instanceof WindowedSignalSource) {
      if (!Double.isNaN(canaryPercent)) {
        closed.add(new Closed(startedAt, now, canaryPercent, null));
      }
    } else {
      ArmCounters stableNow = signals.counters(flagKey, stable);
      ArmCounters canaryNow = signals.counters(flagKey, canary);
      if (!Double.isNaN(canaryPercent)) {
        Window window =
            new Window(
                stableNow.minus(stableAtStart), canaryNow.minus(canaryAtStart), canaryPercent);
        closed.add(new Closed(startedAt, now, canaryPercent, window));
      }
      stableAtStart = stableNow;
      canaryAtStart = canaryNow;
    }
    startedAt = now;
    canaryPercent = percent;
  }

  /** When each step began and its canary share, oldest first; the last is the running step. */
  List<RolloutRecord.StepStart> starts() {
    List<RolloutRecord.StepStart> starts = new ArrayList<>();
    closed.forEach(step -> starts.add(new RolloutRecord.StepStart(step.start, step.canaryPercent)));
    if (!Double.isNaN(canaryPercent)) {
      starts.add(new RolloutRecord.StepStart(startedAt, canaryPercent));
    }
    return starts;
  }

  /**
   * Takes up steps another guard (or this one before a restart) began: a windowed source is asked
   * for the same windows by their times; an in-process source lost what it counted before the
   * restart, so earlier steps count as empty and the running step counts from now.
   */
  void resume(List<RolloutRecord.StepStart> starts) {
    closed.clear();
    canaryPercent = Double.NaN;
    boolean windowed = signals instanceof WindowedSignalSource;
    for (int i = 0; i + 1 < starts.size(); i++) {
      RolloutRecord.StepStart step = starts.get(i);
      Window lost =
          windowed ? null : new Window(ArmCounters.EMPTY, ArmCounters.EMPTY, step.canaryPercent());
      closed.add(
          new Closed(step.startedAt(), starts.get(i + 1).startedAt(), step.canaryPercent(), lost));
    }
    if (starts.isEmpty()) {
      return;
    }
    RolloutRecord.StepStart running = starts.get(starts.size() - 1);
    if (!windowed) {
      stableAtStart = signals.counters(flagKey, stable);
      canaryAtStart = signals.counters(flagKey, canary);
    }
    startedAt = running.startedAt();
    canaryPercent = running.canaryPercent();
  }

  /** Every closed window and the running one, oldest first (empty before the first step). */
  List<Window> windows() {
    List<Window> all = new ArrayList<>();
    for (Closed step : closed) {
      if (step.window == null) {
        step.window = read(step.start, step.end, step.canaryPercent);
      }
      all.add(step.window);
    }
    if (!Double.isNaN(canaryPercent)) {
      all.add(current());
    }
    return all;
  }

  /** The running step's window. */
  Window current() {
    if (signals instanceof WindowedSignalSource) {
      return read(startedAt, clock.instant(), canaryPercent);
    }
    return new Window(
        signals.counters(flagKey, stable).minus(stableAtStart),
        signals.counters(flagKey, canary).minus(canaryAtStart),
        canaryPercent);
  }

  private Window read(Instant start, Instant end, double percent) {
    WindowedSignalSource windowed = (WindowedSignalSource) signals;
    return new Window(
        windowed.window(flagKey, stable, start, end),
        windowed.window(flagKey, canary, start, end),
        percent);
  }
}
