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
   * The rules as the field uses them, each rolling back on any regression shown: success rate
   * (sized for a 5-point drop), error rate (+1 point: a 1 % error rate doubling), refusal rate (+2
   * points) and the share of requests slower than p99 (+2 points). Feedback rules are left out: a
   * rule whose signal never arrives can never show the evidence a promotion needs; add {@code
   * Rule.feedbackRateIncrease} when the application sends feedback.
   */
  public static RuleSet ofDefaults() {
    return of(
        Rule.successRateDrop(0.05),
        Rule.errorRateIncrease(0.01),
        Rule.refusalRateIncrease(0.02),
        Rule.latencyTailIncrease(0.99, 0.02));
  }
}
