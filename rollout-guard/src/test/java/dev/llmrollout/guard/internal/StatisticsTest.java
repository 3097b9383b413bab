package dev.llmrollout.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmrollout.guard.Metric.Comparison;
import dev.llmrollout.guard.analysis.OneSidedMixture;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 14.1, 14.2, 14.7: bucket variance, stratified windows, one-sided mixture")
class StatisticsTest {
  private static final int K = 64;

  /** Sticky users: lognormal activity, a per-user success probability around {@code rate}. */
  private static BucketedRatio stickyArm(SplittableRandom random, int users, double rate) {
    long[] events = new long[K];
    long[] trials = new long[K];
    for (int u = 0; u < users; u++) {
      int bucket = random.nextInt(K);
      long requests = 1 + Math.round(Math.exp(1.5 + random.nextGaussian()));
      double p = Math.min(0.99, Math.max(0.01, rate + 0.15 * random.nextGaussian()));
      for (long r = 0; r < requests; r++) {
        trials[bucket]++;
        events[bucket] += random.nextDouble() < p ? 1 : 0;
      }
    }
    return new BucketedRatio(events, trials);
  }

  @Test
  @DisplayName(
      "the bucket variance equals the per-unit delta-method formula computed by brute force")
  void bucketVarianceAgainstBruteForce() {
    SplittableRandom random = new SplittableRandom(7);
    long[] events = new long[K];
    long[] trials = new long[K];
    for (int k = 0; k < K; k++) {
      trials[k] = 1 + random.nextInt(40);
      events[k] = random.nextInt((int) trials[k] + 1);
    }
    BucketedRatio arm = new BucketedRatio(events, trials);

    double n = 0;
    double s = 0;
    for (int k = 0; k < K; k++) {
      n += trials[k];
      s += events[k];
    }
    double rate = s / n;
    double bruteForce = 0;
    for (int k = 0; k < K; k++) {
      double residual = events[k] - rate * trials[k];
      bruteForce += residual * residual;
    }
    bruteForce = bruteForce / (n * n) * K / (K - 1);

    double estimated = StratifiedComparison.bucketVariance(arm.residuals(arm.rate(), 1));
    assertThat(estimated).isCloseTo(bruteForce, within(1e-15));
  }

  @Test
  @DisplayName(
      "under sticky users the bucket variance matches the spread of the estimate; i.i.d. does not")
  void bucketVarianceIsValidUnderStickyUsers() {
    SplittableRandom random = new SplittableRandom(11);
    int runs = 400;
    double[] rates = new double[runs];
    double meanEstimated = 0;
    double meanIndependent = 0;
    for (int i = 0; i < runs; i++) {
      BucketedRatio arm = stickyArm(random, 400, 0.85);
      rates[i] = arm.rate();
      meanEstimated += StratifiedComparison.bucketVariance(arm.residuals(arm.rate(), 1)) / runs;
      meanIndependent += arm.rate() * (1 - arm.rate()) / arm.totalTrials() / runs;
    }
    double mean = 0;
    for (double r : rates) {
      mean += r / runs;
    }
    double empirical = 0;
    for (double r : rates) {
      empirical += (r - mean) * (r - mean) / (runs - 1);
    }
    assertThat(meanEstimated / empirical).as("bucket / true variance").isBetween(0.85, 1.15);
    assertThat(meanIndependent / empirical)
        .as("the i.i.d. variance understates it")
        .isLessThan(0.6);
  }

  @Test
  @DisplayName(
      "steps are compared within their window: a baseline drift between steps is no effect")
  void driftBetweenStepsCancels() {
    SplittableRandom random = new SplittableRandom(3);
    // Step 1: 5 % canary, baseline 0.90; step 2: 50 % canary, baseline 0.70. A/A in each.
    StratifiedComparison.Window first =
        new StratifiedComparison.Window(
            stickyArm(random, 3_800, 0.90), stickyArm(random, 200, 0.90));
    StratifiedComparison.Window second =
        new StratifiedComparison.Window(
            stickyArm(random, 2_000, 0.70), stickyArm(random, 2_000, 0.70));
    StratifiedComparison comparison =
        new StratifiedComparison(Comparison.DIFFERENCE, false, 100, 16);

    StratifiedComparison.Estimate estimate = comparison.estimate(List.of(first, second));

    double pooledCanary = pooled(first.canary(), second.canary());
    double pooledStable = pooled(first.stable(), second.stable());
    assertThat(pooledStable - pooledCanary)
        .as("pooling each arm over the steps shows a false 'drop'")
        .isGreaterThan(0.05);
    assertThat(Math.abs(estimate.harm()))
        .as("the stratified estimate does not")
        .isLessThan(3 / Math.sqrt(estimate.information()));
  }

  @Test
  @DisplayName("the one-sided mixture: boundary at 1/alpha, power gate above the fixed horizon")
  void mixtureBoundaryAndPowerGate() {
    double alpha = 0.0025;
    double fixed = OneSidedMixture.fixedHorizonInformation(0.05, alpha, 0.8);
    OneSidedMixture mixture = OneSidedMixture.tunedAt(fixed, alpha);
    double boundary = mixture.boundary(fixed, alpha);

    assertThat(mixture.logE(boundary, fixed)).isCloseTo(Math.log(1 / alpha), within(1e-6));
    assertThat(boundary / Math.sqrt(fixed))
        .as("z at the tuned information, above the fixed-horizon 2.81")
        .isBetween(3.0, 4.0);
    double required = mixture.requiredInformation(0.05, alpha, 0.8);
    assertThat(required / fixed).isBetween(1.2, 2.2);
  }

  @Test
  @DisplayName("the boundary solves log E = log(1/alpha) from far below to far above the tuning")
  void mixtureBoundaryAcrossInformation() {
    for (double alpha : new double[] {0.2, 0.01, 0.0025, 1e-6}) {
      double fixed = OneSidedMixture.fixedHorizonInformation(0.05, alpha, 0.8);
      OneSidedMixture mixture = OneSidedMixture.tunedAt(fixed, alpha);
      for (double scale = 1e-4; scale <= 1e4; scale *= 10) {
        double information = scale * fixed;
        double boundary = mixture.boundary(information, alpha);
        assertThat(boundary).isPositive();
        assertThat(mixture.logE(boundary, information))
            .as("alpha %s at %s x the tuned information", alpha, scale)
            .isCloseTo(Math.log(1 / alpha), within(1e-6));
      }
    }
  }

  @Test
  @DisplayName("A/A, seeded: the e-process crosses 1/alpha at about, and not above, alpha")
  void mixtureTypeOneErrorNearAlpha() {
    double alpha = 0.05;
    double fixed = OneSidedMixture.fixedHorizonInformation(0.05, alpha, 0.8);
    OneSidedMixture mixture = OneSidedMixture.tunedAt(fixed, alpha);
    SplittableRandom random = new SplittableRandom(5);
    int runs = 2_000;
    int looks = 200;
    double step = 3 * fixed / looks;
    int crossed = 0;
    for (int run = 0; run < runs; run++) {
      double score = 0;
      for (int look = 1; look <= looks; look++) {
        score += Math.sqrt(step) * random.nextGaussian();
        if (mixture.logE(score, look * step) >= Math.log(1 / alpha)) {
          crossed++;
          break;
        }
      }
    }
    double rate = (double) crossed / runs;
    assertThat(rate).as("false rejections over 3x the tuned information").isBetween(0.015, 0.05);
  }

  private static double pooled(BucketedRatio a, BucketedRatio b) {
    return (double) (a.totalEvents() + b.totalEvents()) / (a.totalTrials() + b.totalTrials());
  }
}
