package dev.llmrollout.local.internal;

import io.github.jamsesso.jsonlogic.ast.JsonLogicArray;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluationException;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluator;
import io.github.jamsesso.jsonlogic.evaluator.JsonLogicExpression;
import java.util.List;

/**
 * flagd's {@code starts_with} and {@code ends_with} operators. As flagd's string-comparison spec
 * says, anything but two strings gives null (so the flag's default variant is served), not false.
 */
final class StringComparison implements JsonLogicExpression {
  static final StringComparison STARTS_WITH = new StringComparison("starts_with", true);
  static final StringComparison ENDS_WITH = new StringComparison("ends_with", false);

  private final String key;
  private final boolean prefix;

  private StringComparison(String key, boolean prefix) {
    this.key = key;
    this.prefix = prefix;
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
    return values.size() == 2 ? test(prefix, values.get(0), values.get(1)) : null;
  }

  /** The operator on evaluated arguments: true or false for two strings, else null. */
  static Boolean test(boolean prefix, Object value, Object affix) {
    if (!(value instanceof String text) || !(affix instanceof String part)) {
      return null;
    }
    return prefix ? text.startsWith(part) : text.endsWith(part);
  }
}
