package dev.llmrollout.router.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.Metric;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.router.StandInJudge;
import dev.llmrollout.router.VariantStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The demo's live judge stage ({@code demo --live-judge}): once the shadow gate let v2.0.0 into the
 * canary, it starts hedging on half its answers, which changes neither its success nor its refusal
 * rate; the stand-in judge scores a sampled share of both arms' live answers and the guard's {@code
 * judgeScoreDrop} rule rolls it back. This records when, and on how many judged answers.
 */
final class LiveJudgeStage {
  /** The share of both arms' live answers the judge scores in the canary. */
  static final double SAMPLE_RATE = 0.5;

  /** The share of v2.0.0's answers that hedge once users see it. */
  static final double HEDGE_RATE = 0.5;

  /** The canary's rules: the defaults and the live judge's, sized for a 0.05 drop of the score. */
  static final RuleSet RULES =
      new RuleSet(
          Stream.concat(RuleSet.ofDefaults().rules().stream(), Stream.of(Rule.judgeScoreDrop(0.05)))
              .toList());

  private final VariantStats signals;
  private final Runnable candidateStartsHedging;
  private volatile Instant started;
  private volatile Instant canaryBegan;
  private volatile Instant detected;
  private volatile Instant verified;
  private volatile List<RuleCheck> lastBroken = List.of();
  private volatile List<RuleCheck> detectedBy = List.of();
  private volatile long stableJudgedAtDetection;
  private volatile long canaryJudgedAtDetection;
  private volatile long canaryRequestsAtDetection;

  /**
   * @param candidateStartsHedging makes the candidate hedge from the canary's first step on
   */
  LiveJudgeStage(VariantStats signals, Runnable candidateStartsHedging) {
    this.signals = signals;
    this.candidateStartsHedging = candidateStartsHedging;
  }

  void trafficStarted(Instant at) {
    started = at;
  }

  void record(GuardEvent event) {
    if (event instanceof GuardEvent.StateTransitionEvent t
        && t.transition().from() == RolloutState.SHADOW
        && t.transition().to() == RolloutState.CANARY) {
      canaryBegan = Instant.now();
      candidateStartsHedging.run();
    } else if (event instanceof GuardEvent.CheckEvent check) {
      lastBroken = check.record().ruleChecks().stream().filter(RuleCheck::broken).toList();
    } else if (event instanceof GuardEvent.RollbackEvent rollback) {
      switch (rollback.phase()) {
        case STARTED -> {
          detected = Instant.now();
          detectedBy = lastBroken;
          stableJudgedAtDetection = judged("stable");
          canaryJudgedAtDetection = judged("canary");
          canaryRequestsAtDetection = signals.arm(DemoTraffic.FLAG, "canary").requests();
        }
        case VERIFIED -> verified = Instant.now();
        default -> {}
      }
    }
  }

  /** True when the rollback came from the live judge rule. */
  boolean caughtByJudge() {
    return detectedBy.stream().anyMatch(LiveJudgeStage::isJudgeRule);
  }

  void print(PrintWriter out, DemoTraffic traffic) {
    if (canaryBegan == null) {
      return;
    }
    out.printf(
        "  %8s  from the canary's first step v2.0.0 hedges on half its answers (\"I'm not sure,"
            + " ...\"):%n            no refusal, no short answer, so only the judge sees it%n",
        "+" + since(canaryBegan) + " ms");
    if (detected == null) {
      out.println("  the guard did not roll the canary back before the demo ended");
      return;
    }
    out.printf(
        Locale.ROOT,
        "  %8s  live judge rule rolled the canary back; the override serves stable at once%n"
            + "            after %,d judged answers (%,d of v2.0.0's, %,d of v1.1.0's; %.0f%% of"
            + " answers sampled, judged by %s)%n",
        "+" + since(detected) + " ms",
        stableJudgedAtDetection + canaryJudgedAtDetection,
        canaryJudgedAtDetection,
        stableJudgedAtDetection,
        100 * SAMPLE_RATE,
        StandInJudge.ID);
    detectedBy.forEach(c -> out.printf("            %s%n", where(c)));
    if (verified != null) {
      out.printf("  %8s  rollback read back and verified%n", "+" + since(verified) + " ms");
    }
    out.printf(
        "  sessions that saw the candidate: %d of %d active (%,d canary requests before the"
            + " rollback)%n",
        traffic.exposure().get("canary"), traffic.sessionsSeen(), canaryRequestsAtDetection);
  }

  /** For {@code demo --json}. */
  void addTo(ObjectNode node) {
    node.put("liveJudgedAtDetection", stableJudgedAtDetection + canaryJudgedAtDetection);
    node.put("liveCandidateJudgedAtDetection", canaryJudgedAtDetection);
    node.put("caughtByLiveJudge", caughtByJudge());
  }

  private static boolean isJudgeRule(RuleCheck check) {
    return check.rule().startsWith(Metric.JUDGE_SCORE.name());
  }

  private static String where(RuleCheck check) {
    String segment =
        RuleCheck.ALL_TRAFFIC.equals(check.segment()) ? "all traffic" : "intent=" + check.segment();
    return "in " + segment + ": " + DemoTimeline.evidence(check);
  }

  private long judged(String variant) {
    return Arrays.stream(signals.counters(DemoTraffic.FLAG, variant).all().judged()).sum();
  }

  private long since(Instant at) {
    return Duration.between(started, at).toMillis();
  }
}
