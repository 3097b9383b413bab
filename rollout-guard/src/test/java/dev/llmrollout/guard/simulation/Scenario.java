package dev.llmrollout.guard.simulation;

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
 */
record Scenario(
    String name,
    double configuredCanaryPercent,
    double observedCanaryPercent,
    List<Segment> segments,
    int requests,
    int checkEvery) {

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
    return new Scenario(
        "A/A (0.85 vs 0.85, canary 5%)",
        5, 5, List.of(new Segment(null, 1, 0.85, 0.85)), 20_000, 10);
  }

  /** The canary is 5 points worse everywhere. */
  static Scenario regression() {
    return new Scenario(
        "Regression (0.85 vs 0.80, canary 5%)",
        5, 5, List.of(new Segment(null, 1, 0.85, 0.80)), 60_000, 10);
  }

  /** The canary is better overall but 10 points worse on payment intents (10% of traffic). */
  static Scenario paymentRegression() {
    return new Scenario(
        "Payment-only regression (payment 0.85 vs 0.75, elsewhere 0.85 vs 0.88, canary 5%)",
        5,
        5,
        List.of(
            new Segment("payment", 0.10, 0.85, 0.75),
            new Segment("account", 0.30, 0.85, 0.88),
            new Segment("general", 0.60, 0.85, 0.88)),
        100_000,
        10);
  }

  /** Routing sends 8% to the canary while 5% is configured. */
  static Scenario brokenSplit() {
    return new Scenario(
        "Broken split (configured 5%, observed 8%, A/A quality)",
        5, 8, List.of(new Segment(null, 1, 0.85, 0.85)), 20_000, 10);
  }
}
