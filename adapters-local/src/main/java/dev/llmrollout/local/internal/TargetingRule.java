package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.FractionalBucketing;
import dev.openfeature.sdk.EvaluationContext;
import io.github.jamsesso.jsonlogic.ast.JsonLogicNode;
import io.github.jamsesso.jsonlogic.ast.JsonLogicParseException;
import io.github.jamsesso.jsonlogic.ast.JsonLogicParser;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluationException;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluator;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.ArrayHasExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.ConcatenateExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.EqualityExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.IfExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.InExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.InequalityExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.LogicExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.MathExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.MissingExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.NotExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.NumericComparisonExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.StrictEqualityExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.StrictInequalityExpression;
import io.github.jamsesso.jsonlogic.evaluator.expressions.SubstringExpression;
import java.util.List;
import java.util.Map;

/**
 * A flag's targeting, compiled once per configuration change. The common case, a shorthand {@code
 * fractional} split on the targeting key with literal buckets, is evaluated directly; anything else
 * runs through the JsonLogic engine with flagd's custom operators.
 */
public final class TargetingRule {
  private static final JsonLogicEvaluator ENGINE =
      new JsonLogicEvaluator(
          List.<JsonLogicExpression>of(
              MathExpression.ADD,
              MathExpression.SUBTRACT,
              MathExpression.MULTIPLY,
              MathExpression.DIVIDE,
              MathExpression.MODULO,
              MathExpression.MIN,
              MathExpression.MAX,
              NumericComparisonExpression.GT,
              NumericComparisonExpression.GTE,
              NumericComparisonExpression.LT,
              NumericComparisonExpression.LTE,
              IfExpression.IF,
              IfExpression.TERNARY,
              EqualityExpression.INSTANCE,
              InequalityExpression.INSTANCE,
              StrictEqualityExpression.INSTANCE,
              StrictInequalityExpression.INSTANCE,
              NotExpression.SINGLE,
              NotExpression.DOUBLE,
              LogicExpression.AND,
              LogicExpression.OR,
              ArrayHasExpression.SOME,
              ArrayHasExpression.NONE,
              InExpression.INSTANCE,
              ConcatenateExpression.INSTANCE,
              SubstringExpression.INSTANCE,
              MissingExpression.ALL,
              MissingExpression.SOME,
              Fractional.INSTANCE,
              StringComparison.STARTS_WITH,
              StringComparison.ENDS_WITH));

  private final JsonLogicNode compiled;
  private final ShorthandSplit shorthand;
  private final boolean splits;

  private TargetingRule(JsonLogicNode compiled, ShorthandSplit shorthand, boolean splits) {
    this.compiled = compiled;
    this.shorthand = shorthand;
    this.splits = splits;
  }

  /**
   * Compiles a targeting rule.
   *
   * @throws IllegalArgumentException when the rule is not valid JsonLogic
   */
  public static TargetingRule compile(JsonNode targeting) {
    ShorthandSplit shorthand = ShorthandSplit.of(targeting);
    try {
      return new TargetingRule(
          JsonLogicParser.parse(targeting.toString()),
          shorthand,
          TargetingTree.fractionals(targeting).stream()
              .anyMatch(args -> !TargetingTree.hasBucketingExpression(args)));
    } catch (JsonLogicParseException e) {
      throw new IllegalArgumentException("not valid JsonLogic: " + e.getMessage(), e);
    }
  }

  /**
   * True when the rule splits traffic by the targeting key (a fractional without its own bucketing
   * expression), so that it needs one.
   */
  public boolean splits() {
    return splits;
  }

  /**
   * Runs the rule.
   *
   * @return the variant name the rule chose (null when it chose none) and whether a split chose it
   * @throws IllegalStateException when the rule fails at run time
   */
  public Outcome evaluate(String flagKey, EvaluationContext context) {
    String targetingKey = context.getTargetingKey();
    if (shorthand != null && targetingKey != null && !targetingKey.isEmpty()) {
      return new Outcome(shorthand.pick(flagKey + targetingKey), true);
    }
    Map<String, Object> data = EvaluationData.of(flagKey, context);
    try {
      Object result = ENGINE.evaluate(compiled, data, "$");
      return new Outcome(result, EvaluationData.wasSplit(data));
    } catch (JsonLogicEvaluationException e) {
      throw new IllegalStateException(e.getMessage() + " at " + e.getJsonPath(), e);
    }
  }

  /** What a rule returned. */
  public record Outcome(Object result, boolean split) {}

  /** {@code {"fractional": [["a", 95], ["b", 5]]}}: buckets on flag key + targeting key. */
  private record ShorthandSplit(String[] names, long[] weights) {
    static ShorthandSplit of(JsonNode targeting) {
      JsonNode args = targeting.get("fractional");
      if (targeting.size() != 1 || args == null || !args.isArray() || args.isEmpty()) {
        return null;
      }
      String[] names = new String[args.size()];
      long[] weights = new long[args.size()];
      long total = 0;
      for (int i = 0; i < args.size(); i++) {
        JsonNode bucket = args.get(i);
        if (!bucket.isArray() || bucket.isEmpty() || !bucket.get(0).isTextual()) {
          return null;
        }
        JsonNode weight = bucket.size() > 1 ? bucket.get(1) : null;
        if (weight != null && !weight.isIntegralNumber()) {
          return null;
        }
        names[i] = bucket.get(0).textValue();
        weights[i] = weight == null ? 1 : weight.longValue();
        total += weights[i];
      }
      return total > 0 ? new ShorthandSplit(names, weights) : null;
    }

    String pick(String bucketingKey) {
      return names[FractionalBucketing.pick(bucketingKey, weights)];
    }
  }
}
