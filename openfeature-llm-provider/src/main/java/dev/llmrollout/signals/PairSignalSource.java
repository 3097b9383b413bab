package dev.llmrollout.signals;

/**
 * The shadow pairs of a flag, written by the router's shadow runner (and its judge) and read by the
 * rollout guard's shadow gate. Cumulative since the source began, per segment and {@link
 * UnitBuckets unit bucket}, like {@link SignalSource}: the guard takes a snapshot when the shadow
 * phase begins and judges only what happened since, unless the source is a {@link
 * WindowedPairSignalSource} (a fleet's metrics store), which it asks for the phase's window.
 */
public interface PairSignalSource {

  /** The pairs where {@code primary} answered the user and {@code candidate} the shadow copy. */
  PairCounters pairs(String flagKey, String primary, String candidate);
}
