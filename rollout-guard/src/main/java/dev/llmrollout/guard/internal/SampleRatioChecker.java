package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.SampleRatioCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hipparchus.special.Beta;
import org.hipparchus.stat.inference.ChiSquareTest;

/**
 * Tests that units (targeting keys), not requests, split between the arms as the plan says: the
 * units first exposed during a step are, under a working split, independent draws with the step's
 * canary share, however many requests each unit then sends. Per step, the Beta-binomial Bayes
 * factor of Lindon and Malek ("Anytime-valid inference for multinomial count data", 2022; the form
 * GrowthBook runs) against that share; the factors of the steps multiply into one e-process (each
 * step's new units are fresh draws given everything before), whose reciprocal is an always-valid
 * p-value.
 */
public final class SampleRatioChecker {
  /** Prior concentration: pseudo-units the Beta prior spreads around the planned share. */
  static final double PRIOR_CONCENTRATION = 10_000;

  private final double alpha;
  private final ChiSquareTest chiSquare = new ChiSquareTest();

  /** Flags a mismatch when the always-valid p-value falls below {@code alpha}. */
  public SampleRatioChecker(double alpha) {
    this.alpha = alpha;
  }

  /**
   * The check over {@code windows} (oldest first) of {@code stable} and {@code canary}; empty when
   * no step with both arms serving saw a new unit.
   */
  public Optional<SampleRatioCheck> check(
      List<StepWindows.Window> windows, String stable, String canary) {
    double logBayesFactor = 0;
    long lastStable = 0;
    long lastCanary = 0;
    double lastShare = Double.NaN;
    for (StepWindows.Window w : windows) {
      double share = w.canaryPercent() / 100;
      long stableUnits = sum(w.stable().all().firstExposures());
      long canaryUnits = sum(w.canary().all().firstExposures());
      if (!(share > 0 && share < 1) || stableUnits + canaryUnits == 0) {
        continue;
      }
      logBayesFactor += logBayesFactor(canaryUnits, stableUnits, share);
      lastStable = stableUnits;
      lastCanary = canaryUnits;
      lastShare = share;
    }
    if (Double.isNaN(lastShare)) {
      return Optional.empty();
    }
    double total = lastStable + lastCanary;
    double[] expected = {total * (1 - lastShare), total * lastShare};
    long[] observed = {lastStable, lastCanary};
    Map<String, Long> units = new LinkedHashMap<>();
    units.put(stable, lastStable);
    units.put(canary, lastCanary);
    Map<String, Double> percent = new LinkedHashMap<>();
    percent.put(stable, 100 * (1 - lastShare));
    percent.put(canary, 100 * lastShare);
    double p = Math.min(1, Math.exp(-logBayesFactor));
    return Optional.of(
        new SampleRatioCheck(
            units,
            percent,
            chiSquare.chiSquare(expected, observed),
            chiSquare.chiSquareTest(expected, observed),
            p,
            p < alpha));
  }

  /**
   * {@code log B(c pi + n_T, c (1 - pi) + n_C) - log B(c pi, c (1 - pi)) - n_T log pi - n_C log(1 -
   * pi)}: the Beta-binomial marginal likelihood over the binomial one at the planned share.
   */
  static double logBayesFactor(long canaryUnits, long stableUnits, double share) {
    double a = PRIOR_CONCENTRATION * share;
    double b = PRIOR_CONCENTRATION * (1 - share);
    return Beta.logBeta(a + canaryUnits, b + stableUnits)
        - Beta.logBeta(a, b)
        - canaryUnits * Math.log(share)
        - stableUnits * Math.log(1 - share);
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }
}
