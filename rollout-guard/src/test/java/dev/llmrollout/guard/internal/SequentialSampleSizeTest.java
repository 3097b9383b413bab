package dev.llmrollout.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmrollout.guard.analysis.OneSidedMixture;
import dev.llmrollout.guard.analysis.SampleSizeCalculator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sample-size calculator's sequential figure agrees with the test the guard runs: it is where
 * the guard's own mixture p-value first falls below alpha on the expected path, and it matches the
 * mean canary samples to rejection when the guard's test watches simulated requests.
 */
@DisplayName("issue 14.8: sequential sample size agrees with the guard's test")
class SequentialSampleSizeTest {

  @Test
  @DisplayName("on the expected path, the guard's p-value crosses alpha exactly at the figure")
  void crossingIsWhereTheGuardsTestRejects() {
    double k = 0.05 / 0.95;
    for (double alpha : new double[] {0.05, 0.01, 0.005}) {
      long n = SampleSizeCalculator.sequentialCanarySamples(0.85, 0.80, 0.05, alpha, 0.05);
      double perSample = 0.80 * 0.20 + 0.85 * 0.15 * k;
      OneSidedMixture guardsTest = mixture(alpha);
      assertThat(guardsTest.logE(0.05 * n / perSample, n / perSample))
          .isGreaterThanOrEqualTo(Math.log(1 / alpha));
      assertThat(guardsTest.logE(0.05 * (n - 1) / perSample, (n - 1) / perSample))
          .isLessThan(Math.log(1 / alpha));
    }
  }

  @Test
  @DisplayName("300 seeded runs of the guard's test at 0.85 vs 0.80: mean within 10% of the figure")
  void meanSamplesToRejectionMatches() {
    for (double alpha : new double[] {0.05, 0.005}) {
      long expected = SampleSizeCalculator.sequentialCanarySamples(0.85, 0.80, 0.05, alpha, 0.05);
      SplittableRandom random = new SplittableRandom(42);
      double total = 0;
      int runs = 300;
      for (int r = 0; r < runs; r++) {
        total += canarySamplesToRejection(random, alpha);
      }
      assertThat(total / runs).isCloseTo(expected, within(0.10 * expected));
    }
  }

  /**
   * Requests go to a 5% canary (0.80) or stable (0.85); after every 20 requests the guard's
   * one-sided mixture runs on a rule sized for 5 points (100 samples per arm first; independent
   * requests, so the variance of independent requests).
   */
  private static long canarySamplesToRejection(SplittableRandom random, double alpha) {
    OneSidedMixture guardsTest = mixture(alpha);
    long ns = 0;
    long nc = 0;
    long ss = 0;
    long sc = 0;
    while (true) {
      for (int i = 0; i < 20; i++) {
        if (random.nextDouble() < 0.05) {
          nc++;
          sc += random.nextDouble() < 0.80 ? 1 : 0;
        } else {
          ns++;
          ss += random.nextDouble() < 0.85 ? 1 : 0;
        }
      }
      if (ns < 100 || nc < 100) {
        continue;
      }
      double ps = (ss + 0.5) / (ns + 1.0);
      double pc = (sc + 0.5) / (nc + 1.0);
      double information = 1 / (ps * (1 - ps) / ns + pc * (1 - pc) / nc);
      double effect = (double) ss / ns - (double) sc / nc;
      if (guardsTest.logE(effect * information, information) >= Math.log(1 / alpha)) {
        return nc;
      }
    }
  }

  /** The guard's test of a rule sized to detect 5 points at {@code alpha}. */
  private static OneSidedMixture mixture(double alpha) {
    return OneSidedMixture.tunedAt(
        OneSidedMixture.fixedHorizonInformation(0.05, alpha, SampleSizeCalculator.GUARD_POWER),
        alpha);
  }
}
