package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.guard.ShadowRule;
import dev.llmrollout.guard.ShadowRuleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;

/**
 * The paired scenarios of the shadow gate next to the unpaired canary, written as a markdown table:
 * {@code PairedSimulationMain OUTPUT RUNS} (profile {@code shadow-simulation} of rollout-guard).
 */
public final class PairedSimulationMain {
  /** Both designs break the refusal rule on a regression shown above 2 points. */
  static final ShadowRuleSet SHADOW_RULES =
      ShadowRuleSet.of(
          ShadowRule.judgeWinRateAtLeast(0.45), ShadowRule.refusalDiscordanceAtMost(0.02));

  static final RuleSet CANARY_RULES =
      RuleSet.of(Rule.successRateDrop(0.05), Rule.refusalRateIncrease(0.04).tolerating(0.02));

  /**
   * The canary's rules plus the live judge's: sized for a 0.05 drop of the mean score, rolling back
   * on a drop shown above 0.02 (the shadow rule's margin is 0.05 of win rate).
   */
  static final RuleSet CANARY_RULES_WITH_JUDGE =
      RuleSet.of(
          Rule.successRateDrop(0.05),
          Rule.refusalRateIncrease(0.04).tolerating(0.02),
          Rule.judgeScoreDrop(0.05).tolerating(0.02));

  /** The live judge scores half of each arm's answers, as the shadow judge sees half the pairs. */
  static final UnpairedCanaryRun.LiveJudge LIVE_JUDGE =
      UnpairedCanaryRun.LiveJudge.judgeVisibleRegression(0.5);

  static final String JUDGE_RULE = "JUDGE_SCORE(DIFFERENCE)";
  static final double RATE = 5;
  static final long MAX_PAIRS = 150_000;
  static final long MAX_REQUESTS = 400_000;

  static final PairedTraffic EQUAL = new PairedTraffic(0, 0, 0.5);
  static final PairedTraffic JUDGE_REGRESSION = new PairedTraffic(0, 0.15, 0.5);
  static final PairedTraffic REFUSAL_REGRESSION = new PairedTraffic(0.05, 0, 0.5);

  private PairedSimulationMain() {}

  public static void main(String[] args) throws IOException {
    Path output = Path.of(args.length > 0 ? args[0] : "docs/shadow-gate-simulation.md");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long started = System.nanoTime();
    List<String> rows = new ArrayList<>();
    rows.add(shadowRow("A/A: candidate equal to the primary", EQUAL, runs, 1_000));
    rows.add(
        shadowRow(
            "Judge-visible regression in payment (15 %): judge win rate 0.50 -> 0.35 there",
            JUDGE_REGRESSION, runs, 2_000));
    rows.add(
        shadowRow(
            "Refusal regression in payment: +5 pp refusals there",
            REFUSAL_REGRESSION,
            runs,
            3_000));
    rows.add(
        canaryRow(
            "Same refusal regression, unpaired canary at 5 %",
            REFUSAL_REGRESSION, CANARY_RULES, UnpairedCanaryRun.LiveJudge.NONE, runs, 4_000));
    rows.add(
        canaryRow(
            "Same judge-visible regression, unpaired canary at 5 % with the live judge rule"
                + " (half of each arm's answers scored; mean score -0.09 in payment)",
            JUDGE_REGRESSION, CANARY_RULES_WITH_JUDGE, LIVE_JUDGE, runs, 5_000));
    double minutes = (System.nanoTime() - started) / 6e10;
    String table = PairedSimulationReport.render(rows, runs, minutes);
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.writeString(output, table);
    System.out.println(table);
  }

  static PairedShadowRun.Result[] shadowRuns(PairedTraffic traffic, int runs, long seedBase) {
    return runAll(
            runs,
            seed ->
                PairedShadowRun.run(
                    traffic, SHADOW_RULES, RATE, MAX_PAIRS, new SplittableRandom(seedBase + seed)))
        .toArray(PairedShadowRun.Result[]::new);
  }

  static <T> List<T> runAll(int runs, LongFunction<T> run) {
    List<T> results = new ArrayList<>(runs);
    for (int i = 0; i < runs; i++) {
      results.add(run.apply(i));
    }
    return results;
  }

  private static String shadowRow(String name, PairedTraffic traffic, int runs, long seedBase) {
    PairedShadowRun.Result[] results = shadowRuns(traffic, runs, seedBase);
    long aborted = count(results, RolloutState.ROLLED_BACK);
    long passed = count(results, RolloutState.CANARY);
    long held = count(results, RolloutState.HELD);
    double[] abortPairs = pairsWhere(results, RolloutState.ROLLED_BACK);
    double[] passPairs = pairsWhere(results, RolloutState.CANARY);
    return String.format(
        Locale.ROOT,
        "| %s | shadow gate (paired) | %s | %s | %s | %s | %s |",
        name,
        share(aborted, runs),
        share(passed, runs),
        share(held, runs),
        median(abortPairs),
        median(passPairs));
  }

  static List<UnpairedCanaryRun.Result> canaryRuns(
      PairedTraffic traffic,
      RuleSet rules,
      UnpairedCanaryRun.LiveJudge judge,
      int runs,
      long seedBase) {
    return runAll(
        runs,
        seed ->
            UnpairedCanaryRun.run(
                traffic, rules, judge, RATE, MAX_REQUESTS, new SplittableRandom(seedBase + seed)));
  }

  private static String canaryRow(
      String name,
      PairedTraffic traffic,
      RuleSet rules,
      UnpairedCanaryRun.LiveJudge judge,
      int runs,
      long seedBase) {
    List<UnpairedCanaryRun.Result> results = canaryRuns(traffic, rules, judge, runs, seedBase);
    List<UnpairedCanaryRun.Result> rolledBack =
        results.stream().filter(r -> r.state() == RolloutState.ROLLED_BACK).toList();
    long inFirstStep = rolledBack.stream().filter(r -> r.lastStep() == 0).count();
    long promoted = results.stream().filter(r -> r.state() == RolloutState.PROMOTED).count();
    String judged =
        judge.judged() > 0
            ? median(
                    rolledBack.stream()
                        .mapToDouble(UnpairedCanaryRun.Result::judgedAnswers)
                        .toArray())
                + " judged answers of both arms, "
            : "";
    String onJudgeRule =
        judge.judged() > 0
            ? String.format(
                Locale.ROOT,
                ", on the judge rule: %d",
                rolledBack.stream().filter(r -> r.reason().contains(JUDGE_RULE)).count())
            : "";
    return String.format(
        Locale.ROOT,
        "| %s | canary 5 -> 25 -> 50 -> 100 %% (unpaired) | %s (in step 1: %s%s) | %s promoted to"
            + " 100 %% | - | %s canary requests (%s%s requests in all) | - |",
        name,
        share(rolledBack.size(), runs),
        share(inFirstStep, runs),
        onJudgeRule,
        share(promoted, runs),
        median(rolledBack.stream().mapToDouble(UnpairedCanaryRun.Result::canaryRequests).toArray()),
        judged,
        median(rolledBack.stream().mapToDouble(UnpairedCanaryRun.Result::requests).toArray()));
  }

  private static long count(PairedShadowRun.Result[] results, RolloutState state) {
    return Arrays.stream(results).filter(r -> r.state() == state).count();
  }

  private static double[] pairsWhere(PairedShadowRun.Result[] results, RolloutState state) {
    return Arrays.stream(results)
        .filter(r -> r.state() == state)
        .mapToDouble(PairedShadowRun.Result::pairs)
        .toArray();
  }

  /** A share with its 95 % Wilson interval. */
  static String share(long count, int runs) {
    ConfidenceInterval ci =
        BinomialProportion.getWilsonScoreInterval(runs, (double) count / runs, 0.95);
    return String.format(
        Locale.ROOT,
        "%.1f%% [%.1f%%, %.1f%%]",
        100.0 * count / runs,
        100 * Math.max(0, ci.getLowerBound()),
        100 * Math.min(1, ci.getUpperBound()));
  }

  /** The median with its distribution-free 95 % interval [x_(l), x_(n-l+1)]. */
  static String median(double[] values) {
    int n = values.length;
    if (n == 0) {
      return "-";
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    if (n < 6) {
      return String.format(Locale.ROOT, "%,.0f (n=%d, too few for an interval)", median, n);
    }
    int l = Math.max(1, new BinomialDistribution(n, 0.5).inverseCumulativeProbability(0.025));
    return String.format(Locale.ROOT, "%,.0f [%,.0f, %,.0f]", median, sorted[l - 1], sorted[n - l]);
  }
}
