package dev.llmrollout.local.internal;

import io.github.jamsesso.jsonlogic.ast.JsonLogicArray;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluationException;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluator;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicExpression;
import java.util.List;
import java.util.function.BiPredicate;

/** flagd's {@code starts_with} and {@code ends_with} operators; non-strings never match. */
final class StringComparison implements JsonLogicExpression {
  static final StringComparison STARTS_WITH =
      new StringComparison("starts_with", String::startsWith);
  static final StringComparison ENDS_WITH = new StringComparison("ends_with", String::endsWith);

  private final String key;
  private final BiPredicate<String, String> test;

  private StringComparison(String key, BiPredicate<String, String> test) {
    this.key = key;
    this.test = test;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public Object evaluate(
      JsonLogicEvaluator evaluator, JsonLogicArray arguments, Object data, String jsonPath)
      throws JsonLogicEvaluationException {
    List<Object> values = evaluator.evaluate(arguments, data, jsonPath);
    if (values.size() != 2
        || !(values.get(0) instanceof String value)
        || !(values.get(1) instanceof String affix)) {
      return false;
    }
    return test.test(value, affix);
  }
}
