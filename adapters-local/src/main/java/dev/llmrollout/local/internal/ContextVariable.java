package dev.llmrollout.local.internal;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Value;
import java.util.List;

/**
 * A compiled {@code var}: a dotted path read straight from the OpenFeature context, with no copy of
 * the rest of it. {@code targetingKey} and {@code $flagd.flagKey} / {@code $flagd.timestamp} are
 * flagd's. The value comes back as json-logic-java would see it: numbers as Double, lists and
 * structures converted as the OpenFeature SDK converts them for the engine.
 *
 * @param path the path's segments, split on dots as json-logic-java splits them
 * @param fallback the {@code var}'s literal default, returned when the path leads nowhere
 */
record ContextVariable(String[] path, Object fallback) implements RuleNode {
  @Override
  public Object evaluate(RuleScope scope) {
    Object value = resolve(scope);
    return value == null ? fallback : value;
  }

  private Object resolve(RuleScope scope) {
    String head = path[0];
    if (head.equals(EvaluationData.TARGETING_KEY)) {
      return path.length == 1 ? scope.targetingKey() : null;
    }
    if (head.equals(EvaluationData.FLAGD)) {
      return flagd(scope);
    }
    EvaluationContext context = scope.context();
    Value value = context.getValue(head);
    for (int i = 1; i < path.length && value != null; i++) {
      value = child(value, path[i]);
    }
    return value == null ? null : asEngineSees(value, context);
  }

  private Object flagd(RuleScope scope) {
    if (path.length == 1) {
      return EvaluationData.flagdData(scope.flagKey(), scope.epochSecond());
    }
    if (path.length > 2) {
      return null;
    }
    return switch (path[1]) {
      case EvaluationData.FLAG_KEY -> scope.flagKey();
      case EvaluationData.TIMESTAMP -> (double) scope.epochSecond();
      default -> null;
    };
  }

  private static Value child(Value parent, String segment) {
    if (parent.isStructure()) {
      return parent.asStructure().asUnmodifiableMap().get(segment);
    }
    if (parent.isList()) {
      int index;
      try {
        index = Integer.parseInt(segment);
      } catch (NumberFormatException e) {
        // json-logic-java fails the whole rule on a non-numeric index into a list.
        throw new IllegalStateException("var: '" + segment + "' is not a list index", e);
      }
      List<Value> list = parent.asList();
      return index < 0 || index >= list.size() ? null : list.get(index);
    }
    return null;
  }

  private static Object asEngineSees(Value value, EvaluationContext context) {
    if (value.isString()) {
      return value.asString();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isNumber()) {
      return ((Number) value.asObject()).doubleValue();
    }
    return context.convertValue(value);
  }
}
