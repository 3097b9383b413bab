package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The same users and the same regression as {@link PairedShadowRun}, caught the unpaired way: a
 * real canary from the default plan's first step (5 %) on, through {@link GuardHarness}, each
 * request answered by its arm only (refusal as the candidate or the primary side of {@link
 * PairedTraffic} would have answered it), through the default plan (5 -> 25 -> 50 -> 100 %). With a
 * {@link LiveJudge}, a share of both arms' answers is scored as the router's live judging would.
 * Ends at a rollback, a promotion, or after {@code maxRequests}.
 */
final class UnpairedCanaryRun {

  /**
   * How a run ended, the step it was in when it ended (0-based, -1 once final: see {@code
   * lastStep}), the canary's requests, the judged answers of both arms, all requests by then and
   * the guard's last reason (a rollback's names the rule that broke).
   */
  record Result(
      RolloutState state,
      int lastStep,
      long canaryRequests,
      long judgedAnswers,
      long requests,
      String reason) {}

  /**
   * The live judge's single-answer scores: a share {@code judged} of every arm's answers is scored,
   * a refusal 0.2, any other answer 0.8 with per-answer noise (sd 0.15, clipped to 0..1), the
   * candidate's answers in payment {@code candidateDropInPayment} lower.
   */
  record LiveJudge(double judged, double candidateDropInPayment) {
    static final LiveJudge NONE = new LiveJudge(0, 0);

    /**
     * A mean drop of 0.09 with sd 0.15 per answer is what moves a pairwise judge with 40 % ties
     * (ties half) from a 0.50 to a 0.35 win rate: the judge-visible regression of {@link
     * PairedSimulationMain#JUDGE_REGRESSION} seen one answer at a time.
     */
    static LiveJudge judgeVisibleRegression(double judged) {
      return new LiveJudge(judged, 0.09);
    }

    double score(PairedTraffic.Request request, boolean canary, SplittableRandom random) {
      if (canary ? request.candidateRefused() : request.primaryRefused()) {
        return 0.2;
      }
      boolean payment = request.segmentName().equals("payment");
      double mean = 0.8 - (canary && payment ? candidateDropInPayment : 0);
      return Math.max(0, Math.min(1, mean + 0.15 * random.nextGaussian()));
    }
  }

  private UnpairedCanaryRun() {}

  static Result run(
      PairedTraffic traffic,
      RuleSet rules,
      LiveJudge judge,
      double requestsPerSecond,
      long maxRequests,
      SplittableRandom random) {
    List<String> segments = new ArrayList<>(PairedTraffic.SEGMENTS);
    GuardHarness harness =
        new GuardHarness(RolloutPlan.ofDefaults(), rules, GuardConfig.ofDefaults(), segments);
    PairedTraffic.Users users = new PairedTraffic.Users(random);
    long sent = 0;
    int lastStep = 0;
    while (!harness.state().isFinal() && sent < maxRequests) {
      long batch = PairedShadowRun.poisson(requestsPerSecond * 10, random);
      for (long i = 0; i < batch; i++) {
        PairedTraffic.Request request = traffic.next(users, random);
        boolean canary = harness.servesCanary(request.key());
        boolean refused = canary ? request.candidateRefused() : request.primaryRefused();
        harness.record(
            request.key(),
            request.segment(),
            canary,
            refused ? GuardHarness.Outcome.REFUSAL : GuardHarness.Outcome.SUCCESS,
            Double.NaN,
            null);
        // no draw without a judge, so the judge-less rows replay the seeds they were published with
        if (judge.judged() > 0 && random.nextDouble() < judge.judged()) {
          harness.recordJudgeScore(
              request.key(), request.segment(), canary, judge.score(request, canary, random));
        }
      }
      sent += batch;
      lastStep = Math.max(lastStep, harness.step());
      harness.advance(Duration.ofSeconds(10));
    }
    return new Result(
        harness.state(),
        lastStep,
        harness.canaryRequests(),
        harness.judgedAnswers(),
        sent,
        harness.lastReason());
  }
}
