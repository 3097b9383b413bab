package dev.llmrollout.local.internal;

import io.github.jamsesso.jsonlogic.ast.JsonLogicNode;
import java.util.Map;

/**
 * A part of a rule the compiler does not know (an operator such as {@code +}, {@code cat} or {@code
 * some}), run by the JsonLogic engine over the whole context, built once per evaluation when first
 * needed. Behaviour never narrows: what the engine accepted, it still runs.
 *
 * @param rule the parsed part
 * @param path where it sits, {@code $.targeting...}, for error messages
 */
record EngineSubtree(JsonLogicNode rule, String path) implements RuleNode {
  @Override
  public Object evaluate(RuleScope scope) {
    Map<String, Object> data = scope.engineData();
    Object result = JsonLogicEngine.evaluate(rule, data, path);
    if (EvaluationData.wasSplit(data)) {
      scope.markSplit();
    }
    return result;
  }
}
