package dev.llmrollout.signals;

/**
 * Per-flag, per-variant quality signals, written by the router (and by feedback through {@code
 * track()}) and read by the rollout guard on its own schedule.
 *
 * <p>Every counter is cumulative since the source began and kept per segment and per {@link
 * UnitBuckets unit bucket}, so counters of several processes add up ({@link ArmCounters#plus}) and
 * a window is the difference of two snapshots ({@link ArmCounters#minus}): the guard takes one at
 * each step's start and judges a rollout only on what happened since.
 */
public interface SignalSource {

  /** A snapshot of the counters of {@code variant} of {@code flagKey} (empty when none). */
  ArmCounters counters(String flagKey, String variant);
}
