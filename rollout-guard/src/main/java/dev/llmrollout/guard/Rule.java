package dev.llmrollout.guard;

import dev.llmrollout.guard.Metric.Comparison;
import dev.llmrollout.guard.Metric.Direction;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pre-declared regression rule, compared canary against stable within each step.
 *
 * <p>{@code regressionToDetect} is the regression the rule exists to catch: the first step holds
 * until the rule has the information to catch it (with the configured power), and the canary goes
 * to 100 % only when the data show the regression is smaller than it (non-inferiority). {@code
 * regressionTolerated} is the regression that does not roll back: the rule breaks when the
 * confidence sequence shows the canary worse than stable by more than it (0: any regression shown).
 *
 * <pre>{@code
 * Rule.successRateDrop(0.05);                      // rolls back on any drop shown; sized for 5 pp
 * Rule.successRateDrop(0.05).tolerating(0.01);     // rolls back on a drop shown above 1 pp
 * Rule.errorRateIncrease(0.01);                    // sized for +1 pp of errors
 * Rule.latencyTailIncrease(0.99, 0.02);            // +2 pp of requests slower than stable's p99
 * Rule.judgeScoreDrop(0.05).tolerating(0.02);      // live judge's mean score; rolls back above 0.02
 * }</pre>
 *
 * @param metric what is measured
 * @param feedbackEvent the feedback event name for {@link Metric#FEEDBACK_RATE}, else empty
 * @param quantile the latency quantile for {@link Metric#LATENCY_QUANTILE}, else 0
 * @param direction which way is worse
 * @param comparison a difference in rate points, or a relative change of the rate
 * @param regressionToDetect the regression to catch, in the comparison's units (0.05 = 5 points, or
 *     5 % for a relative rule)
 * @param regressionTolerated the regression that does not roll back (0 for none)
 */
public record Rule(
    Metric metric,
    String feedbackEvent,
    double quantile,
    Direction direction,
    Comparison comparison,
    double regressionToDetect,
    double regressionTolerated) {

  public Rule {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(feedbackEvent, "feedbackEvent");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(comparison, "comparison");
    if (metric == Metric.FEEDBACK_RATE && feedbackEvent.isBlank()) {
      throw new IllegalArgumentException(
          "rule " + metric + ": feedbackEvent is blank, expected an event name like thumbs_down");
    }
    if (metric == Metric.LATENCY_QUANTILE && !(quantile > 0.5 && quantile < 1)) {
      throw new IllegalArgumentException(
          "rule " + metric + ": quantile is " + quantile + ", expected between 0.5 and 1");
    }
    if (!(regressionToDetect > 0)
        || (comparison == Comparison.DIFFERENCE && regressionToDetect > 1)) {
      throw new IllegalArgumentException(
          "rule "
              + metric
              + ": regressionToDetect is "
              + regressionToDetect
              + ", expected a positive "
              + (comparison == Comparison.RELATIVE
                  ? "relative change"
                  : "rate difference up to 1"));
    }
    if (!(regressionTolerated >= 0 && regressionTolerated < regressionToDetect)) {
      throw new IllegalArgumentException(
          "rule "
              + metric
              + ": regressionTolerated is "
              + regressionTolerated
              + ", expected at least 0 and below regressionToDetect "
              + regressionToDetect);
    }
  }

  /** The success rate below stable's; sized to catch a drop of {@code points} (0.05 = 5 pp). */
  public static Rule successRateDrop(double points) {
    return difference(Metric.SUCCESS_RATE, "", 0, Direction.LOWER_IS_WORSE, points);
  }

  /** The error rate above stable's; sized to catch {@code points} more errors (0.02 = 2 pp). */
  public static Rule errorRateIncrease(double points) {
    return difference(Metric.ERROR_RATE, "", 0, Direction.HIGHER_IS_WORSE, points);
  }

  /** The refusal rate above stable's; sized to catch {@code points} more refusals. */
  public static Rule refusalRateIncrease(double points) {
    return difference(Metric.REFUSAL_RATE, "", 0, Direction.HIGHER_IS_WORSE, points);
  }

  /** The rate of feedback {@code event} above stable's; sized to catch {@code points} more. */
  public static Rule feedbackRateIncrease(String event, double points) {
    return difference(Metric.FEEDBACK_RATE, event, 0, Direction.HIGHER_IS_WORSE, points);
  }

  /**
   * The share of requests slower than both arms' {@code quantile} in the same step, canary above
   * stable; sized to catch {@code points} more slow requests (at p99, 0.02 takes the canary's slow
   * share from 1 % to 3 %).
   */
  public static Rule latencyTailIncrease(double quantile, double points) {
    return difference(Metric.LATENCY_QUANTILE, "", quantile, Direction.HIGHER_IS_WORSE, points);
  }

  /**
   * The live judge's mean score (0 to 1 on the rubric) below stable's, over the sampled answers of
   * both arms the judge scored; sized to catch a drop of {@code points} (0.05 on the 0 to 1 scale).
   * Needs a live judge on the router ({@code ModelRouterBuilder.liveJudging}): without scores the
   * rule is untested and the first step waits for its evidence.
   */
  public static Rule judgeScoreDrop(double points) {
    return difference(Metric.JUDGE_SCORE, "", 0, Direction.LOWER_IS_WORSE, points);
  }

  private static Rule difference(
      Metric metric, String event, double quantile, Direction direction, double points) {
    return new Rule(metric, event, quantile, direction, Comparison.DIFFERENCE, points, 0);
  }

  /** The same rule rolling back only on a regression shown above {@code tolerated}. */
  public Rule tolerating(double tolerated) {
    return new Rule(
        metric, feedbackEvent, quantile, direction, comparison, regressionToDetect, tolerated);
  }

  /** The declarations {@link #parse} reads, as a user would write them. */
  public static final List<String> DECLARATIONS =
      List.of(
          "successRateDrop(points)",
          "errorRateIncrease(points)",
          "refusalRateIncrease(points)",
          "feedbackRateIncrease(event, points)",
          "latencyTailIncrease(quantile, points)",
          "judgeScoreDrop(points)",
          "each optionally followed by .tolerating(points)");

  private static final Pattern DECLARATION =
      Pattern.compile(
          "\\s*([A-Za-z]+)\\s*\\(([^()]*)\\)\\s*(?:\\.\\s*tolerating\\s*\\(([^()]*)\\)\\s*)?");

  /**
   * Reads a rule written as its factory call, such as {@code judgeScoreDrop(0.05)}, {@code
   * latencyTailIncrease(0.99, 0.02)} or {@code refusalRateIncrease(0.04).tolerating(0.02)}: what a
   * start request and the CLI declare.
   *
   * @throws IllegalArgumentException naming the text and the declarations expected
   */
  public static Rule parse(String text) {
    Matcher m = DECLARATION.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw notADeclaration(text);
    }
    String[] args = m.group(2).isBlank() ? new String[0] : m.group(2).split(",", -1);
    Rule rule =
        switch (m.group(1) + "/" + args.length) {
          case "successRateDrop/1" -> successRateDrop(number(text, args[0]));
          case "errorRateIncrease/1" -> errorRateIncrease(number(text, args[0]));
          case "refusalRateIncrease/1" -> refusalRateIncrease(number(text, args[0]));
          case "feedbackRateIncrease/2" ->
              feedbackRateIncrease(args[0].strip(), number(text, args[1]));
          case "latencyTailIncrease/2" ->
              latencyTailIncrease(number(text, args[0]), number(text, args[1]));
          case "judgeScoreDrop/1" -> judgeScoreDrop(number(text, args[0]));
          default -> throw notADeclaration(text);
        };
    return m.group(3) == null ? rule : rule.tolerating(number(text, m.group(3)));
  }

  private static double number(String text, String value) {
    try {
      return Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "rule '" + text + "': '" + value.strip() + "' is not a number");
    }
  }

  private static IllegalArgumentException notADeclaration(String text) {
    return new IllegalArgumentException(
        "rule '" + text + "': expected one of " + String.join(", ", DECLARATIONS));
  }

  /** A short name for audit records and test keys, such as {@code FEEDBACK_RATE(thumbs_down)}. */
  public String name() {
    return switch (metric) {
      case FEEDBACK_RATE -> metric + "(" + feedbackEvent + ")";
      case LATENCY_QUANTILE -> metric + "(p" + Math.round(quantile * 100) + ")";
      default -> metric + "(" + comparison + ")";
    };
  }
}
