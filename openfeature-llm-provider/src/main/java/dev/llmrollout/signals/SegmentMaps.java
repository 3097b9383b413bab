package dev.llmrollout.signals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * How per-segment counters add up and subtract: value by value, a segment one side never saw
 * counting as empty there. Shared by {@link ArmCounters} and {@link PairCounters}.
 */
final class SegmentMaps {
  private SegmentMaps() {}

  static <C> Map<String, C> combine(
      Map<String, C> left, Map<String, C> right, C empty, BinaryOperator<C> op) {
    Set<String> values = new HashSet<>(left.keySet());
    values.addAll(right.keySet());
    Map<String, C> combined = new HashMap<>();
    for (String value : values) {
      combined.put(
          value, op.apply(left.getOrDefault(value, empty), right.getOrDefault(value, empty)));
    }
    return combined;
  }
}
