package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.analysis.OneSidedMixture;
import dev.llmrollout.guard.analysis.SampleSizeCalculator;
import dev.llmrollout.guard.simulation.ScenarioSummary.Median;
import dev.llmrollout.guard.simulation.ScenarioSummary.Share;
import java.util.List;
import java.util.Locale;

/**
 * The report's judgement: each goal of issue 14 against the runs, the canary requests before
 * rollback against the fixed-horizon n (plain and corrected for sticky users), and the arithmetic
 * of what 2,000 sticky users allow.
 */
final class GoalsReport {
  private static final double POWER = SampleSizeCalculator.GUARD_POWER;
  private static final double[] FIRST_STEP_SHARES = {0.05, 0.10, 0.15, 0.20};
  private static final double[] SHARES = {0.05, 0.10, 0.15, 0.20, 0.25, 0.50};
  private static final InformationArithmetic USERS = InformationArithmetic.production();

  private GoalsReport() {}

  /** Every goal of every scenario: the measured share, its interval, met or missed and why. */
  static void goals(StringBuilder md, List<ScenarioSummary> summaries) {
    md.append("\n## Against the issue's goals\n\n")
        .append("Each goal against the runs (95% Wilson intervals). \"Met\" when the interval")
        .append(" lies on the goal's side; \"met on the estimate\" when only the estimate does")
        .append(" (with ")
        .append(summaries.get(0).runs())
        .append(" runs a share of 0 has the upper bound ")
        .append(pct(summaries.get(0).share(r -> false).high()))
        .append(", so goals of 0.5% and 1% cannot be shown); a miss says by how many")
        .append(" percentage points and why.\n\n")
        .append("| Scenario | Goal | Measured | Verdict |\n|---|---|---|---|\n");
    for (ScenarioSummary s : summaries) {
      for (Goal goal : s.scenario().goals()) {
        Share share = goal.measure().apply(s);
        md.append("| ")
            .append(s.scenario().name())
            .append(" | ")
            .append(goal.what())
            .append(" | ")
            .append(share(share))
            .append(" | ")
            .append(goal.verdict(share))
            .append(" |\n");
      }
    }
  }

  /**
   * Median canary requests before rollback next to the fixed-horizon canary n, plain (independent
   * requests, the canary at 5%) and corrected for the sticky users' design effect at each share the
   * first step can run at.
   */
  static void detection(StringBuilder md, List<ScenarioSummary> summaries) {
    md.append("\n## Canary requests before rollback\n\n")
        .append("Median canary requests (all steps) when the guard rolled back, runs never")
        .append(" rolled back counted as infinite, with the 95% order-statistic interval. Next to")
        .append(" it the canary n of a one-sided fixed-horizon two-proportion test with power")
        .append(" 0.8 at the alpha the guard spends on its first test (alpha over its family:")
        .append(" rules x (all traffic + declared segments + other), Holm's first level), with")
        .append(" the canary at 5% as in step 1: first assuming independent requests")
        .append(" (`SampleSizeCalculator.canarySamplesOneSided`), then corrected for the design")
        .append(" effect of the 2,000 sticky users (`InformationArithmetic`: the n whose")
        .append(" variance, between-user floors included, equals that of the plain n) at each")
        .append(" share the first step can run at; \"unreachable\" where the floors alone exceed")
        .append(" it. For a segment regression, canary requests in all traffic at the segment's")
        .append(" starting share (in the segment in parentheses).\n\n")
        .append("| Scenario | Median canary requests to rollback | Per-test alpha |")
        .append(" Fixed-horizon n, independent requests (5%) |")
        .append(" Corrected for sticky users: 5% / 10% / 15% / 20% |")
        .append(" Median at most the fixed-horizon n? |\n|---|---|---|---|---|---|\n");
    for (ScenarioSummary s : summaries) {
      if (!s.scenario().harmful()) {
        continue;
      }
      Scenario scenario = s.scenario();
      double alpha =
          GuardHarness.perTestAlpha(scenario.config(), scenario.rules(), scenario.namedSegments());
      md.append("| ")
          .append(scenario.name())
          .append(" | ")
          .append(median(s.canaryRequestsToRollback()))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.4f", alpha))
          .append(" | ")
          .append(fixedHorizon(scenario, alpha, -1))
          .append(" | ");
      for (int i = 0; i < FIRST_STEP_SHARES.length; i++) {
        md.append(i == 0 ? "" : " / ").append(fixedHorizon(scenario, alpha, FIRST_STEP_SHARES[i]));
      }
      double median = s.canaryRequestsToRollback().value();
      double plain = canaryN(scenario, alpha, -1);
      double widest = canaryN(scenario, alpha, FIRST_STEP_SHARES[FIRST_STEP_SHARES.length - 1]);
      md.append(" | ")
          .append(Double.isNaN(plain) ? "-" : atMost(median, plain) + " against the plain n; ")
          .append(
              Double.isNaN(widest)
                  ? ""
                  : atMost(median, widest) + " against the corrected n at 20%")
          .append(" |\n");
    }
  }

  /**
   * The fixed-horizon canary n for the scenario's worst rate change: for independent requests at 5%
   * when {@code stickyShare} is negative, else corrected for sticky users at that share.
   */
  private static String fixedHorizon(Scenario scenario, double alpha, double stickyShare) {
    double n = canaryN(scenario, alpha, stickyShare);
    if (Double.isNaN(n)) {
      return "- (a latency quantile)";
    }
    if (Double.isInfinite(n)) {
      return "unreachable";
    }
    double segmentShare = worstSegment(scenario).startShare();
    String all = String.format(Locale.ROOT, "%,.0f", n);
    return segmentShare == 1
        ? all
        : String.format(Locale.ROOT, "%s (%,.0f)", all, Math.ceil(n * segmentShare));
  }

  private static String atMost(double median, double n) {
    return Double.isFinite(median) && median <= n ? "yes" : "no";
  }

  /**
   * The canary n in all traffic (infinite when unreachable, NaN for a latency rule), see {@link
   * #fixedHorizon}.
   */
  private static double canaryN(Scenario scenario, double alpha, double stickyShare) {
    TrafficModel.Telemetry t = scenario.traffic().telemetry();
    double p1;
    double p2;
    double segmentShare = 1;
    if (t != null) {
      if (t.canaryErrorRate() == t.stableErrorRate()) {
        return Double.NaN;
      }
      p1 = t.stableErrorRate();
      p2 = t.canaryErrorRate();
    } else {
      TrafficModel.Segment worst = worstSegment(scenario);
      p1 = worst.stableSuccess();
      p2 = worst.canarySuccess();
      segmentShare = worst.startShare();
    }
    double share = stickyShare < 0 ? 0.05 : stickyShare;
    double n = SampleSizeCalculator.canarySamplesOneSided(p1, p2, share, alpha, POWER);
    if (stickyShare >= 0) {
      n = USERS.designEffectCanaryN(p1, p2, share, n);
    }
    return Math.ceil(n / segmentShare);
  }

  private static TrafficModel.Segment worstSegment(Scenario scenario) {
    return scenario.traffic().segments().stream()
        .min((a, b) -> Double.compare(drop(a), drop(b)))
        .orElseThrow();
  }

  /** The information arithmetic behind the sticky rows' misses, computed from the model. */
  static void arithmetic(StringBuilder md) {
    double successAlpha = 0.01;
    double errorAlpha = 0.01 / 4;
    md.append("\n## Why the sticky rows fall short, in numbers\n\n")
        .append(Text.WHY)
        .append("\n| canary share | users in the canary | success rule: ceiling |")
        .append(" success rule: information after 60,000 requests |")
        .append(" success rule: power there | error rule: ceiling |")
        .append(
            " error rule: information after 60,000 requests |\n|---|---|---|---|---|---|---|\n");
    for (double share : SHARES) {
      double after = USERS.informationAfter(0.85, 0.80, share, Scenario.HORIZON_REQUESTS);
      md.append(
              String.format(Locale.ROOT, "| %.0f%% | %.0f | ", 100 * share, USERS.users() * share))
          .append(number(USERS.ceiling(0.85, 0.80, share)))
          .append(" | ")
          .append(number(after))
          .append(" | ")
          .append(pct(InformationArithmetic.power(after, 0.05, successAlpha, POWER)))
          .append(" | ")
          .append(number(USERS.ceiling(0.01, 0.02, share)))
          .append(" | ")
          .append(number(USERS.informationAfter(0.01, 0.02, share, Scenario.HORIZON_REQUESTS)))
          .append(" |\n");
    }
    md.append(
            String.format(
                Locale.ROOT,
                "\nWhat the rules need (power %.1f): the success rule (-5 points, alone, a = %.4f)"
                    + " %s for the guard's always-valid test (its power gate) and %s for a"
                    + " fixed-horizon one-sided test; the error rule (+1 point at 1%%, one of four"
                    + " default rules, a = %.4f) %s (fixed horizon %s).\n",
                POWER,
                successAlpha,
                number(InformationArithmetic.gate(0.05, successAlpha, POWER, POWER)),
                number(fixedInformation(0.05, successAlpha)),
                errorAlpha,
                number(InformationArithmetic.gate(0.01, errorAlpha, POWER, POWER)),
                number(fixedInformation(0.01, errorAlpha))))
        .append(
            String.format(
                Locale.ROOT,
                Text.READING,
                number(USERS.informationAfter(0.85, 0.80, 0.20, Scenario.HORIZON_REQUESTS)),
                pct(
                    InformationArithmetic.power(
                        USERS.informationAfter(0.85, 0.80, 0.20, Scenario.HORIZON_REQUESTS),
                        0.05,
                        successAlpha,
                        POWER)),
                number(InformationArithmetic.gate(0.05, successAlpha, POWER, 0.99)),
                number(USERS.informationAfter(0.85, 0.80, 0.50, Scenario.HORIZON_REQUESTS))))
        .append(Text.NOT_BUILT);
  }

  private static double fixedInformation(double detect, double alpha) {
    return OneSidedMixture.fixedHorizonInformation(detect, alpha, POWER);
  }

  private static double drop(TrafficModel.Segment segment) {
    return segment.canarySuccess() - segment.stableSuccess();
  }

  static String share(Share s) {
    return String.format(Locale.ROOT, "%s [%s, %s]", pct(s.rate()), pct(s.low()), pct(s.high()));
  }

  static String pct(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  static String median(Median m) {
    return String.format(
        Locale.ROOT, "%s [%s, %s]", number(m.value()), number(m.low()), number(m.high()));
  }

  static String number(double value) {
    return Double.isInfinite(value) ? "never" : String.format(Locale.ROOT, "%,.0f", value);
  }

  /** The fixed prose of the arithmetic. */
  private static final class Text {
    static final String WHY =
        """
        Information is the reciprocal of the variance of the estimated regression. With \
        Poisson requests from sticky users of activity `lambda_i`, a request-weighted rate has \
        the variance `p q / n + ICC p q sum w_i^2 / (sum w_i)^2`: what independent requests \
        would give plus a between-user floor, `ICC p q e / U` for `U` users of lognormal \
        activity (sigma 1), that more requests from the same users never lower. The table \
        gives, for ICC 0.10 and 2,000 users (stable 0.85, canary 0.80; errors 1% against 2%), \
        the ceiling at each share, the information after 60,000 requests had the whole run \
        been at that share (an upper bound for a first step that starts at 5%), and the \
        probability that the guard's test has caught the 5-point drop by then \
        (`InformationArithmetic`).
        """;

    static final String READING =
        """

        - **0.85 -> 0.80 in the first step**: at 5%% no valid test catches it with power \
        0.8: 100 users hold less information than even the fixed-horizon test needs. Hence \
        the widening. Yet even a run at 20%% from its first request holds only %s after \
        60,000 requests, below the power gate, and the guard's test has caught the drop by \
        then with probability %s (at that look; earlier looks add a little); a real run starts \
        at 5%% and bakes each share it passes. So ">= 80%% in the first step" is at the edge of \
        what a 20%% first step allows within 60,000 requests, and ">= 99%% caught before \
        100%%" needs the information at which the guard's test catches it with probability \
        0.99, %s, more than even a whole run at 50%% holds (%s). More users (the floor falls \
        as 1/U), a longer horizon or a larger regression to detect change that; a larger \
        alpha barely does (the boundary grows with `sqrt(log(1/alpha))`).
        - **Error rate 1%% -> 2%% with the default rules**: the error rule's power gate exceeds \
        the ceiling at every share below 100%%, so the guard widens to 20%%, alerts that the \
        step cannot gather its evidence, and keeps the canary there until the step's deadline \
        (24 h, then held); the regression (exactly the size to detect) crosses the boundary \
        only in runs where the noise helps. Meeting the goal needs more users, a larger \
        regression to detect, or fewer rules sharing alpha.
        - **Payment segment 0.85 -> 0.75**: the segment's 10%% of traffic comes from the same \
        users as the rest (intents are drawn per request), so it has the same floor at a \
        tenth of the requests.
        - **A/A promoted within 60,000 requests**: the same arithmetic. A sticky A/A is \
        promoted once its first step passes the power gate, which only a 20%% share reaches \
        within the horizon; independent requests pass it at 5%%.
        """;

    static final String NOT_BUILT =
        """
        - **What could lower the floor, not built**: the floor is variance between users, and \
        the part of it that a user's own past predicts could be removed by variance reduction \
        with pre-period covariates (CUPED-style, per unit: each arm's rate adjusted by its \
        regression on the same units' outcomes before the rollout), which multiplies the \
        variance by `1 - r^2`, `r` the correlation of units' outcomes before and during the \
        rollout: it lowers the floor only as far as a unit's past predicts its present. It \
        would take outcomes recorded before the rollout starts, per unit bucket and keyed by the \
        arm each unit will be served (its position in the flag's assignment hash, so that they \
        add up to the arms of any step's split), kept as plain sums that merge across \
        instances like the other counters, and used only as a covariate, never as a control. \
        This guard records no pre-rollout outcomes and does not implement it. How much it would \
        gain is not known here: every simulated user keeps one fixed effect for the whole run, \
        which would flatter it against real users whose rates drift.
        """;
  }
}
