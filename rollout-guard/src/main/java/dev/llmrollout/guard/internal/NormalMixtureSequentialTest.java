package dev.llmrollout.guard.internal;

/**
 * The mixture sequential probability ratio test (mSPRT) with a normal mixing distribution, for an
 * asymptotically normal estimate whose variance shrinks as data arrives (Johari, Pekelis and Walsh,
 * "Always valid inference", 2017; Howard et al., asymptotic confidence sequences).
 *
 * <p>For an estimate {@code e} with variance {@code v} and a mixing scale {@code tau}, the mixture
 * likelihood ratio against the null value {@code h} is {@code sqrt(v/(v+tau^2)) exp(tau^2 (e-h)^2 /
 * (2 v (v+tau^2)))}. Its reciprocal is a p-value that stays valid however often it is looked at;
 * inverting it at level alpha gives a confidence sequence. This is why the guard may check every
 * few seconds without inflating false rollbacks.
 */
public final class NormalMixtureSequentialTest {

  private NormalMixtureSequentialTest() {}

  /** The always-valid p-value of {@code estimate} against {@code nullValue} at this look. */
  public static double pValue(double estimate, double nullValue, double variance, double tau) {
    if (!(variance > 0)) {
      return 1.0;
    }
    double tau2 = tau * tau;
    double logRatio =
        0.5 * Math.log(variance / (variance + tau2))
            + tau2
                * (estimate - nullValue)
                * (estimate - nullValue)
                / (2 * variance * (variance + tau2));
    return Math.min(1.0, Math.exp(-logRatio));
  }

  /**
   * The half-width of the confidence sequence at level {@code alpha}: the set of null values whose
   * p-value is at least alpha is {@code estimate +- halfWidth}.
   */
  public static double halfWidth(double variance, double tau, double alpha) {
    if (!(variance > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double tau2 = tau * tau;
    double bound =
        (variance * (variance + tau2) / tau2)
            * (2 * Math.log(1 / alpha) + Math.log((variance + tau2) / variance));
    return Math.sqrt(bound);
  }
}
