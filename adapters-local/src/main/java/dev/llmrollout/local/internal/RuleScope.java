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
  private final String targetingKey;
  private long epochSecond;
  private boolean epochSecondRead;
  private Map<String, Object> engineData;
  private boolean split;

  /**
   * @param targetingKey the context's targeting key as already read by the caller (reading it from
   *     some contexts copies a value)
   */
  RuleScope(String flagKey, String targetingKey, EvaluationContext context) {
    this.flagKey = flagKey;
    this.context = context;
    this.targetingKey = targetingKey == null || targetingKey.isEmpty() ? null : targetingKey;
  }

  String flagKey() {
    return flagKey;
  }

  EvaluationContext context() {
    return context;
  }

  /** The targeting key, null when the context has none or an empty one (as flagd treats it). */
  String targetingKey() {
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
