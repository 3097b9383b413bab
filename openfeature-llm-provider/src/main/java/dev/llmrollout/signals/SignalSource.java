package dev.llmrollout.signals;

import java.util.Set;

/**
 * Per-flag, per-variant, per-segment quality signals, written by the router (and by feedback
 * through {@code track()}) and read by the rollout guard on its own schedule.
 */
public interface SignalSource {

  /** The arm's signals across all segments. */
  ArmSignals arm(String flagKey, String variant);

  /** The arm's signals within one segment value, such as intent {@code payment}. */
  ArmSignals arm(String flagKey, String variant, String segment);

  /** The segment values seen for this flag so far. */
  Set<String> segments(String flagKey);
}
