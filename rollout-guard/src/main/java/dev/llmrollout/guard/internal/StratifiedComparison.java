package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Metric.Comparison;
import java.util.List;

/**
 * The harm of the canary against stable, compared within each step's window and combined over the
 * windows: {@code harm = sum_s w_s harm_s} with inverse-variance weights, never pooling an arm over
 * windows with different splits (that would confound the effect with any trend in time). Its
 * variance is taken between unit buckets jointly over all windows, {@code K/(K-1) sum_k (sum_s w_s
 * z_sk)^2}, so a user who sends requests in several steps is one correlated unit, not many
 * independent ones; it is never taken below the variance of independent requests.
 */
public final class StratifiedComparison {

  /** One step's window of both arms. */
  public record Window(BucketedRatio stable, BucketedRatio canary) {}

  /**
   * The combined estimate.
   *
   * @param harm the estimated regression (positive = canary worse), in the rule's units
   * @param information the reciprocal of its variance (0 when untestable)
   * @param stableRate stable's rate over the windows used
   * @param canaryRate the canary's rate over the windows used
   * @param stableTrials stable's trials in the windows used
   * @param canaryTrials the canary's trials in the windows used
   * @param designEffect the variance over the variance independent requests would give (1 for
   *     independent requests, more when units send many correlated requests; NaN when untested)
   */
  public record Estimate(
      double harm,
      double information,
      double stableRate,
      double canaryRate,
      long stableTrials,
      long canaryTrials,
      double designEffect) {

    /** True when the windows held enough to estimate a variance. */
    public boolean tested() {
      return information > 0 && Double.isFinite(information);
    }
  }

  private final Comparison comparison;
  private final boolean higherIsWorse;
  private final long minTrials;
  private final int minBuckets;

  /**
   * Compares by {@code comparison} (a difference or a log ratio); a window enters once each arm has
   * {@code minTrials} trials, and the estimate is tested once each arm spans {@code minBuckets}
   * occupied buckets.
   */
  public StratifiedComparison(
      Comparison comparison, boolean higherIsWorse, long minTrials, int minBuckets) {
    this.comparison = comparison;
    this.higherIsWorse = higherIsWorse;
    this.minTrials = minTrials;
    this.minBuckets = minBuckets;
  }

  /** Combines {@code windows}, oldest first. */
  public Estimate estimate(List<Window> windows) {
    int steps = windows.size();
    double[] harms = new double[steps];
    double[] precisions = new double[steps];
    double[] floors = new double[steps];
    double[][] residuals = new double[steps][];
    double precisionSum = 0;
    double stableEvents = 0;
    long stableTrials = 0;
    double canaryEvents = 0;
    long canaryTrials = 0;
    int stableBuckets = 0;
    int canaryBuckets = 0;
    for (int s = 0; s < steps; s++) {
      Window w = windows.get(s);
      if (w.stable().totalTrials() < minTrials || w.canary().totalTrials() < minTrials) {
        continue;
      }
      double[] stableResiduals = armResiduals(w.stable());
      double[] canaryResiduals = armResiduals(w.canary());
      residuals[s] = new double[stableResiduals.length];
      for (int k = 0; k < stableResiduals.length; k++) {
        residuals[s][k] = sign() * (canaryResiduals[k] - stableResiduals[k]);
      }
      harms[s] = sign() * (transform(w.canary()) - transform(w.stable()));
      floors[s] = independentVariance(w.stable()) + independentVariance(w.canary());
      precisions[s] = 1 / Math.max(bucketVariance(residuals[s]), floors[s]);
      precisionSum += precisions[s];
      stableEvents += w.stable().eventTotal();
      stableTrials += w.stable().totalTrials();
      canaryEvents += w.canary().eventTotal();
      canaryTrials += w.canary().totalTrials();
      stableBuckets = Math.max(stableBuckets, w.stable().occupiedBuckets());
      canaryBuckets = Math.max(canaryBuckets, w.canary().occupiedBuckets());
    }
    double stableRate = stableTrials == 0 ? Double.NaN : stableEvents / stableTrials;
    double canaryRate = canaryTrials == 0 ? Double.NaN : canaryEvents / canaryTrials;
    if (precisionSum == 0 || stableBuckets < minBuckets || canaryBuckets < minBuckets) {
      return new Estimate(
          Double.NaN, 0, stableRate, canaryRate, stableTrials, canaryTrials, Double.NaN);
    }
    double harm = 0;
    double floor = 0;
    double[] joint = null;
    for (int s = 0; s < steps; s++) {
      if (residuals[s] == null) {
        continue;
      }
      double weight = precisions[s] / precisionSum;
      harm += weight * harms[s];
      floor += weight * weight * floors[s];
      joint = joint == null ? new double[residuals[s].length] : joint;
      for (int k = 0; k < joint.length; k++) {
        joint[k] += weight * residuals[s][k];
      }
    }
    double variance = Math.max(bucketVariance(joint), floor);
    return new Estimate(
        harm, 1 / variance, stableRate, canaryRate, stableTrials, canaryTrials, variance / floor);
  }

  /** {@code K/(K-1) sum_k r_k^2}: the between-bucket (CR1) variance of a linearised estimate. */
  static double bucketVariance(double[] residuals) {
    double sum = 0;
    for (double r : residuals) {
      sum += r * r;
    }
    return sum * residuals.length / (residuals.length - 1);
  }

  private double sign() {
    return higherIsWorse ? 1 : -1;
  }

  private double transform(BucketedRatio arm) {
    return comparison == Comparison.RELATIVE ? Math.log(arm.smoothedRate()) : arm.rate();
  }

  private double[] armResiduals(BucketedRatio arm) {
    if (comparison == Comparison.RELATIVE) {
      // d log(rate) = d rate / rate
      return arm.residuals(arm.rate(), 1 / arm.smoothedRate());
    }
    return arm.residuals(arm.rate(), 1);
  }

  private double independentVariance(BucketedRatio arm) {
    double p = arm.smoothedRate();
    double n = arm.totalTrials();
    return comparison == Comparison.RELATIVE ? (1 - p) / (n * p) : arm.smoothedTrialVariance() / n;
  }
}
