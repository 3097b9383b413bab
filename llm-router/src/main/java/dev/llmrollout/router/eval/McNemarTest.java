package dev.llmrollout.router.eval;

import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;

/**
 * McNemar's test on paired pass/fail outcomes: the right test for two variants run on the same
 * cases, because only the discordant cases (one passes, the other fails) carry information. One
 * sided: is the candidate's pass rate lower than the baseline's? With fewer discordant cases than
 * the threshold, the exact binomial test; otherwise the chi-square statistic with continuity
 * correction.
 *
 * <pre>{@code
 * McNemarTest.Result r = McNemarTest.oneSided(7, 1, 25);
 * r.pValue(); // 0.035: 7 cases lost, 1 gained, exact binomial
 * }</pre>
 */
public final class McNemarTest {
  private McNemarTest() {}

  /**
   * The test's result.
   *
   * @param baselineOnly cases that pass on the baseline only (the candidate's losses)
   * @param candidateOnly cases that pass on the candidate only (its gains)
   * @param pValue the one-sided p-value for "the candidate passes less often"
   * @param method {@code exact-binomial}, {@code chi-square} or {@code none} (no discordant case)
   */
  public record Result(long baselineOnly, long candidateOnly, double pValue, String method) {}

  /**
   * Tests whether the candidate passes less often than the baseline.
   *
   * @param baselineOnly cases that pass on the baseline and fail on the candidate
   * @param candidateOnly cases that fail on the baseline and pass on the candidate
   * @param exactBelow use the exact test when there are fewer discordant cases than this
   */
  public static Result oneSided(long baselineOnly, long candidateOnly, int exactBelow) {
    if (baselineOnly < 0 || candidateOnly < 0) {
      throw new IllegalArgumentException("discordant counts: expected 0 or more");
    }
    long discordant = baselineOnly + candidateOnly;
    if (discordant == 0) {
      return new Result(0, 0, 1.0, "none");
    }
    if (discordant < exactBelow) {
      BinomialDistribution fair = new BinomialDistribution((int) discordant, 0.5);
      double p = baselineOnly == 0 ? 1.0 : 1 - fair.cumulativeProbability((int) baselineOnly - 1);
      return new Result(baselineOnly, candidateOnly, clamp(p), "exact-binomial");
    }
    double corrected = Math.max(0, Math.abs(baselineOnly - candidateOnly) - 1.0);
    double statistic = corrected * corrected / discordant;
    double twoSided = 1 - new ChiSquaredDistribution(1).cumulativeProbability(statistic);
    double p = baselineOnly > candidateOnly ? twoSided / 2 : 1 - twoSided / 2;
    return new Result(baselineOnly, candidateOnly, clamp(p), "chi-square");
  }

  private static double clamp(double p) {
    return Math.max(0, Math.min(1, p));
  }
}
