package dev.llmrollout.local.internal;

import dev.openfeature.sdk.EvaluationContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The data a targeting rule sees, as flagd builds it: the context's attributes, {@code
 * targetingKey}, and {@code $flagd.flagKey} / {@code $flagd.timestamp}. It also carries a marker
 * the {@code fractional} operator sets, so the result can be reported as a SPLIT.
 */
final class EvaluationData {
  static final String TARGETING_KEY = "targetingKey";
  private static final String FLAGD = "$flagd";
  private static final String SPLIT_MARKER = "$llmrollout.split";

  private EvaluationData() {}

  static Map<String, Object> of(String flagKey, EvaluationContext context) {
    Map<String, Object> data = new HashMap<>(context.asObjectMap());
    String targetingKey = context.getTargetingKey();
    if (targetingKey != null && !targetingKey.isEmpty()) {
      data.put(TARGETING_KEY, targetingKey);
    } else {
      data.remove(TARGETING_KEY);
    }
    data.put(FLAGD, Map.of("flagKey", flagKey, "timestamp", Instant.now().getEpochSecond()));
    return data;
  }

  static String flagKey(Map<?, ?> data) {
    return data.get(FLAGD) instanceof Map<?, ?> flagd ? String.valueOf(flagd.get("flagKey")) : "";
  }

  @SuppressWarnings("unchecked")
  static void markSplit(Map<?, ?> data) {
    if (data instanceof HashMap<?, ?>) {
      ((Map<String, Object>) data).put(SPLIT_MARKER, Boolean.TRUE);
    }
  }

  static boolean wasSplit(Map<String, Object> data) {
    return data.containsKey(SPLIT_MARKER);
  }
}
