package dev.llmrollout.signals;

import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * A snapshot of one arm's {@link Counts}: across all traffic and per segment value (such as intent
 * {@code payment}). Immutable; adds up across processes and subtracts to windows.
 */
public final class ArmCounters {
  /** No observation at all. */
  public static final ArmCounters EMPTY = new ArmCounters(Counts.EMPTY, Map.of());

  private final Counts all;
  private final Map<String, Counts> segments;

  /** The counters across all traffic and per segment value. */
  public ArmCounters(Counts all, Map<String, Counts> segments) {
    this.all = java.util.Objects.requireNonNull(all, "all");
    this.segments = Map.copyOf(segments);
  }

  /** Across all traffic. */
  public Counts all() {
    return all;
  }

  /** Within one segment value ({@link Counts#EMPTY} when it was never seen). */
  public Counts segment(String value) {
    return segments.getOrDefault(value, Counts.EMPTY);
  }

  /** The segment values seen. */
  public Set<String> segments() {
    return segments.keySet();
  }

  /** What this arm and {@code other} (another process's) saw together. */
  public ArmCounters plus(ArmCounters other) {
    return combine(other, Counts::plus);
  }

  /** What happened since the snapshot {@code earlier}. */
  public ArmCounters minus(ArmCounters earlier) {
    return combine(earlier, Counts::minus);
  }

  private ArmCounters combine(ArmCounters other, BinaryOperator<Counts> op) {
    return new ArmCounters(
        op.apply(all, other.all), SegmentMaps.combine(segments, other.segments, Counts.EMPTY, op));
  }
}
