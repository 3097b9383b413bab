package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RuleSet;
import java.util.List;

/**
 * One row of the published table: the traffic, the rules and guard configuration the rollout is
 * held to, and what the guard should achieve. Every scenario runs the default plan (5, 25, 50, 100
 * percent, 30 minutes minimum bake, 500 requests per arm per step) for at most {@link
 * #HORIZON_REQUESTS} requests.
 *
 * @param name the row's title
 * @param harmful true when the canary is worse (any stop is a catch), false for A/A (any rollback
 *     or halt is false)
 * @param traffic who sends what
 * @param rules the rules the rollout is held to
 * @param config the guard's configuration
 * @param goal the goal for this row, as text
 * @param goals the same goals, each judged on the runs
 */
record Scenario(
    String name,
    boolean harmful,
    TrafficModel traffic,
    RuleSet rules,
    GuardConfig config,
    String goal,
    List<Goal> goals) {

  /** A run ends when the guard stops the rollout or after this many requests (16.7 h at 1/s). */
  static final long HORIZON_REQUESTS = 60_000;

  /** The plan every scenario runs. */
  static RolloutPlan plan() {
    return RolloutPlan.ofDefaults();
  }

  /** The segment values requests carry, in the traffic model's order. */
  List<String> segmentNames() {
    return traffic().segments().stream().map(TrafficModel.Segment::name).toList();
  }

  /** How many named segments the guard sees. */
  int namedSegments() {
    return (int) segmentNames().stream().filter(java.util.Objects::nonNull).count();
  }
}
