package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.EvaluationContext;

/**
 * A flag's targeting, compiled once per configuration change into a tree of Java nodes ({@link
 * RuleCompiler}) that reads the evaluation context lazily. Operators the compiler does not know run
 * through the JsonLogic engine with flagd's custom operators, so behaviour never narrows.
 */
public final class TargetingRule {
  private final RuleNode root;
  private final boolean splits;

  private TargetingRule(RuleNode root, boolean splits) {
    this.root = root;
    this.splits = splits;
  }

  /**
   * Compiles a targeting rule.
   *
   * @throws IllegalArgumentException when the rule is not valid JsonLogic or a part of it can never
   *     work (an {@link InvalidTargetingException} naming the place)
   */
  public static TargetingRule compile(JsonNode targeting) {
    return new TargetingRule(
        RuleCompiler.compile(targeting),
        TargetingTree.fractionals(targeting).stream()
            .anyMatch(args -> !TargetingTree.hasBucketingExpression(args)));
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
   * @param targetingKey {@code context.getTargetingKey()}, read once by the caller
   * @return the variant name the rule chose (null when it chose none) and whether a split chose it
   * @throws IllegalStateException when the rule fails at run time
   */
  public Outcome evaluate(String flagKey, String targetingKey, EvaluationContext context) {
    RuleScope scope = new RuleScope(flagKey, targetingKey, context);
    Object result = root.evaluate(scope);
    return new Outcome(result, scope.split());
  }

  /** What a rule returned. */
  public record Outcome(Object result, boolean split) {}
}
