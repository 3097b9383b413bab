package dev.llmrollout.guard.internal;

import org.hipparchus.special.Gamma;

/**
 * An always-valid test that arm counts follow the configured split: the Dirichlet-multinomial Bayes
 * factor of Lindon and Malek ("Anytime-valid inference for multinomial count data", 2022).
 *
 * <p>A plain chi-square test checked after every few requests would halt healthy rollouts by
 * chance; the reciprocal of this Bayes factor is a p-value that may be checked continuously.
 */
public final class SequentialSampleRatioTest {
  /**
   * Prior concentration: how many pseudo-observations the Dirichlet prior spreads over the arms.
   */
  private static final double PRIOR_CONCENTRATION = 100;

  private SequentialSampleRatioTest() {}

  /**
   * The always-valid p-value of {@code counts} under the split {@code expectedShares} (summing to
   * 1, every share positive).
   */
  public static double pValue(long[] counts, double[] expectedShares) {
    double priorTotal = 0;
    long total = 0;
    double logBayesFactor = 0;
    for (int i = 0; i < counts.length; i++) {
      double prior = PRIOR_CONCENTRATION * expectedShares[i];
      priorTotal += prior;
      total += counts[i];
      logBayesFactor +=
          Gamma.logGamma(prior + counts[i])
              - Gamma.logGamma(prior)
              - counts[i] * Math.log(expectedShares[i]);
    }
    logBayesFactor += Gamma.logGamma(priorTotal) - Gamma.logGamma(priorTotal + total);
    return Math.min(1.0, Math.exp(-logBayesFactor));
  }
}
