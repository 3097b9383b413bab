package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.RuleSet;
import java.util.List;

/**
 * One simulated rollout: traffic split, success probabilities per arm and segment, horizon.
 *
 * @param name a title for the report
 * @param configuredCanaryPercent the split the guard writes and expects
 * @param observedCanaryPercent the split routing really produces (differs for a broken split)
 * @param segments traffic segments with their shares and success probabilities
 * @param requests how many requests one run lasts at most
 * @param checkEvery the guard checks after this many requests
 * @param rules the rules the guard holds the canary to
 * @param telemetry errors, refusals, latency and feedback for both arms alike; null when each
 *     request only succeeds or fails at its segment's rate
 */
record Scenario(
    String name,
    double configuredCanaryPercent,
    double observedCanaryPercent,
    List<Segment> segments,
    int requests,
    int checkEvery,
    RuleSet rules,
    Telemetry telemetry) {

  /** The rule of the main scenarios: success rate, sized to catch a 5-point drop. */
  static final RuleSet SUCCESS_RULE = RuleSet.of(dev.llmrollout.guard.Rule.successRateDrop(0.05));

  /**
   * Telemetry for both arms, so that every default rule is exercised; alike except for the canary's
   * latency factor.
   *
   * @param errorRate share of failed requests
   * @param refusalRate share of refusals
   * @param latencyMedianMillis median of the log-normal latency
   * @param latencySigma its log-scale standard deviation
   * @param feedbackRate share of requests that get feedback
   * @param thumbsDownShare share of feedback that is thumbs down
   * @param canaryLatencyFactor how much slower the canary answers (1 = alike)
   */
  record Telemetry(
      double errorRate,
      double refusalRate,
      double latencyMedianMillis,
      double latencySigma,
      double feedbackRate,
      double thumbsDownShare,
      double canaryLatencyFactor) {}

  /**
   * A segment of traffic.
   *
   * @param name the segment value, or null for unsegmented traffic
   * @param share its share of requests (shares sum to 1)
   * @param stableSuccess stable's success probability in it
   * @param canarySuccess the canary's success probability in it
   */
  record Segment(String name, double share, double stableSuccess, double canarySuccess) {}

  /** A/A: both arms succeed 85% of the time; any rollback is a false one. */
  static Scenario aa() {
    return simple(
        "A/A (0.85 vs 0.85, canary 5%)", 5, List.of(new Segment(null, 1, 0.85, 0.85)), 20_000);
  }

  /** A/A over three segments: the multiplicity correction at work. */
  static Scenario aaSegmented() {
    return simple(
        "A/A over three segments (10/30/60%, all 0.85, canary 5%)",
        5,
        List.of(
            new Segment("payment", 0.10, 0.85, 0.85),
            new Segment("account", 0.30, 0.85, 0.85),
            new Segment("general", 0.60, 0.85, 0.85)),
        20_000);
  }

  /**
   * A/A held to every default rule: errors 1%, refusals 0.5%, log-normal latency (median 800 ms),
   * 20% of requests with feedback of which 10% thumbs down.
   */
  static Scenario aaDefaultRules() {
    return new Scenario(
        "A/A under all default rules (errors 1%, refusals 0.5%, p99 latency, thumbs-down 10%)",
        5,
        5,
        List.of(new Segment(null, 1, 0, 0)),
        20_000,
        10,
        RuleSet.ofDefaults(),
        new Telemetry(0.01, 0.005, 800, 0.5, 0.2, 0.1, 1));
  }

  /** Every default rule; the canary answers 1.3 times slower throughout (p99 ratio 1.3). */
  static Scenario latencyRegression() {
    return new Scenario(
        "Latency regression under all default rules (canary 1.3x slower, canary 5%)",
        5,
        5,
        List.of(new Segment(null, 1, 0, 0)),
        40_000,
        10,
        RuleSet.ofDefaults(),
        new Telemetry(0.01, 0.005, 800, 0.5, 0.2, 0.1, 1.3));
  }

  /** The canary is 5 points worse everywhere. */
  static Scenario regression() {
    return simple(
        "Regression (0.85 vs 0.80, canary 5%)",
        5, List.of(new Segment(null, 1, 0.85, 0.80)), 60_000);
  }

  /** The canary is better overall but 10 points worse on payment intents (10% of traffic). */
  static Scenario paymentRegression() {
    return simple(
        "Payment-only regression (payment 0.85 vs 0.75, elsewhere 0.85 vs 0.88, canary 5%)",
        5,
        List.of(
            new Segment("payment", 0.10, 0.85, 0.75),
            new Segment("account", 0.30, 0.85, 0.88),
            new Segment("general", 0.60, 0.85, 0.88)),
        100_000);
  }

  /** Routing sends 8% to the canary while 5% is configured. */
  static Scenario brokenSplit() {
    return new Scenario(
        "Broken split (configured 5%, observed 8%, A/A quality)",
        5, 8, List.of(new Segment(null, 1, 0.85, 0.85)), 20_000, 10, SUCCESS_RULE, null);
  }

  private static Scenario simple(
      String name, double canaryPercent, List<Segment> segments, int requests) {
    return new Scenario(
        name, canaryPercent, canaryPercent, segments, requests, 10, SUCCESS_RULE, null);
  }
}
