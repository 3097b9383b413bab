package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.AuditLog;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.ShadowRuleSet;
import dev.llmrollout.guard.testing.InMemoryRolloutControl;
import dev.llmrollout.guard.testing.InMemorySignalSource;
import dev.llmrollout.guard.testing.ManualClock;
import dev.llmrollout.guard.testing.ManualScheduler;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * One seeded run of the shadow gate: a real {@link RolloutGuard} in its SHADOW phase on a manual
 * clock, reading a real {@link PairRecorder} that {@link PairedTraffic} fills as the router's
 * shadow runner would, with the guard's own scheduled checks (every 10 s). Ends when the gate
 * promotes (first canary step), aborts, holds, or after {@code maxPairs}.
 */
final class PairedShadowRun {
  static final String FLAG = "support-model";
  static final String STABLE = "stable";
  static final String CANARY = "candidate";

  /** How a run ended and how many pairs (and judged pairs) it took. */
  record Result(RolloutState state, long pairs, long judged) {}

  private PairedShadowRun() {}

  static Result run(
      PairedTraffic traffic,
      ShadowRuleSet rules,
      double pairsPerSecond,
      long maxPairs,
      SplittableRandom random) {
    ManualClock clock = new ManualClock(Instant.parse("2026-03-02T00:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    PairRecorder pairs = new PairRecorder();
    RolloutGuard guard =
        RolloutGuard.builder(
                new InMemoryRolloutControl().flag(FLAG, STABLE, CANARY), new InMemorySignalSource())
            .clock(clock)
            .scheduler(scheduler)
            .auditLog(AuditLog.discarding())
            .config(GuardConfig.ofDefaults())
            .shadowPairs(pairs)
            .build();
    Rollout rollout =
        guard.start(
            RolloutSpec.forFlag(FLAG)
                .stable(STABLE)
                .canary(CANARY)
                .versions("1.0.0", "2.0.0")
                .skipEvalGate("simulation")
                .segments(PairedTraffic.SEGMENTS.toArray(String[]::new))
                .shadowRules(rules)
                .plan(
                    RolloutPlan.custom()
                        .shadow(Duration.ofMinutes(30), 500)
                        .maxStepDuration(Duration.ofHours(24))
                        .build())
                .build());
    rollout.startChecking();
    PairedTraffic.Users users = new PairedTraffic.Users(random);
    long sent = 0;
    while (rollout.state() == RolloutState.SHADOW && sent < maxPairs) {
      long batch = poisson(pairsPerSecond * 10, random);
      for (long i = 0; i < batch; i++) {
        traffic.recordPair(pairs, FLAG, STABLE, CANARY, users, random);
      }
      sent += batch;
      scheduler.advance(Duration.ofSeconds(10));
    }
    PairCounts all = pairs.pairs(FLAG, STABLE, CANARY).all();
    return new Result(
        rollout.state(), all.total(PairCounts.Field.PAIRS), all.total(PairCounts.Field.JUDGED));
  }

  static long poisson(double mean, SplittableRandom random) {
    // Normal approximation: the batches hold tens of arrivals.
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
  }
}
