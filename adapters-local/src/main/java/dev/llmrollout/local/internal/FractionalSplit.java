package dev.llmrollout.local.internal;

import dev.llmrollout.spi.FractionalBucketing;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code fractional}, bucketing with {@link FractionalBucketing} exactly as the engine's
 * {@link Fractional} does. Literal buckets (the usual case) are read once when the rule loads.
 *
 * @param bucketingKey the bucketing expression, or null for the shorthand form (flag key +
 *     targeting key)
 * @param buckets the bucket expressions, each evaluating to {@code [variant, weight]}
 * @param names the literal buckets' variants, or null when a bucket is computed
 * @param weights the literal buckets' weights, or null when a bucket is computed
 * @param path where it sits in the targeting, for error messages
 */
record FractionalSplit(
    RuleNode bucketingKey, RuleNode[] buckets, Object[] names, long[] weights, String path)
    implements RuleNode {

  @Override
  public Object evaluate(RuleScope scope) {
    Object first = bucketingKey == null ? null : bucketingKey.evaluate(scope);
    if (first instanceof List<?>) {
      // Like the engine: an expression that yields an array is a bucket, not a bucketing key.
      List<Object> all = new ArrayList<>();
      all.add(first);
      all.addAll(evaluatedBuckets(scope));
      return split(scope, shorthandKey(scope), all);
    }
    // flagd buckets a null bucketing value (a missing attribute) like the shorthand form: on the
    // flag key and the targeting key, and on nothing (the default variant) without one.
    String key = first == null ? shorthandKey(scope) : String.valueOf(first);
    if (names == null) {
      return split(scope, key, evaluatedBuckets(scope));
    }
    if (key == null) {
      return null;
    }
    scope.markSplit();
    return names[FractionalBucketing.pick(key, weights)];
  }

  private static String shorthandKey(RuleScope scope) {
    String targetingKey = scope.targetingKey();
    return targetingKey == null ? null : scope.flagKey() + targetingKey;
  }

  private List<Object> evaluatedBuckets(RuleScope scope) {
    List<Object> values = new ArrayList<>(buckets.length);
    for (RuleNode bucket : buckets) {
      values.add(bucket.evaluate(scope));
    }
    return values;
  }

  private Object split(RuleScope scope, String key, List<Object> values) {
    if (key == null) {
      return null;
    }
    scope.markSplit();
    Object[] variants = new Object[values.size()];
    long[] bucketWeights = new long[values.size()];
    long total = 0;
    for (int i = 0; i < values.size(); i++) {
      if (!(values.get(i) instanceof List<?> bucket) || bucket.isEmpty()) {
        throw new IllegalStateException(
            "fractional bucket must be [variant, weight] at $.targeting" + path);
      }
      variants[i] = bucket.get(0);
      bucketWeights[i] = bucket.size() > 1 ? weightOf(bucket.get(1)) : 1;
      total += bucketWeights[i];
    }
    return total <= 0 ? null : variants[FractionalBucketing.pick(key, bucketWeights)];
  }

  private long weightOf(Object weight) {
    if (!(weight instanceof Number number)) {
      throw new IllegalStateException("fractional weight must be a number at $.targeting" + path);
    }
    return weight(number);
  }

  /** A bucket's weight as flagd reads it: a negative weight counts as zero. */
  static long weight(Number weight) {
    return Math.max(0, weight.longValue());
  }
}
