package dev.llmrollout.guard.analysis;

import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * Sample sizes and power for comparing two proportions, from the normal approximation: fixed
 * horizon two-sided (unpooled variance) or one-sided as the guard tests (pooled variance under the
 * null), and the expected canary samples to rollback under the guard's always-valid test. Quantiles
 * come from Hipparchus.
 *
 * <pre>{@code
 * long n = SampleSizeCalculator.perArm(0.85, 0.80, 0.05, 0.95);        // equal arms
 * long canary = SampleSizeCalculator.canarySamples(0.85, 0.80, 0.05, 0.05, 0.95);
 * long oneSided = SampleSizeCalculator.canarySamplesOneSided(0.85, 0.80, 0.05, 0.05, 0.8);
 * long sequential = SampleSizeCalculator.sequentialCanarySamples(0.85, 0.80, 0.05, 0.05, 0.05);
 * double quick = SampleSizeCalculator.ruleOfThumb(0.85, 0.05, 0.05, 0.80);
 * }</pre>
 */
public final class SampleSizeCalculator {
  /** The power the guard's tuning and power gate use by default ({@code GuardConfig.power}). */
  public static final double GUARD_POWER = 0.8;

  private static final NormalDistribution NORMAL = new NormalDistribution();

  private SampleSizeCalculator() {}

  /** Per-arm n for equal arms to detect {@code p1} vs {@code p2} two-sided at {@code alpha}. */
  public static long perArm(double p1, double p2, double alpha, double power) {
    validate(p1, p2, alpha, power);
    double z = z(alpha, power);
    double d = p2 - p1;
    return (long) Math.ceil(z * z * (p1 * (1 - p1) + p2 * (1 - p2)) / (d * d));
  }

  /**
   * The canary's n when the canary gets {@code canaryShare} of traffic (stable the rest), to detect
   * stable {@code p1} vs canary {@code p2} two-sided at {@code alpha} with {@code power}.
   */
  public static long canarySamples(
      double p1, double p2, double canaryShare, double alpha, double power) {
    validate(p1, p2, alpha, power);
    if (!(canaryShare > 0 && canaryShare < 1)) {
      throw new IllegalArgumentException(
          "canaryShare: expected between 0 and 1, got " + canaryShare);
    }
    double z = z(alpha, power);
    double d = p2 - p1;
    double ratio = canaryShare / (1 - canaryShare);
    return (long) Math.ceil(z * z * (p2 * (1 - p2) + p1 * (1 - p1) * ratio) / (d * d));
  }

  /**
   * The canary's n for the one-sided test the guard makes ("the canary is worse"), when the canary
   * gets {@code canaryShare} of traffic and stable the rest: {@code n = [z(1-alpha) sqrt(pbar qbar
   * (1+k)) + z(power) sqrt(p2 q2 + p1 q1 k)]^2 / d^2} with {@code k} the canary-to-stable ratio and
   * {@code pbar} the traffic-weighted rate under no difference (pooled variance under the null). At
   * a share of 0.5 this is the usual equal-arms formula: 0.85 vs 0.80 at alpha 0.005 and power 0.8
   * needs 1,348 per arm.
   */
  public static long canarySamplesOneSided(
      double p1, double p2, double canaryShare, double alpha, double power) {
    validate(p1, p2, alpha, power);
    if (!(canaryShare > 0 && canaryShare < 1)) {
      throw new IllegalArgumentException(
          "canaryShare: expected between 0 and 1, got " + canaryShare);
    }
    double k = canaryShare / (1 - canaryShare);
    double pooled = (1 - canaryShare) * p1 + canaryShare * p2;
    double d = p2 - p1;
    double root =
        NORMAL.inverseCumulativeProbability(1 - alpha) * Math.sqrt(pooled * (1 - pooled) * (1 + k))
            + NORMAL.inverseCumulativeProbability(power)
                * Math.sqrt(p2 * (1 - p2) + p1 * (1 - p1) * k);
    return (long) Math.ceil(root * root / (d * d));
  }

  /**
   * The canary samples after which the guard's always-valid test is expected to roll back a canary
   * whose rate is {@code p2} against stable's {@code p1}, with the canary at {@code canaryShare} of
   * traffic and a rule sized to detect {@code regressionToDetect}: the guard's one-sided mixture
   * ({@link OneSidedMixture}, tuned where a fixed-horizon test at {@code alpha} would reach power
   * {@value #GUARD_POWER}), rejecting when its e-value reaches {@code 1/alpha}.
   *
   * <p>Computed by the first-order formula, not by simulation: the smallest n at which the test,
   * fed the expected estimate {@code |p2 - p1|} with variance {@code (p2 q2 + p1 q1 k) / n},
   * rejects (the mean path crossing the always-valid boundary).
   */
  public static long sequentialCanarySamples(
      double p1, double p2, double canaryShare, double alpha, double regressionToDetect) {
    validate(p1, p2, alpha, 0.5);
    if (!(canaryShare > 0 && canaryShare < 1)) {
      throw new IllegalArgumentException(
          "canaryShare: expected between 0 and 1, got " + canaryShare);
    }
    check(regressionToDetect > 0, "regressionToDetect", "positive", regressionToDetect);
    double k = canaryShare / (1 - canaryShare);
    double perSample = p2 * (1 - p2) + p1 * (1 - p1) * k;
    double effect = Math.abs(p2 - p1);
    OneSidedMixture mixture =
        OneSidedMixture.tunedAt(
            OneSidedMixture.fixedHorizonInformation(regressionToDetect, alpha, GUARD_POWER), alpha);
    double bound = Math.log(1 / alpha);
    long high = 1;
    while (mixture.logE(effect * high / perSample, high / perSample) < bound) {
      high *= 2;
    }
    long low = high / 2;
    while (high - low > 1) {
      long mid = (low + high) >>> 1;
      if (mixture.logE(effect * mid / perSample, mid / perSample) < bound) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return high;
  }

  /**
   * The rule of thumb {@code n = 2 z^2 p(1-p) / d^2} per arm, with {@code z = z(1-alpha/2) +
   * z(power)}: at alpha 0.05 and power 0.8 that is Lehr's {@code 16 p(1-p)/d^2}.
   */
  public static double ruleOfThumb(double p, double d, double alpha, double power) {
    validate(p, p + d, alpha, power);
    return ruleOfThumb(p, d, z(alpha, power));
  }

  /** The rule of thumb {@code n = 2 z^2 p(1-p) / d^2} for a given combined {@code z}. */
  public static double ruleOfThumb(double p, double d, double z) {
    if (!(p > 0 && p < 1) || d == 0) {
      throw new IllegalArgumentException(
          "ruleOfThumb: expected 0 < p < 1 and d != 0, got p=" + p + ", d=" + d);
    }
    return 2 * z * z * p * (1 - p) / (d * d);
  }

  /** The power of a two-sided test at {@code alpha} with the given arm sizes. */
  public static double power(long nStable, long nCanary, double p1, double p2, double alpha) {
    validate(p1, p2, alpha, 0.5);
    double se = Math.sqrt(p1 * (1 - p1) / nStable + p2 * (1 - p2) / nCanary);
    double zAlpha = NORMAL.inverseCumulativeProbability(1 - alpha / 2);
    return NORMAL.cumulativeProbability(Math.abs(p2 - p1) / se - zAlpha);
  }

  private static double z(double alpha, double power) {
    return NORMAL.inverseCumulativeProbability(1 - alpha / 2)
        + NORMAL.inverseCumulativeProbability(power);
  }

  private static void validate(double p1, double p2, double alpha, double power) {
    check(p1 > 0 && p1 < 1, "p1", "between 0 and 1", p1);
    check(p2 > 0 && p2 < 1 && p2 != p1, "p2", "between 0 and 1 and unlike p1", p2);
    check(alpha > 0 && alpha < 1, "alpha", "between 0 and 1", alpha);
    check(power > 0 && power < 1, "power", "between 0 and 1", power);
  }

  private static void check(boolean ok, String field, String expected, double got) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": expected " + expected + ", got " + got);
    }
  }
}
