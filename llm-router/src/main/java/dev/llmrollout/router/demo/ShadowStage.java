package dev.llmrollout.router.demo;

import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.ShadowRule;
import dev.llmrollout.guard.ShadowRuleSet;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairSignalSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The demo's shadow stage ({@code demo --shadow-gate}): the candidate is a major version, so it
 * first answers copies of live requests in the background while the stand-in judge compares each
 * pair, and the guard's shadow gate decides on those pairs alone whether any user may see it. This
 * records when and on how many pairs it decided, for the timeline.
 */
final class ShadowStage {
  /** What the demo's shadow gate holds the candidate to. */
  static final ShadowRuleSet RULES =
      ShadowRuleSet.of(
          ShadowRule.judgeWinRateAtLeast(0.45),
          ShadowRule.refusalDiscordanceAtMost(0.02),
          ShadowRule.errorDiscordanceAtMost(0.02),
          ShadowRule.latencyTailRatioAtMost(0.99, 2.0));

  private final PairSignalSource pairs;
  private volatile Instant started;
  private volatile Instant decided;
  private volatile RolloutState outcome;
  private volatile String reason = "";
  private volatile long pairsAtDecision;
  private volatile long judgedAtDecision;
  private volatile List<RuleCheck> broken = List.of();

  ShadowStage(PairSignalSource pairs) {
    this.pairs = pairs;
  }

  void trafficStarted(Instant at) {
    started = at;
  }

  void record(GuardEvent event) {
    if (event instanceof GuardEvent.StateTransitionEvent t
        && t.transition().from() == RolloutState.SHADOW) {
      PairCounts all = pairs.pairs(DemoTraffic.FLAG, "stable", "canary").all();
      pairsAtDecision = all.total(PairCounts.Field.PAIRS);
      judgedAtDecision = all.total(PairCounts.Field.JUDGED);
      reason = t.reason();
      outcome = t.transition().to();
      decided = Instant.now();
    } else if (event instanceof GuardEvent.CheckEvent check
        && check.record().transition().filter(t -> t.from() == RolloutState.SHADOW).isPresent()) {
      broken = check.record().ruleChecks().stream().filter(RuleCheck::broken).toList();
    }
  }

  boolean decided() {
    return outcome != null;
  }

  /**
   * @param exposure ends with the sessions that saw the candidate (left to the live judge stage
   *     when the canary goes on)
   */
  void print(PrintWriter out, DemoTraffic traffic, boolean exposure) {
    out.println();
    out.println("Timeline");
    out.printf(
        "  %8s  shadow stage: v2.0.0 answers copies of live requests; every user is served v1.1.0%n",
        "+0 ms");
    if (outcome == null) {
      out.println("  the shadow gate did not decide before the demo ended");
      return;
    }
    String verdict =
        switch (outcome) {
          case ROLLED_BACK -> "shadow gate aborted the rollout: no user was exposed";
          case CANARY -> "shadow gate passed: the canary's first step (5%) begins";
          default -> "shadow gate " + outcome + ": " + reason;
        };
    out.printf(
        Locale.ROOT,
        "  %8s  %s%n            after %,d shadow pairs (%,d judged by %s)%n",
        "+" + Duration.between(started, decided).toMillis() + " ms",
        verdict,
        pairsAtDecision,
        judgedAtDecision,
        dev.llmrollout.router.StandInJudge.ID);
    broken.forEach(c -> out.printf("            %s%n", evidence(c)));
    if (exposure) {
      out.printf(
          "  sessions that saw the candidate: %d of %d active%n",
          traffic.exposure().get("canary"), traffic.sessionsSeen());
    }
  }

  /** One broken shadow rule: where, the paired harm and its bounds against the rule's margin. */
  static String evidence(RuleCheck check) {
    return String.format(
        Locale.ROOT,
        "%s in %s: paired harm %.3f, lower bound %.3f above the margin (n=%d pairs),"
            + " p=%.2g below the level %.2g it was tested at",
        check.rule(),
        RuleCheck.ALL_TRAFFIC.equals(check.segment()) ? "all traffic" : "intent=" + check.segment(),
        check.effect(),
        check.lower(),
        check.canarySamples(),
        check.pValue(),
        check.alphaUsed());
  }

  /** For {@code demo --json}. */
  void addTo(com.fasterxml.jackson.databind.node.ObjectNode node) {
    node.put("shadowOutcome", outcome == null ? "undecided" : outcome.name());
    node.put("shadowPairsAtDecision", pairsAtDecision);
    node.put("shadowJudgedAtDecision", judgedAtDecision);
  }
}
