package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.guard.simulation.TrafficModel.Diurnal;
import dev.llmrollout.guard.simulation.TrafficModel.Segment;
import dev.llmrollout.guard.simulation.TrafficModel.Telemetry;
import java.util.List;
import java.util.Locale;

/**
 * The scenario library: the rows of issue 14's table, a diurnal A/A and a latency-only regression.
 * Unless a row says otherwise, traffic comes from 2,000 sticky targeting keys with lognormal
 * activity (sigma 1) and within-user correlation 0.10, at 1 request per second, and the rollout is
 * held to {@link #SUCCESS_RULE} under the guard's default configuration.
 */
final class Scenarios {
  /** The success rule of the table: sized to catch a 5-point drop. */
  static final RuleSet SUCCESS_RULE = RuleSet.of(Rule.successRateDrop(0.05));

  /** The payment intent drifts from 10% to 40% of traffic over this long (20,000 s, 5.6 h). */
  static final double DRIFT_SECONDS = 20_000;

  private static final GuardConfig DEFAULTS = GuardConfig.ofDefaults();

  /** The guard has no switch for its sample ratio check; this alpha makes it never fire. */
  private static final GuardConfig SAMPLE_RATIO_CHECK_OFF =
      GuardConfig.custom().sampleRatioAlpha(Double.MIN_VALUE).build();

  /** Why a sticky row cannot reach its goal in 60,000 requests. */
  private static final String INFORMATION_LIMITED =
      "information-limited: 2,000 sticky users at ICC 0.10 hold too little information within"
          + " 60,000 requests (see \"Why the sticky rows fall short\")";

  private Scenarios() {}

  private static Goal falseRollbacks() {
    return Goal.atMost("<= 1% false rollbacks", 0.01, s -> s.ended(RolloutState.ROLLED_BACK));
  }

  private static Goal falseHalts() {
    return Goal.atMost("<= 0.5% false halts", 0.005, ScenarioSummary::sampleRatioHolds);
  }

  private static Goal promotedWithinHorizon(String ifMissed) {
    return Goal.atLeast(
        ">= 95% promoted within 60,000 requests",
        0.95, s -> s.ended(RolloutState.PROMOTED), ifMissed);
  }

  private static Goal caughtBeforeFullRollout(double target, String ifMissed) {
    return Goal.atLeast(
        String.format(Locale.ROOT, ">= %.0f%% caught before 100%%", 100 * target),
        target,
        ScenarioSummary::stoppedBeforeLastStep,
        ifMissed);
  }

  /** Every scenario, in table order. */
  static List<Scenario> all() {
    return List.of(
        aaSticky(),
        aaStickyWithoutSampleRatioCheck(),
        aaDriftingPayment(),
        regression(),
        paymentRegression(),
        errorRateRegression(),
        aaStationaryIndependent(),
        aaDiurnal(),
        latencyRegression());
  }

  static Scenario aaSticky() {
    return new Scenario(
        "A/A, sticky users (0.85 both)",
        false,
        TrafficModel.sticky(List.of(Segment.of(null, 1, 0.85, 0.85))),
        SUCCESS_RULE,
        DEFAULTS,
        "<= 0.5% false halts, <= 1% false rollbacks",
        List.of(falseHalts(), falseRollbacks(), promotedWithinHorizon(INFORMATION_LIMITED)));
  }

  static Scenario aaStickyWithoutSampleRatioCheck() {
    return new Scenario(
        "A/A, sticky users, sample ratio check off",
        false,
        aaSticky().traffic(),
        SUCCESS_RULE,
        SAMPLE_RATIO_CHECK_OFF,
        "<= 1% false rollbacks",
        List.of(falseRollbacks()));
  }

  static Scenario aaDriftingPayment() {
    return new Scenario(
        "A/A, payment (0.70) drifts 10% -> 40% of traffic, elsewhere 0.90",
        false,
        TrafficModel.sticky(
                List.of(
                    new Segment("payment", 0.10, 0.40, 0.70, 0.70),
                    new Segment("other", 0.90, 0.60, 0.90, 0.90)))
            .withDrift(DRIFT_SECONDS),
        SUCCESS_RULE,
        DEFAULTS,
        "<= 1% false rollbacks",
        List.of(falseRollbacks()));
  }

  static Scenario regression() {
    return new Scenario(
        "Regression 0.85 -> 0.80",
        true,
        TrafficModel.sticky(List.of(Segment.of(null, 1, 0.85, 0.80))),
        SUCCESS_RULE,
        DEFAULTS,
        ">= 99% caught before 100%, >= 80% in the first step; median canary requests to"
            + " rollback <= fixed-horizon n",
        List.of(
            caughtBeforeFullRollout(0.99, INFORMATION_LIMITED),
            Goal.atLeast(
                ">= 80% caught in the first step",
                0.80, s -> s.stoppedAt(0), INFORMATION_LIMITED)));
  }

  static Scenario paymentRegression() {
    return new Scenario(
        "Payment (10%) 0.85 -> 0.75, others improve 0.85 -> 0.88",
        true,
        TrafficModel.sticky(
            List.of(
                Segment.of("payment", 0.10, 0.85, 0.75), Segment.of("other", 0.90, 0.85, 0.88))),
        SUCCESS_RULE,
        DEFAULTS,
        ">= 90% caught before 100%",
        List.of(caughtBeforeFullRollout(0.90, INFORMATION_LIMITED)));
  }

  static Scenario errorRateRegression() {
    return new Scenario(
        "Error rate 1% -> 2%, all default rules",
        true,
        TrafficModel.sticky(List.of(Segment.of(null, 1, 0, 0)))
            .withTelemetry(new Telemetry(0.01, 0.02, 0.005, 800, 0.5, 0.5, 0.2, 0.1)),
        RuleSet.ofDefaults(),
        DEFAULTS,
        ">= 90% caught before 100%",
        List.of(
            caughtBeforeFullRollout(
                0.90,
                "unreachable with 2,000 users: the error rule's power gate needs more information"
                    + " than any split below 100% holds (see \"Why the sticky rows fall short\")")));
  }

  static Scenario aaStationaryIndependent() {
    return new Scenario(
        "A/A, independent requests (a fresh key each), stationary",
        false,
        TrafficModel.independent(List.of(Segment.of(null, 1, 0.85, 0.85))),
        SUCCESS_RULE,
        DEFAULTS,
        "<= 1% false rollbacks, <= 0.5% false halts, >= 95% promoted within 60,000 requests",
        List.of(falseRollbacks(), falseHalts(), promotedWithinHorizon("")));
  }

  /** Rate 0.5x to 1.5x the mean over 24 h; success 0.88 at the quiet start, 0.81 at the peak. */
  static Scenario aaDiurnal() {
    return new Scenario(
        "A/A, diurnal cycle (rate 0.5-1.5/s, success 0.88 -> 0.81 as load rises)",
        false,
        TrafficModel.sticky(List.of(Segment.of(null, 1, 0.85, 0.85)))
            .withDiurnal(new Diurnal(0.5, 0.15)),
        SUCCESS_RULE,
        DEFAULTS,
        "<= 1% false rollbacks, <= 0.5% false halts",
        List.of(falseRollbacks(), falseHalts()));
  }

  /**
   * The canary's log-latency spread grows from 0.5 to 0.5 + ln(1.5)/z(0.99), so its p99 is 1.5x
   * stable's while its median is unchanged; all else alike.
   */
  static Scenario latencyRegression() {
    double sigma = 0.5 + Math.log(1.5) / 2.3263478740408408;
    return new Scenario(
        "Latency only: p99 +50% (median unchanged), all default rules",
        true,
        TrafficModel.sticky(List.of(Segment.of(null, 1, 0, 0)))
            .withTelemetry(new Telemetry(0.01, 0.01, 0.005, 800, 0.5, sigma, 0.2, 0.1)),
        RuleSet.ofDefaults(),
        DEFAULTS,
        ">= 90% caught before 100% (extra row)",
        List.of(caughtBeforeFullRollout(0.90, "")));
  }
}
