package dev.llmrollout.local.internal;

import io.github.jamsesso.jsonlogic.JsonLogic;
import io.github.jamsesso.jsonlogic.utils.ArrayLike;

/**
 * Compiled {@code if}, {@code and}, {@code or}, {@code !} and {@code !!}, with json-logic-java's
 * truthiness ({@link JsonLogic#truthy}) and its evaluation order, so that errors and {@code
 * fractional} splits happen exactly where the engine's would.
 */
final class LogicNodes {
  private LogicNodes() {}

  /** {@code if} (and {@code ?:}): condition/result pairs, then an optional else. */
  record Conditional(RuleNode[] args) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      int n = args.length;
      if (n == 0) {
        return null;
      }
      if (n == 1) {
        return args[0].evaluate(scope);
      }
      for (int i = 0; i < n - 1; i += 2) {
        if (JsonLogic.truthy(args[i].evaluate(scope))) {
          return args[i + 1].evaluate(scope);
        }
      }
      return (n & 1) == 0 ? null : args[n - 1].evaluate(scope);
    }
  }

  /** {@code and} / {@code or}: the first value that decides, else the last one. */
  record Junction(boolean all, RuleNode[] args) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      Object result = null;
      for (RuleNode arg : args) {
        result = arg.evaluate(scope);
        if (JsonLogic.truthy(result) != all) {
          return result;
        }
      }
      return result;
    }
  }

  /**
   * {@code !} / {@code !!} on the first argument; as in json-logic-java, a single argument that is
   * an array stands for the argument list itself.
   */
  record Negation(boolean doubled, RuleNode[] args) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      boolean truthy;
      if (args.length == 0) {
        truthy = false;
      } else if (args.length == 1) {
        Object value = args[0].evaluate(scope);
        if (ArrayLike.isEligible(value)) {
          ArrayLike values = new ArrayLike(value);
          truthy = !values.isEmpty() && JsonLogic.truthy(values.get(0));
        } else {
          truthy = JsonLogic.truthy(value);
        }
      } else {
        truthy = JsonLogic.truthy(args[0].evaluate(scope));
        for (int i = 1; i < args.length; i++) {
          args[i].evaluate(scope);
        }
      }
      return doubled == truthy;
    }
  }
}
