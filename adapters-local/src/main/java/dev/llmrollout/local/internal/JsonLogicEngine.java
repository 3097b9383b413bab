package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The general path: json-logic-java with flagd's custom operators. The compiled rule hands it the
 * operators the compiler does not know ({@code +}, {@code cat}, {@code some}, ...), and the
 * differential test holds the compiled rule to its answers.
 */
final class JsonLogicEngine {
  private static final List<JsonLogicExpression> EXPRESSIONS =
      List.of(
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
          StringComparison.ENDS_WITH,
          SemVerComparison.INSTANCE);
  private static final JsonLogicEvaluator ENGINE = new JsonLogicEvaluator(EXPRESSIONS);

  /** Every operator a rule may use: JsonLogic's and flagd's (plus {@code var}). */
  static final Set<String> OPERATORS =
      Stream.concat(Stream.of("var"), EXPRESSIONS.stream().map(JsonLogicExpression::key))
          .collect(Collectors.toUnmodifiableSet());

  private JsonLogicEngine() {}

  /**
   * Parses a piece of a rule for the engine.
   *
   * @throws InvalidTargetingException when it is not JsonLogic
   */
  static JsonLogicNode parse(JsonNode rule, String path) {
    try {
      return JsonLogicParser.parse(rule.toString());
    } catch (JsonLogicParseException e) {
      throw new InvalidTargetingException(path, "valid JsonLogic (" + e.getMessage() + ")");
    }
  }

  /**
   * Runs a parsed piece of a rule over {@link EvaluationData}.
   *
   * @throws IllegalStateException when the rule fails at run time
   */
  static Object evaluate(JsonLogicNode rule, Map<String, Object> data, String path) {
    try {
      return ENGINE.evaluate(rule, data, path);
    } catch (JsonLogicEvaluationException e) {
      throw new IllegalStateException(e.getMessage() + " at " + e.getJsonPath(), e);
    }
  }
}
