package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.RolloutState;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;

/**
 * The seeded runs of one scenario and the figures the table publishes, each with a 95% interval:
 * Wilson's for shares, the order-statistic (distribution-free) interval for medians.
 *
 * @param wallSeconds how long the runs took, in parallel
 * @param cpuSeconds the CPU time the process spent meanwhile
 */
record ScenarioSummary(
    Scenario scenario, List<ScenarioRun.Result> results, double wallSeconds, double cpuSeconds) {
  private static final double LEVEL = 0.95;

  /** A share with its Wilson interval. */
  record Share(int count, int runs, double low, double high) {
    double rate() {
      return (double) count / runs;
    }
  }

  /**
   * A median with its order-statistic interval; infinite values stand for runs that never got
   * there.
   */
  record Median(double value, double low, double high, int observed) {}

  /** Runs {@code runs} seeds ({@code seedBase + 1 ..}) in parallel. */
  static ScenarioSummary simulate(Scenario scenario, int runs, long seedBase) {
    ScenarioRun run = new ScenarioRun(scenario);
    long wallStart = System.nanoTime();
    long cpuStart = processCpuNanos();
    List<ScenarioRun.Result> results =
        LongStream.rangeClosed(1, runs).parallel().mapToObj(s -> run.run(seedBase + s)).toList();
    return new ScenarioSummary(
        scenario,
        results,
        (System.nanoTime() - wallStart) / 1e9,
        (processCpuNanos() - cpuStart) / 1e9);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  int runs() {
    return results.size();
  }

  Share share(Predicate<ScenarioRun.Result> which) {
    int count = (int) results.stream().filter(which).count();
    ConfidenceInterval ci =
        BinomialProportion.getWilsonScoreInterval(runs(), (double) count / runs(), LEVEL);
    return new Share(count, runs(), ci.getLowerBound(), ci.getUpperBound());
  }

  Share ended(RolloutState state) {
    return share(r -> r.state() == state);
  }

  /** Runs held because the units did not split as planned. */
  Share sampleRatioHolds() {
    return share(ScenarioRun.Result::sampleRatioHold);
  }

  /** Runs held at the horizon because a step could not gather its evidence in time. */
  Share evidenceHolds() {
    return share(r -> r.state() == RolloutState.HELD && !r.sampleRatioHold());
  }

  /** Runs rolled back while the canary was at step {@code step}. */
  Share rolledBackAt(int step) {
    return share(r -> r.state() == RolloutState.ROLLED_BACK && r.stoppedAtStep() == step);
  }

  /** Runs held on the unit split while the canary was at step {@code step}. */
  Share sampleRatioHoldsAt(int step) {
    return share(r -> r.sampleRatioHold() && r.stoppedAtStep() == step);
  }

  /** Rolled back or held on the split while the canary was at step {@code step}. */
  Share stoppedAt(int step) {
    return share(
        r ->
            (r.state() == RolloutState.ROLLED_BACK || r.sampleRatioHold())
                && r.stoppedAtStep() == step);
  }

  /** Rolled back or held on the split before the canary reached the last (100%) step. */
  Share stoppedBeforeLastStep() {
    int last = Scenario.plan().steps().size() - 1;
    return share(
        r ->
            (r.state() == RolloutState.ROLLED_BACK || r.sampleRatioHold())
                && r.stoppedAtStep() < last);
  }

  /** Canary requests when rolled back; runs not rolled back count as never (infinite). */
  Median canaryRequestsToRollback() {
    return median(
        results.stream()
            .mapToDouble(
                r ->
                    r.state() == RolloutState.ROLLED_BACK
                        ? r.canaryRequests()
                        : Double.POSITIVE_INFINITY)
            .toArray());
  }

  /** Minutes step {@code step} lasted, over the runs that completed it. */
  Median stepMinutes(int step) {
    return median(
        results.stream()
            .mapToDouble(r -> r.stepSeconds()[step] / 60)
            .filter(m -> !Double.isNaN(m))
            .toArray());
  }

  /** The median with its distribution-free interval [x_(l), x_(n-l+1)], coverage >= 95%. */
  static Median median(double[] values) {
    int n = values.length;
    if (n == 0) {
      return new Median(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    int l = Math.max(1, new BinomialDistribution(n, 0.5).inverseCumulativeProbability(0.025));
    return new Median(median, sorted[l - 1], sorted[n - l], n);
  }
}
