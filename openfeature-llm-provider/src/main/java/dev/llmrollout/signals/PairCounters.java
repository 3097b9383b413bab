package dev.llmrollout.signals;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * A snapshot of the shadow pairs of one primary and one candidate variant: across all traffic and
 * per segment value. Immutable; adds up across processes and subtracts to windows.
 */
public final class PairCounters {
  /** No pair at all. */
  public static final PairCounters EMPTY = new PairCounters(PairCounts.EMPTY, Map.of());

  private final PairCounts all;
  private final Map<String, PairCounts> segments;

  public PairCounters(PairCounts all, Map<String, PairCounts> segments) {
    this.all = Objects.requireNonNull(all, "all");
    this.segments = Map.copyOf(segments);
  }

  /** Across all traffic. */
  public PairCounts all() {
    return all;
  }

  /** Within one segment value ({@link PairCounts#EMPTY} when it was never seen). */
  public PairCounts segment(String value) {
    return segments.getOrDefault(value, PairCounts.EMPTY);
  }

  /** The segment values seen. */
  public Set<String> segments() {
    return segments.keySet();
  }

  /** What this and {@code other} (another process's) saw together. */
  public PairCounters plus(PairCounters other) {
    return combine(other, PairCounts::plus);
  }

  /** What happened since the snapshot {@code earlier}. */
  public PairCounters minus(PairCounters earlier) {
    return combine(earlier, PairCounts::minus);
  }

  private PairCounters combine(PairCounters other, BinaryOperator<PairCounts> op) {
    return new PairCounters(
        op.apply(all, other.all),
        SegmentMaps.combine(segments, other.segments, PairCounts.EMPTY, op));
  }
}
