package dev.llmrollout.signals;

import java.time.Instant;

/**
 * A {@link SignalSource} that reads the counters of a time window itself, such as a metrics store
 * adding up a fleet's counters ({@code increase(...[range] @ end)} in Prometheus), where the
 * difference of two instant snapshots would miss restarted or new processes. The guard judges each
 * step on {@link #window} between the step's start and now (or the step's end) instead of
 * subtracting snapshots.
 */
public interface WindowedSignalSource extends SignalSource {

  /**
   * What {@code variant} of {@code flagKey} counted from {@code start} to {@code end}.
   *
   * @throws SignalsUnavailableException when the data is missing or stale (the store cannot be
   *     reached, a process it reads from is down, a scrape is overdue): no window rather than a
   *     window that silently lacks traffic
   */
  ArmCounters window(String flagKey, String variant, Instant start, Instant end);
}
