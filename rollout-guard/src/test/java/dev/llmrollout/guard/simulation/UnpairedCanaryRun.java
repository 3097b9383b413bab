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
 * PairedTraffic} would have answered it), through the default plan (5 -> 25 -> 50 -> 100 %). Ends
 * at a rollback, a promotion, or after {@code maxRequests}.
 */
final class UnpairedCanaryRun {

  /**
   * How a run ended, the step it was in when it ended (0-based, -1 once final: see {@code
   * lastStep}), the canary's requests and all requests by then.
   */
  record Result(RolloutState state, int lastStep, long canaryRequests, long requests) {}

  private UnpairedCanaryRun() {}

  static Result run(
      PairedTraffic traffic,
      RuleSet rules,
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
      }
      sent += batch;
      lastStep = Math.max(lastStep, harness.step());
      harness.advance(Duration.ofSeconds(10));
    }
    return new Result(harness.state(), lastStep, harness.canaryRequests(), sent);
  }
}
