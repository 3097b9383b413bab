package dev.llmrollout.router.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds a label's values: the first {@code capacity} values keep their own label, the rest share
 * the overflow label. Values once admitted stay, so every labelled counter only grows. Not
 * thread-safe; its metrics callback serializes use.
 */
final class LabelCap {
  private final int capacity;
  private final String overflow;
  private final Map<String, Boolean> admitted = new LinkedHashMap<>();

  LabelCap(int capacity, String overflow) {
    this.capacity = capacity;
    this.overflow = overflow;
  }

  String label(String value) {
    if (admitted.containsKey(value) || value.equals(overflow)) {
      return value;
    }
    if (admitted.size() < capacity) {
      admitted.put(value, Boolean.TRUE);
      return value;
    }
    return overflow;
  }
}
