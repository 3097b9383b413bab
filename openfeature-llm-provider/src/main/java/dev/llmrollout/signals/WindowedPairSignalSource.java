package dev.llmrollout.signals;

import java.time.Instant;

/**
 * A {@link PairSignalSource} that reads the pairs of a time window itself, such as a metrics store
 * adding up a fleet's exported pair counters ({@code increase(...[range] @ end)} in Prometheus),
 * where the difference of two instant snapshots would miss restarted or new processes. The guard's
 * shadow gate judges the window from the shadow phase's recorded start to now instead of
 * subtracting a snapshot, so a restarted controller judges the same pairs; the in-process {@link
 * PairRecorder} is read as the difference from a snapshot taken at the shadow phase's start.
 */
public interface WindowedPairSignalSource extends PairSignalSource {

  /**
   * The pairs where {@code primary} answered the user and {@code candidate} the shadow copy,
   * recorded from {@code start} to {@code end}.
   *
   * @throws SignalsUnavailableException when the data is missing or stale (the store cannot be
   *     reached, a process it reads from is down, a scrape is overdue): no window rather than a
   *     window that silently lacks pairs
   */
  PairCounters window(String flagKey, String primary, String candidate, Instant start, Instant end);
}
