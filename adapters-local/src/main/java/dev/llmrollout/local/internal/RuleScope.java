package dev.llmrollout.local.internal;

import dev.openfeature.sdk.EvaluationContext;
import java.time.Instant;
import java.util.Map;

/**
 * What one evaluation of a compiled rule sees: the flag key, the caller's context (read lazily, one
 * attribute at a time), the evaluation's timestamp, and whether a {@code fractional} split ran.
 */
final class RuleScope {
  private final String flagKey;
  private final EvaluationContext context;
  private String targetingKey;
  private boolean targetingKeyRead;
  private long epochSecond;
  private boolean epochSecondRead;
  private Map<String, Object> engineData;
  private boolean split;

  RuleScope(String flagKey, EvaluationContext context) {
    this.flagKey = flagKey;
    this.context = context;
  }

  String flagKey() {
    return flagKey;
  }

  EvaluationContext context() {
    return context;
  }

  /** The targeting key, null when the context has none or an empty one (as flagd treats it). */
  String targetingKey() {
    if (!targetingKeyRead) {
      String key = context.getTargetingKey();
      targetingKey = key == null || key.isEmpty() ? null : key;
      targetingKeyRead = true;
    }
    return targetingKey;
  }

  /** flagd's {@code $flagd.timestamp}: one value for the whole evaluation. */
  long epochSecond() {
    if (!epochSecondRead) {
      epochSecond = Instant.now().getEpochSecond();
      epochSecondRead = true;
    }
    return epochSecond;
  }

  /**
   * The whole context as the JsonLogic engine reads it, built only when a part of the rule the
   * compiler does not know runs through the engine.
   */
  Map<String, Object> engineData() {
    if (engineData == null) {
      engineData = EvaluationData.of(flagKey, context, epochSecond());
    }
    return engineData;
  }

  void markSplit() {
    split = true;
  }

  boolean split() {
    return split;
  }
}
