package dev.llmrollout.guard;

import java.util.List;

/**
 * The rules a rollout is held to, declared before it starts.
 *
 * @param rules every rule; a break of any one rolls the canary back
 */
public record RuleSet(List<Rule> rules) {

  public RuleSet {
    rules = List.copyOf(rules);
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("rules: expected at least one rule");
    }
  }

  /** The given rules. */
  public static RuleSet of(Rule... rules) {
    return new RuleSet(List.of(rules));
  }

  /**
   * The rules as the field uses them: success rate below 95% absolute or more than 5 pp below
   * stable; error, refusal and thumbs-down rates more than 20% above stable; p99 latency more than
   * 1.2x stable.
   */
  public static RuleSet ofDefaults() {
    return of(
        Rule.successRateAtLeast(0.95),
        Rule.successRateDropAtMost(0.05),
        Rule.errorRateIncreaseAtMost(0.20),
        Rule.refusalRateIncreaseAtMost(0.20),
        Rule.feedbackRateIncreaseAtMost("thumbs_down", 0.20),
        Rule.latencyRatioAtMost(0.99, 1.2));
  }
}
