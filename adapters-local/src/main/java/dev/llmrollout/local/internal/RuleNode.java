package dev.llmrollout.local.internal;

/**
 * One piece of a compiled flagd targeting rule. It returns what the JsonLogic engine would return
 * for the same piece of JSON and the same data, so the compiled rule and the engine never disagree.
 */
@FunctionalInterface
interface RuleNode {
  /**
   * Evaluates this piece for one evaluation.
   *
   * @throws IllegalStateException where the JsonLogic engine would fail at run time
   */
  Object evaluate(RuleScope scope);

  /** A literal: a string, a number (always a Double, as JsonLogic reads it), a boolean or null. */
  record Constant(Object value) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      return value;
    }
  }
}
