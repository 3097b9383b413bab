package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.analysis.SampleSizeCalculator;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;

/** Runs every scenario over fixed seeds and summarizes what the acceptance asks for. */
record SimulationResults(
    int runs,
    Summary aa,
    Summary aaSegmented,
    Summary aaDefaultRules,
    Summary regression,
    Summary latencyRegression,
    Summary payment,
    Summary brokenSplit,
    long fixedHorizonCanaryN,
    long fixedHorizonCanaryNOneSided) {

  /**
   * The outcome counts of one scenario.
   *
   * @param rolledBack runs that ended rolled back
   * @param halted runs that ended halted
   * @param medianCanarySamples median canary samples at the stop, undetected runs counted as never
   *     stopping (Long.MAX_VALUE)
   * @param medianRequests median requests at the stop, same convention
   * @param medianFirstSegmentCanarySamples median canary samples in the first named segment at the
   *     stop, same convention
   */
  record Summary(
      Scenario scenario,
      int runs,
      int rolledBack,
      int halted,
      long medianCanarySamples,
      long medianRequests,
      long medianFirstSegmentCanarySamples) {

    double rollbackRate() {
      return (double) rolledBack / runs;
    }

    double haltRate() {
      return (double) halted / runs;
    }
  }

  /** Runs each scenario {@code runs} times, seeds {@code 1..runs} offset per scenario. */
  static SimulationResults simulate(int runs) {
    return new SimulationResults(
        runs,
        summarize(Scenario.aa(), runs, 1_000_000),
        summarize(Scenario.aaSegmented(), runs, 5_000_000),
        summarize(Scenario.aaDefaultRules(), runs, 6_000_000),
        summarize(Scenario.regression(), runs, 2_000_000),
        summarize(Scenario.latencyRegression(), runs, 7_000_000),
        summarize(Scenario.paymentRegression(), runs, 3_000_000),
        summarize(Scenario.brokenSplit(), runs, 4_000_000),
        SampleSizeCalculator.canarySamples(0.85, 0.80, 0.05, 0.05, 0.95),
        SampleSizeCalculator.canarySamples(0.85, 0.80, 0.05, 0.10, 0.95));
  }

  private static Summary summarize(Scenario scenario, int runs, long seedBase) {
    List<GuardSimulation.Outcome> outcomes =
        LongStream.rangeClosed(1, runs)
            .parallel()
            .mapToObj(seed -> GuardSimulation.run(scenario, seedBase + seed))
            .toList();
    int rolledBack = count(outcomes, RolloutState.ROLLED_BACK);
    int halted = count(outcomes, RolloutState.HALTED);
    long[] canary =
        outcomes.stream()
            .mapToLong(o -> o.state().isFinal() ? o.canarySamples() : Long.MAX_VALUE)
            .toArray();
    long[] requests =
        outcomes.stream()
            .mapToLong(o -> o.state().isFinal() ? o.requests() : Long.MAX_VALUE)
            .toArray();
    long[] firstSegment =
        outcomes.stream()
            .mapToLong(o -> o.state().isFinal() ? o.firstSegmentCanarySamples() : Long.MAX_VALUE)
            .toArray();
    return new Summary(
        scenario, runs, rolledBack, halted, median(canary), median(requests), median(firstSegment));
  }

  private static int count(List<GuardSimulation.Outcome> outcomes, RolloutState state) {
    return (int) outcomes.stream().filter(o -> o.state() == state).count();
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(sorted.length - 1) / 2];
  }

  /** The results as a Markdown document that names the command reproducing them. */
  String toMarkdown(String command) {
    StringBuilder md = new StringBuilder();
    md.append("# Rollout guard simulation\n\n")
        .append("Produced by `GuardSimulationMain` (fixed seeds, ")
        .append(runs)
        .append(" runs per scenario). Reproduce with:\n\n```\n")
        .append(command)
        .append("\n```\n\n")
        .append("Every run drives the real `RolloutGuard` (state machine, always-valid tests,")
        .append(" sample ratio check, write-back to an in-memory `RolloutControl`) on a manual")
        .append(" clock. Requests are routed at random, succeed with the scenario's probability,")
        .append(" and the guard checks after every 10 requests. Rule: success rate, sized to")
        .append(" catch a 5-point drop (`Rule.successRateDropAtMost(0.05)`), except where all")
        .append(" default rules (`RuleSet.ofDefaults()`) are named; `GuardConfig`")
        .append(" defaults (alpha 0.05 over all rules and segments with Holm's correction,")
        .append(" no hysteresis, sample ratio halt at always-valid p < 0.001, 100 samples per")
        .append(" arm before testing). The canary stays at its first step (5%).\n\n")
        .append("| Scenario | Requests per run | Measured | Target |\n")
        .append("|---|---|---|---|\n");
    row(
        md,
        aa,
        "false rollback rate " + pct(aa.rollbackRate()) + ", false halt rate " + pct(aa.haltRate()),
        "rollbacks <= 5% (aim 1%)");
    for (Summary extra : List.of(aaSegmented, aaDefaultRules)) {
      row(
          md,
          extra,
          "false rollback rate "
              + pct(extra.rollbackRate())
              + ", false halt rate "
              + pct(extra.haltRate()),
          "(extra) rollbacks <= 5%");
    }
    row(
        md,
        regression,
        "power "
            + pct(regression.rollbackRate())
            + ", median canary samples to rollback "
            + regression.medianCanarySamples(),
        "power >= 95%, median <= fixed-horizon n (" + fixedHorizonCanaryN + ")");
    row(
        md,
        latencyRegression,
        "power "
            + pct(latencyRegression.rollbackRate())
            + ", median canary samples to rollback "
            + samples(latencyRegression.medianCanarySamples()),
        "(extra) caught");
    row(
        md,
        payment,
        "power "
            + pct(payment.rollbackRate())
            + ", median canary samples "
            + samples(payment.medianCanarySamples())
            + " (in payment: "
            + samples(payment.medianFirstSegmentCanarySamples())
            + ")",
        "power >= 90%");
    row(
        md,
        brokenSplit,
        "halted "
            + pct(brokenSplit.haltRate())
            + ", rolled back "
            + pct(brokenSplit.rollbackRate())
            + ", median requests to halt "
            + samples(brokenSplit.medianRequests()),
        "halted by the sample ratio check");
    md.append("\nFixed-horizon canary sample size for 0.85 vs 0.80 with the canary at 5%")
        .append(" (stable gets 19 times as many), power 0.95: ")
        .append(fixedHorizonCanaryN)
        .append(" at two-sided alpha 0.05 (")
        .append(fixedHorizonCanaryNOneSided)
        .append(" at one-sided 0.05), from `SampleSizeCalculator.canarySamples`.\n");
    return md.toString();
  }

  private static void row(StringBuilder md, Summary s, String measured, String target) {
    md.append("| ")
        .append(s.scenario().name())
        .append(" | ")
        .append(s.scenario().requests())
        .append(" | ")
        .append(measured)
        .append(" | ")
        .append(target)
        .append(" |\n");
  }

  private static String pct(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  private static String samples(long median) {
    return median == Long.MAX_VALUE ? "never" : Long.toString(median);
  }
}
