package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.AuditLog;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.testing.InMemoryRolloutControl;
import dev.llmrollout.guard.testing.InMemorySignalSource;
import dev.llmrollout.guard.testing.ManualClock;
import dev.llmrollout.guard.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Drives the real guard (state machine, tests, write-back) through one simulated rollout: requests
 * are routed and succeed at the scenario's rates, the guard checks every few requests on a manual
 * clock, and the run ends at the horizon or when the guard stops the rollout.
 */
final class GuardSimulation {
  static final String FLAG = "sim-model";
  static final String STABLE = "stable";
  static final String CANARY = "canary";

  /**
   * What one run ended with.
   *
   * @param firstSegmentCanarySamples the canary's sample in the first named segment (0 if none)
   */
  record Outcome(
      RolloutState state, long requests, long canarySamples, long firstSegmentCanarySamples) {}

  private GuardSimulation() {}

  static Outcome run(Scenario scenario, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    InMemorySignalSource signals = new InMemorySignalSource();
    InMemoryRolloutControl control = new InMemoryRolloutControl().flag(FLAG, STABLE, CANARY);
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    RolloutGuard guard =
        RolloutGuard.builder(control, signals)
            .config(GuardConfig.ofDefaults())
            .clock(clock)
            .scheduler(new ManualScheduler(clock))
            .auditLog(AuditLog.discarding())
            .build();
    Rollout rollout =
        guard.start(
            RolloutSpec.forFlag(FLAG)
                .stable(STABLE)
                .canary(CANARY)
                .plan(stayAtFirstStep(scenario.configuredCanaryPercent()))
                .rules(scenario.rules())
                .build());
    int segments = scenario.segments().size();
    InMemorySignalSource.Arm[] stableArms = new InMemorySignalSource.Arm[segments];
    InMemorySignalSource.Arm[] canaryArms = new InMemorySignalSource.Arm[segments];
    for (int s = 0; s < segments; s++) {
      String name = scenario.segments().get(s).name();
      stableArms[s] = signals.request(FLAG, STABLE, name);
      canaryArms[s] = signals.request(FLAG, CANARY, name);
    }
    double canaryShare = scenario.observedCanaryPercent() / 100;
    for (int i = 1; i <= scenario.requests(); i++) {
      int s = pickSegment(scenario, random.nextDouble());
      Scenario.Segment segment = scenario.segments().get(s);
      boolean canary = random.nextDouble() < canaryShare;
      double success = canary ? segment.canarySuccess() : segment.stableSuccess();
      InMemorySignalSource.Arm arm = canary ? canaryArms[s] : stableArms[s];
      if (scenario.telemetry() != null) {
        observe(scenario.telemetry(), arm, canary, random);
      } else if (random.nextDouble() < success) {
        arm.success();
      } else {
        arm.error();
      }
      if (i % scenario.checkEvery() == 0) {
        clock.advance(Duration.ofSeconds(1));
        rollout.check();
        if (rollout.state().isFinal()) {
          return outcome(scenario, signals, rollout.state(), i);
        }
      }
    }
    return outcome(scenario, signals, rollout.state(), scenario.requests());
  }

  private static Outcome outcome(
      Scenario scenario, InMemorySignalSource signals, RolloutState state, long requests) {
    String first = scenario.segments().get(0).name();
    return new Outcome(
        state,
        requests,
        signals.counters(FLAG, CANARY).all().totalRequests(),
        first == null ? 0 : signals.counters(FLAG, CANARY).segment(first).totalRequests());
  }

  private static void observe(
      Scenario.Telemetry telemetry,
      InMemorySignalSource.Arm arm,
      boolean canary,
      SplittableRandom random) {
    double outcome = random.nextDouble();
    boolean error = outcome < telemetry.errorRate();
    boolean refusal = !error && outcome < telemetry.errorRate() + telemetry.refusalRate();
    arm.observe(
        new dev.llmrollout.signals.Observation(
            !error && !refusal,
            error,
            refusal,
            (canary ? telemetry.canaryLatencyFactor() : 1)
                * telemetry.latencyMedianMillis()
                * Math.exp(telemetry.latencySigma() * random.nextGaussian())));
    if (random.nextDouble() < telemetry.feedbackRate()) {
      arm.feedback(random.nextDouble() < telemetry.thumbsDownShare() ? "thumbs_down" : "thumbs_up");
    }
  }

  /** A first step whose minimum sample is never reached, so the canary stays at its share. */
  private static RolloutPlan stayAtFirstStep(double percent) {
    Duration forever = Duration.ofDays(36_500);
    return RolloutPlan.custom()
        .step(new CanaryStep(percent, Duration.ZERO, Long.MAX_VALUE, forever))
        .step(new CanaryStep(100, Duration.ZERO, 0, forever))
        .build();
  }

  private static int pickSegment(Scenario scenario, double u) {
    double cumulative = 0;
    for (int s = 0; s < scenario.segments().size() - 1; s++) {
      cumulative += scenario.segments().get(s).share();
      if (u < cumulative) {
        return s;
      }
    }
    return scenario.segments().size() - 1;
  }
}
