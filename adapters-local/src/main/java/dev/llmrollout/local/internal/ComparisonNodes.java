package dev.llmrollout.local.internal;

import io.github.jamsesso.jsonlogic.evaluator.JsonLogicEvaluationException;
import io.github.jamsesso.jsonlogic.evaluator.expressions.EqualityExpression;
import io.github.jamsesso.jsonlogic.utils.ArrayLike;
import java.util.Arrays;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Compiled comparisons: {@code == != === !==}, {@code < <= > >=}, {@code in}, {@code starts_with},
 * {@code ends_with} and {@code sem_ver}. Loose equality between different types is
 * json-logic-java's own ({@link EqualityExpression}); each node evaluates all its arguments, as the
 * engine does.
 */
final class ComparisonNodes {
  private ComparisonNodes() {}

  /** {@code ==} / {@code !=}: JsonLogic loose equality. */
  record LooseEquality(RuleNode left, RuleNode right, boolean negated) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      Object a = left.evaluate(scope);
      Object b = right.evaluate(scope);
      return negated != looselyEqual(a, b);
    }

    private static boolean looselyEqual(Object a, Object b) {
      if (a instanceof String s && b instanceof String t) {
        return s.equals(t);
      }
      try {
        return (Boolean) EqualityExpression.INSTANCE.evaluate(Arrays.asList(a, b), null, "$");
      } catch (JsonLogicEvaluationException e) {
        throw new IllegalStateException("two values always compare", e);
      }
    }
  }

  /** {@code ===} / {@code !==}: same type and value; numbers by value. */
  record StrictEquality(RuleNode left, RuleNode right, boolean negated) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      Object a = left.evaluate(scope);
      Object b = right.evaluate(scope);
      boolean equal;
      if (a instanceof Number x && b instanceof Number y) {
        equal = x.doubleValue() == y.doubleValue();
      } else {
        equal = a == b || (a != null && a.equals(b));
      }
      return negated != equal;
    }
  }

  /** {@code < <= > >=}, with a third argument the "between" form; non-numbers never match. */
  record NumericComparison(String operator, RuleNode[] args) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      Object[] values = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        values[i] = args[i].evaluate(scope);
      }
      int n = Math.min(values.length, 3);
      double[] numbers = new double[n];
      for (int i = 0; i < n; i++) {
        if (values[i] instanceof Number number) {
          numbers[i] = number.doubleValue();
        } else if (values[i] instanceof String text) {
          try {
            numbers[i] = Double.parseDouble(text);
          } catch (NumberFormatException e) {
            return false;
          }
        } else {
          return false;
        }
      }
      boolean result = holds(numbers[0], numbers[1]);
      return n == 3 ? result && holds(numbers[1], numbers[2]) : result;
    }

    private boolean holds(double a, double b) {
      return switch (operator) {
        case "<" -> a < b;
        case "<=" -> a <= b;
        case ">" -> a > b;
        default -> a >= b;
      };
    }
  }

  /**
   * {@code in}: a substring of a string, or an element of an array. A literal array of literals is
   * a set, looked up once.
   */
  record Membership(RuleNode needle, RuleNode haystack, Set<Object> literals) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      Object value = needle.evaluate(scope);
      if (literals != null) {
        return literals.contains(value);
      }
      Object within = haystack.evaluate(scope);
      if (within instanceof String text) {
        return value != null && text.contains(value.toString());
      }
      return ArrayLike.isEligible(within) && new ArrayLike(within).contains(value);
    }
  }

  /** {@code starts_with} / {@code ends_with}. */
  record AffixMatch(boolean prefix, RuleNode value, RuleNode affix) implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      Object text = value.evaluate(scope);
      return StringComparison.test(prefix, text, affix.evaluate(scope));
    }
  }

  /** {@code sem_ver}, with a literal operator and target version read once when the rule loads. */
  record SemVerMatch(
      RuleNode version,
      BiPredicate<SemanticVersion, SemanticVersion> operator,
      SemanticVersion target)
      implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      SemanticVersion actual = SemanticVersion.of(version.evaluate(scope));
      return actual == null ? null : operator.test(actual, target);
    }
  }

  /** {@code sem_ver} whose operator or target is computed by the rule. */
  record ComputedSemVerMatch(RuleNode version, RuleNode operator, RuleNode target)
      implements RuleNode {
    @Override
    public Object evaluate(RuleScope scope) {
      Object actual = version.evaluate(scope);
      Object name = operator.evaluate(scope);
      return SemVerComparison.test(actual, name, target.evaluate(scope));
    }
  }
}
