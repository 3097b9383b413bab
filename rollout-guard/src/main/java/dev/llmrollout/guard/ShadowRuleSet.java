package dev.llmrollout.guard;

import java.util.List;

/**
 * The rules the shadow gate holds a candidate to before its first canary step, declared before the
 * rollout starts.
 *
 * @param rules every rule; each must be shown non-inferior, and a break of any one aborts
 */
public record ShadowRuleSet(List<ShadowRule> rules) {

  public ShadowRuleSet {
    rules = List.copyOf(rules);
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("shadow rules: expected at least one rule");
    }
  }

  public static ShadowRuleSet of(ShadowRule... rules) {
    return new ShadowRuleSet(List.of(rules));
  }

  /**
   * The judge's win rate at least 0.45, refusal and error discordance at most 1 point, p99 latency
   * within 1.5 x and tokens within 1.5 x the primary's. The judge rule needs a judge: without one
   * the gate holds (declare rules without it when no judge runs).
   */
  public static ShadowRuleSet ofDefaults() {
    return of(
        ShadowRule.judgeWinRateAtLeast(0.45),
        ShadowRule.refusalDiscordanceAtMost(0.01),
        ShadowRule.errorDiscordanceAtMost(0.01),
        ShadowRule.latencyTailRatioAtMost(0.99, 1.5),
        ShadowRule.tokenRatioAtMost(1.5));
  }
}
