package dev.llmrollout.guard.analysis;

import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.special.Erf;

/**
 * The one-sided normal-mixture e-process in intrinsic time (Robbins; Howard et al. 2021,
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences"; the {@code confseq} library's
 * one-sided boundary). With an estimate of the harm whose variance is {@code 1/I} (the information
 * {@code I}) and the score {@code S = (estimate - nullValue) * I}, mixing the likelihood ratio over
 * harms {@code theta > nullValue} with a half-normal of precision {@code rho} gives
 *
 * <pre>
 *   log E = 1/2 log(4 rho / (I + rho)) + S^2 / (2 (I + rho)) + log Phi(S / sqrt(I + rho))
 * </pre>
 *
 * an e-process under "harm at most nullValue": by Ville's inequality it exceeds {@code 1/alpha}
 * with probability at most alpha over all looks. Mixing only over harms (one-sided) spends the
 * whole alpha on the direction that triggers a rollback, unlike a two-sided mixture used
 * one-sidedly, which holds the false-rollback rate at about half its level.
 */
public final class OneSidedMixture {
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(0, 1);
  private static final double RELATIVE_ACCURACY = 1e-9;
  private static final double ABSOLUTE_ACCURACY = 1e-7;
  private static final int MAX_EVALUATIONS = 200;
  private static final int NEWTON_ITERATIONS = 30;

  private final double rho;

  private OneSidedMixture(double rho) {
    this.rho = rho;
  }

  /**
   * The mixture tuned to decide at information {@code tunedInformation} at level {@code alpha}:
   * {@code rho = I / (2 log(1/(2 alpha)) + log(1 + 2 log(1/(2 alpha))))}, the precision that
   * minimises the boundary's width there (the {@code best_rho} of {@code confseq}, with 2 alpha for
   * a one-sided boundary).
   */
  public static OneSidedMixture tunedAt(double tunedInformation, double alpha) {
    double l = 2 * Math.log(1 / (2 * alpha));
    return new OneSidedMixture(tunedInformation / (l + Math.log(1 + l)));
  }

  /**
   * The information a fixed-horizon one-sided z-test at level {@code alpha} needs to detect {@code
   * effect} with probability {@code power}: {@code ((z_(1-alpha) + z_power) / effect)^2}.
   */
  public static double fixedHorizonInformation(double effect, double alpha, double power) {
    double z =
        STANDARD_NORMAL.inverseCumulativeProbability(1 - alpha)
            + STANDARD_NORMAL.inverseCumulativeProbability(power);
    return z * z / (effect * effect);
  }

  /** The mixing precision. */
  public double rho() {
    return rho;
  }

  /** The log e-value of score {@code score} at information {@code information}. */
  public double logE(double score, double information) {
    double spread = information + rho;
    return 0.5 * Math.log(4 * rho / spread)
        + score * score / (2 * spread)
        + logPhi(score / Math.sqrt(spread));
  }

  /** The score at which the e-value reaches {@code 1/alpha}, at information {@code information}. */
  public double boundary(double information, double alpha) {
    double target = Math.log(1 / alpha);
    double newton = newtonBoundary(information, target);
    if (!Double.isNaN(newton)) {
      return newton;
    }
    double high = Math.sqrt(information + rho) * 10 + 10;
    return solver().solve(MAX_EVALUATIONS, s -> logE(s, information) - target, 0, high);
  }

  /**
   * Newton's method on {@code log E(s) = target}, started where {@code log Phi} is negligible (the
   * two-sided boundary); log E is increasing and convex in s, so from the right it converges
   * monotonically. NaN when it does not settle (then the bracketing solve decides). The guard
   * computes two boundaries per test per check, so this is its hottest solve.
   */
  private double newtonBoundary(double information, double target) {
    double spread = information + rho;
    double root = Math.sqrt(spread);
    double s = root * Math.sqrt(2 * Math.max(target - 0.5 * Math.log(4 * rho / spread), 0) + 1);
    for (int i = 0; i < NEWTON_ITERATIONS; i++) {
      double x = s / root;
      double slope = s / spread + Math.exp(logStandardNormalDensity(x) - logPhi(x)) / root;
      double step = (logE(s, information) - target) / slope;
      s -= step;
      if (Math.abs(step) <= ABSOLUTE_ACCURACY + RELATIVE_ACCURACY * Math.abs(s)) {
        return s > 0 ? s : Double.NaN;
      }
    }
    return Double.NaN;
  }

  private static double logStandardNormalDensity(double x) {
    return -0.5 * x * x - 0.5 * Math.log(2 * Math.PI);
  }

  /**
   * The information at which a harm of {@code effect} crosses the level-alpha boundary with
   * probability {@code power} at that look (earlier looks only add to it): the smallest {@code I}
   * with {@code effect sqrt(I) - boundary(I) / sqrt(I) >= z_power}.
   */
  public double requiredInformation(double effect, double alpha, double power) {
    double zPower = STANDARD_NORMAL.inverseCumulativeProbability(power);
    double fixed = fixedHorizonInformation(effect, alpha, power);
    return solver()
        .solve(
            MAX_EVALUATIONS,
            i -> effect * Math.sqrt(i) - boundary(i, alpha) / Math.sqrt(i) - zPower,
            fixed / 2,
            fixed * 50);
  }

  /** A solver per solve: Hipparchus' solvers keep state, and the power solve nests boundaries. */
  private static BrentSolver solver() {
    return new BrentSolver(RELATIVE_ACCURACY, ABSOLUTE_ACCURACY);
  }

  private static double logPhi(double x) {
    // erfc keeps precision far into the lower tail, where 1 - Phi(-x) would round to 0.
    return Math.log(0.5 * Erf.erfc(-x / Math.sqrt(2)));
  }
}
