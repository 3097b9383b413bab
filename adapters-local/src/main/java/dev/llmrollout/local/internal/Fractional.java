package dev.llmrollout.local.internal;

import dev.llmrollout.spi.FractionalBucketing;
import io.github.jamsesso.jsonlogic.ast.JsonLogicArray;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluationException;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluator;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicExpression;
import java.util.List;
import java.util.Map;

/**
 * flagd's {@code fractional} operator with its high-precision (v2) bucketing ({@link
 * FractionalBucketing}). The bucketing key is the first argument when it is not a bucket, else the
 * flag key followed by the targeting key.
 */
final class Fractional implements JsonLogicExpression {
  static final Fractional INSTANCE = new Fractional();

  private Fractional() {}

  @Override
  public String key() {
    return "fractional";
  }

  @Override
  public Object evaluate(
      JsonLogicEvaluator evaluator, JsonLogicArray arguments, Object data, String jsonPath)
      throws JsonLogicEvaluationException {
    List<Object> values = evaluator.evaluate(arguments, data, jsonPath);
    if (values.isEmpty()) {
      throw new JsonLogicEvaluationException("fractional needs at least one bucket", jsonPath);
    }
    Map<?, ?> context = data instanceof Map<?, ?> map ? map : Map.of();
    String bucketingKey;
    List<Object> buckets;
    if (values.get(0) instanceof List<?>) {
      bucketingKey = shorthandKey(context);
      buckets = values;
    } else {
      Object first = values.get(0);
      bucketingKey = first == null ? shorthandKey(context) : String.valueOf(first);
      buckets = values.subList(1, values.size());
    }
    if (bucketingKey == null) {
      return null;
    }
    EvaluationData.markSplit(context);
    return pick(bucketingKey, buckets, jsonPath);
  }

  private static String shorthandKey(Map<?, ?> context) {
    Object targetingKey = context.get(EvaluationData.TARGETING_KEY);
    if (targetingKey == null) {
      return null;
    }
    return EvaluationData.flagKey(context) + targetingKey;
  }

  private static Object pick(String bucketingKey, List<Object> buckets, String jsonPath)
      throws JsonLogicEvaluationException {
    long[] weights = new long[buckets.size()];
    Object[] names = new Object[buckets.size()];
    long total = 0;
    for (int i = 0; i < buckets.size(); i++) {
      if (!(buckets.get(i) instanceof List<?> bucket) || bucket.isEmpty()) {
        throw new JsonLogicEvaluationException(
            "fractional bucket must be [variant, weight]", jsonPath);
      }
      names[i] = bucket.get(0);
      weights[i] = bucket.size() > 1 ? weightOf(bucket.get(1), jsonPath) : 1;
      total += weights[i];
    }
    return total <= 0 ? null : names[FractionalBucketing.pick(bucketingKey, weights)];
  }

  private static long weightOf(Object weight, String jsonPath) throws JsonLogicEvaluationException {
    if (!(weight instanceof Number number)) {
      throw new JsonLogicEvaluationException("fractional weight must be a number", jsonPath);
    }
    return FractionalSplit.weight(number);
  }
}
