package dev.llmrollout.guard;

import dev.llmrollout.guard.Metric.Comparison;
import dev.llmrollout.guard.Metric.Direction;
import java.util.Objects;

/**
 * One pre-declared regression rule: which metric, which way is worse, and how much worse matters.
 *
 * <p>{@code threshold} is the regression the rule exists to catch: it tunes the sequential test
 * (the mixture scale) and the sample-size planning. {@code deadBand} is the regression that is
 * tolerated: the rule breaks when the always-valid confidence sequence shows the canary worse than
 * the dead band. For an {@link Comparison#ABSOLUTE} rule the threshold is the limit itself and the
 * dead band is not used.
 *
 * <pre>{@code
 * Rule.successRateAtLeast(0.95);                  // canary below 95% absolute
 * Rule.successRateDropAtMost(0.05);               // more than 5 pp below stable
 * Rule.feedbackRateIncreaseAtMost("thumbs_down", 0.20);
 * Rule.latencyRatioAtMost(0.99, 1.2);             // p99 more than 1.2x stable
 * }</pre>
 *
 * @param metric what is measured
 * @param feedbackEvent the feedback event name for {@link Metric#FEEDBACK_RATE}, else empty
 * @param quantile the latency quantile for {@link Metric#LATENCY_QUANTILE}, else 0
 * @param direction which way is worse
 * @param comparison how the threshold is expressed
 * @param threshold the limit (absolute), the rate difference, or the relative change (0.2 = 20%)
 * @param deadBand the tolerated regression in the comparison's units (0 for none)
 */
public record Rule(
    Metric metric,
    String feedbackEvent,
    double quantile,
    Direction direction,
    Comparison comparison,
    double threshold,
    double deadBand) {

  /** The latency dead band used unless told otherwise: a p99 10% above stable is tolerated. */
  public static final double DEFAULT_LATENCY_DEAD_BAND = 0.10;

  public Rule {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(feedbackEvent, "feedbackEvent");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(comparison, "comparison");
    if (metric == Metric.FEEDBACK_RATE && feedbackEvent.isBlank()) {
      throw new IllegalArgumentException(
          "rule " + metric + ": feedbackEvent is blank, expected an event name like thumbs_down");
    }
    if (metric == Metric.LATENCY_QUANTILE) {
      if (!(quantile > 0.5 && quantile < 1)) {
        throw new IllegalArgumentException(
            "rule " + metric + ": quantile is " + quantile + ", expected between 0.5 and 1");
      }
      if (comparison != Comparison.RELATIVE) {
        throw new IllegalArgumentException(
            "rule " + metric + ": comparison is " + comparison + ", expected RELATIVE (a ratio)");
      }
    }
    if (!(threshold > 0) || (comparison != Comparison.RELATIVE && threshold > 1)) {
      throw new IllegalArgumentException(
          "rule "
              + metric
              + ": threshold is "
              + threshold
              + ", expected a positive "
              + (comparison == Comparison.RELATIVE ? "relative change" : "rate up to 1"));
    }
    if (!(deadBand >= 0) || (comparison != Comparison.ABSOLUTE && deadBand >= threshold)) {
      throw new IllegalArgumentException(
          "rule "
              + metric
              + ": deadBand is "
              + deadBand
              + ", expected at least 0 and below the threshold "
              + threshold);
    }
  }

  /** Breaks when the canary's success rate is shown below {@code limit} (such as 0.95). */
  public static Rule successRateAtLeast(double limit) {
    return new Rule(
        Metric.SUCCESS_RATE, "", 0, Direction.LOWER_IS_WORSE, Comparison.ABSOLUTE, limit, 0);
  }

  /** Breaks when the canary's success rate is shown below stable's; sized to catch {@code drop}. */
  public static Rule successRateDropAtMost(double drop) {
    return new Rule(
        Metric.SUCCESS_RATE, "", 0, Direction.LOWER_IS_WORSE, Comparison.DIFFERENCE, drop, 0);
  }

  /** Breaks when the canary's error rate is shown above stable's; sized for {@code relative}. */
  public static Rule errorRateIncreaseAtMost(double relative) {
    return new Rule(
        Metric.ERROR_RATE, "", 0, Direction.HIGHER_IS_WORSE, Comparison.RELATIVE, relative, 0);
  }

  /** Breaks when the canary's refusal rate is shown above stable's; sized for {@code relative}. */
  public static Rule refusalRateIncreaseAtMost(double relative) {
    return new Rule(
        Metric.REFUSAL_RATE, "", 0, Direction.HIGHER_IS_WORSE, Comparison.RELATIVE, relative, 0);
  }

  /** Breaks when the canary's rate of feedback {@code event} is shown above stable's. */
  public static Rule feedbackRateIncreaseAtMost(String event, double relative) {
    return new Rule(
        Metric.FEEDBACK_RATE,
        event,
        0,
        Direction.HIGHER_IS_WORSE,
        Comparison.RELATIVE,
        relative,
        0);
  }

  /**
   * Breaks when the canary's latency quantile is shown above stable's by more than the default dead
   * band; sized to catch a ratio of {@code maxRatio} (such as 1.2).
   */
  public static Rule latencyRatioAtMost(double quantile, double maxRatio) {
    return new Rule(
        Metric.LATENCY_QUANTILE,
        "",
        quantile,
        Direction.HIGHER_IS_WORSE,
        Comparison.RELATIVE,
        maxRatio - 1,
        Math.min(DEFAULT_LATENCY_DEAD_BAND, (maxRatio - 1) / 2));
  }

  /** The same rule with another tolerated regression. */
  public Rule withDeadBand(double tolerated) {
    return new Rule(metric, feedbackEvent, quantile, direction, comparison, threshold, tolerated);
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
