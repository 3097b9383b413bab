package dev.llmrollout.local.internal;

import dev.openfeature.sdk.EvaluationContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The data a targeting rule sees in the JsonLogic engine, as flagd builds it: the context's
 * attributes, {@code targetingKey}, and {@code $flagd.flagKey} / {@code $flagd.timestamp}. It also
 * carries a marker the {@code fractional} operator sets, so the result can be reported as a SPLIT.
 * Only the parts of a rule the compiler leaves to the engine pay for this copy.
 */
final class EvaluationData {
  static final String TARGETING_KEY = "targetingKey";
  static final String FLAGD = "$flagd";
  static final String FLAG_KEY = "flagKey";
  static final String TIMESTAMP = "timestamp";
  private static final String SPLIT_MARKER = "$llmrollout.split";

  private EvaluationData() {}

  static Map<String, Object> of(String flagKey, EvaluationContext context, long epochSecond) {
    Map<String, Object> data = new HashMap<>(context.asObjectMap());
    String targetingKey = context.getTargetingKey();
    if (targetingKey != null && !targetingKey.isEmpty()) {
      data.put(TARGETING_KEY, targetingKey);
    } else {
      data.remove(TARGETING_KEY);
    }
    data.put(FLAGD, flagdData(flagKey, epochSecond));
    return data;
  }

  /** The {@code $flagd} object: the flag key and the evaluation's time in epoch seconds. */
  static Map<String, Object> flagdData(String flagKey, long epochSecond) {
    return Map.of(FLAG_KEY, flagKey, TIMESTAMP, epochSecond);
  }

  static String flagKey(Map<?, ?> data) {
    return data.get(FLAGD) instanceof Map<?, ?> flagd ? String.valueOf(flagd.get(FLAG_KEY)) : "";
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
