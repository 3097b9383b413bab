package dev.llmrollout.local.internal;

import io.github.jamsesso.jsonlogic.ast.JsonLogicArray;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluationException;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluator;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicExpression;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * flagd's {@code sem_ver} operator: {@code [version, operator, version]} with the operators {@code
 * = != < <= > >=}, {@code ^} (same major version) and {@code ~} (same major and minor version). As
 * flagd's spec says, anything else (wrong arity, an unknown operator, a value that is not a
 * version) gives null, so the flag's default variant is served.
 */
final class SemVerComparison implements JsonLogicExpression {
  static final SemVerComparison INSTANCE = new SemVerComparison();

  /** The operators, by their name in a rule. */
  static final Map<String, BiPredicate<SemanticVersion, SemanticVersion>> OPERATORS =
      Map.of(
          "=", (a, b) -> a.compareTo(b) == 0,
          "!=", (a, b) -> a.compareTo(b) != 0,
          "<", (a, b) -> a.compareTo(b) < 0,
          "<=", (a, b) -> a.compareTo(b) <= 0,
          ">", (a, b) -> a.compareTo(b) > 0,
          ">=", (a, b) -> a.compareTo(b) >= 0,
          "^", SemanticVersion::sameMajor,
          "~", SemanticVersion::sameMinor);

  private SemVerComparison() {}

  @Override
  public String key() {
    return "sem_ver";
  }

  @Override
  public Object evaluate(
      JsonLogicEvaluator evaluator, JsonLogicArray arguments, Object data, String jsonPath)
      throws JsonLogicEvaluationException {
    List<Object> values = evaluator.evaluate(arguments, data, jsonPath);
    return values.size() == 3 ? test(values.get(0), values.get(1), values.get(2)) : null;
  }

  /** The operator on evaluated arguments: true or false, or null when they do not fit. */
  static Boolean test(Object version, Object operator, Object target) {
    SemanticVersion actual = SemanticVersion.of(version);
    BiPredicate<SemanticVersion, SemanticVersion> test =
        operator instanceof String name ? OPERATORS.get(name) : null;
    SemanticVersion wanted = SemanticVersion.of(target);
    if (actual == null || test == null || wanted == null) {
      return null;
    }
    return test.test(actual, wanted);
  }
}
