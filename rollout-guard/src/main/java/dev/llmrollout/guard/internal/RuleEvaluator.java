package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Metric;
import dev.llmrollout.guard.Metric.Direction;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.signals.ArmSignals;

/**
 * Turns one rule and two arms' signals into an always-valid test of "the canary is no worse than
 * the rule's dead band". Rates are tested as proportions (differences, log ratios, or against a
 * limit); a latency quantile is tested through the share of canary requests slower than stable's
 * quantile times the dead band, which under "no regression" is at most one minus the quantile.
 */
public final class RuleEvaluator {
  /** Latency tests need stable's quantile to rest on this many tail observations. */
  private static final double TAIL_OBSERVATIONS = 10;

  private final long minSamples;

  /** Tests nothing on fewer than {@code minSamples} per arm. */
  public RuleEvaluator(long minSamples) {
    this.minSamples = minSamples;
  }

  /** The statistics of {@code rule} for one segment, at confidence level {@code 1 - alpha}. */
  public RuleCheck evaluate(
      Rule rule, String segment, ArmSignals stable, ArmSignals canary, double alpha) {
    if (rule.metric() == Metric.LATENCY_QUANTILE) {
      return latency(rule, segment, stable, canary, alpha);
    }
    long ns = trials(rule, stable);
    long nc = trials(rule, canary);
    double ps = ns == 0 ? Double.NaN : (double) events(rule, stable) / ns;
    double pc = nc == 0 ? Double.NaN : (double) events(rule, canary) / nc;
    boolean lowerIsWorse = rule.direction() == Direction.LOWER_IS_WORSE;
    return switch (rule.comparison()) {
      case ABSOLUTE -> {
        if (nc < minSamples) {
          yield untested(rule, segment, rule.threshold(), pc, ns, nc);
        }
        double effect = lowerIsWorse ? rule.threshold() - pc : pc - rule.threshold();
        double variance = smoothed(events(rule, canary), nc) / nc;
        double tau = Math.min(rule.threshold(), 1 - rule.threshold());
        yield tested(rule, segment, rule.threshold(), pc, effect, 0, variance, tau, alpha, ns, nc);
      }
      case DIFFERENCE -> {
        if (ns < minSamples || nc < minSamples) {
          yield untested(rule, segment, ps, pc, ns, nc);
        }
        double effect = lowerIsWorse ? ps - pc : pc - ps;
        double variance =
            smoothed(events(rule, stable), ns) / ns + smoothed(events(rule, canary), nc) / nc;
        yield tested(
            rule,
            segment,
            ps,
            pc,
            effect,
            rule.deadBand(),
            variance,
            rule.threshold(),
            alpha,
            ns,
            nc);
      }
      case RELATIVE -> relative(rule, segment, stable, canary, alpha, ns, nc);
    };
  }

  private RuleCheck relative(
      Rule rule,
      String segment,
      ArmSignals stable,
      ArmSignals canary,
      double alpha,
      long ns,
      long nc) {
    if (ns < minSamples || nc < minSamples || events(rule, stable) + events(rule, canary) == 0) {
      // Without a single event on either side there is no ratio to estimate.
      return untested(rule, segment, rate(rule, stable, ns), rate(rule, canary, nc), ns, nc);
    }
    // Log ratio with half-event smoothing: defined even when an arm has seen no event yet.
    double ps = (events(rule, stable) + 0.5) / (ns + 1.0);
    double pc = (events(rule, canary) + 0.5) / (nc + 1.0);
    double logRatio = Math.log(pc / ps);
    double effect = rule.direction() == Direction.LOWER_IS_WORSE ? -logRatio : logRatio;
    double variance = (1 - pc) / (nc * pc) + (1 - ps) / (ns * ps);
    double tau = Math.log1p(rule.threshold());
    double nullValue = Math.log1p(rule.deadBand());
    double p = oneSidedP(effect, nullValue, variance, tau);
    double half = NormalMixtureSequentialTest.halfWidth(variance, tau, alpha);
    return new RuleCheck(
        rule.name(),
        segment,
        rate(rule, stable, ns),
        rate(rule, canary, nc),
        Math.expm1(effect),
        Math.expm1(effect - half),
        Math.expm1(effect + half),
        p,
        alpha,
        ns,
        nc,
        true,
        false,
        false);
  }

  private RuleCheck latency(
      Rule rule, String segment, ArmSignals stable, ArmSignals canary, double alpha) {
    long ns = stable.latencyCount();
    long nc = canary.latencyCount();
    double tail = 1 - rule.quantile();
    double stableQuantile = stable.latencyQuantileMillis(rule.quantile());
    double canaryQuantile = canary.latencyQuantileMillis(rule.quantile());
    if (ns < Math.max(minSamples, TAIL_OBSERVATIONS / tail)
        || nc < minSamples
        || !(stableQuantile > 0)) {
      return untested(rule, segment, stableQuantile, canaryQuantile, ns, nc);
    }
    double cutoff = stableQuantile * (1 + rule.deadBand());
    double slowShare = (double) canary.slowerThan(cutoff) / nc;
    double effect = slowShare - tail;
    double variance = tail * (1 - tail) / nc;
    return tested(
        rule, segment, stableQuantile, canaryQuantile, effect, 0, variance, tail, alpha, ns, nc);
  }

  private static RuleCheck tested(
      Rule rule,
      String segment,
      double stableValue,
      double canaryValue,
      double effect,
      double nullValue,
      double variance,
      double tau,
      double alpha,
      long ns,
      long nc) {
    double half = NormalMixtureSequentialTest.halfWidth(variance, tau, alpha);
    return new RuleCheck(
        rule.name(),
        segment,
        stableValue,
        canaryValue,
        effect,
        effect - half,
        effect + half,
        oneSidedP(effect, nullValue, variance, tau),
        alpha,
        ns,
        nc,
        true,
        false,
        false);
  }

  /**
   * Only evidence of harm counts: an effect on the good side of the dead band has p-value 1. The
   * two-sided mixture bound used one-sidedly keeps the level.
   */
  private static double oneSidedP(double effect, double nullValue, double variance, double tau) {
    return effect <= nullValue
        ? 1.0
        : NormalMixtureSequentialTest.pValue(effect, nullValue, variance, tau);
  }

  private static RuleCheck untested(
      Rule rule, String segment, double stableValue, double canaryValue, long ns, long nc) {
    return new RuleCheck(
        rule.name(),
        segment,
        stableValue,
        canaryValue,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        1.0,
        Double.NaN,
        ns,
        nc,
        false,
        false,
        false);
  }

  /** Bernoulli variance with half-event smoothing, so a rate of 0 or 1 still has some. */
  private static double smoothed(long events, long trials) {
    double p = (events + 0.5) / (trials + 1.0);
    return p * (1 - p);
  }

  private static double rate(Rule rule, ArmSignals arm, long trials) {
    return trials == 0 ? Double.NaN : (double) events(rule, arm) / trials;
  }

  private static long trials(Rule rule, ArmSignals arm) {
    return rule.metric() == Metric.FEEDBACK_RATE ? arm.feedbackRequests() : arm.requests();
  }

  private static long events(Rule rule, ArmSignals arm) {
    return switch (rule.metric()) {
      case SUCCESS_RATE -> arm.successes();
      case ERROR_RATE -> arm.errors();
      case REFUSAL_RATE -> arm.refusals();
      case FEEDBACK_RATE -> arm.feedback(rule.feedbackEvent());
      case LATENCY_QUANTILE -> throw new IllegalStateException("latency is not a rate");
    };
  }
}
