package dev.llmrollout.guard.simulation;

import org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory;
import org.hipparchus.analysis.integration.gauss.SymmetricGaussIntegrator;
import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * Within-user correlation of binary outcomes through a shared latent (a threshold model): a request
 * of user u fails when {@code sqrt(r) z_u + sqrt(1-r) e > c}, with {@code z_u} the user's standard
 * normal effect and {@code e} fresh per request. The marginal rate stays exactly {@code Phi(c)},
 * whatever the arm or segment, while requests of one user share {@code z_u}. The observed-scale
 * intra-class correlation is {@code Var(p_u) / (p (1-p))} with {@code p_u = Phi((c - sqrt(r) z_u) /
 * sqrt(1-r))}; {@link #latentFor} finds the {@code r} that gives a target ICC.
 */
final class LatentCorrelation {
  private static final NormalDistribution NORMAL = new NormalDistribution();

  /** Gauss-Hermite rule (weight exp(-x^2)); building one is costly, so it is built once. */
  private static final SymmetricGaussIntegrator HERMITE = new GaussIntegratorFactory().hermite(40);

  private LatentCorrelation() {}

  /** The latent correlation {@code r} whose observed-scale ICC at rate {@code p} is {@code icc}. */
  static double latentFor(double p, double icc) {
    if (icc == 0) {
      return 0;
    }
    double low = 0;
    double high = 1;
    for (int i = 0; i < 60; i++) {
      double mid = (low + high) / 2;
      if (observedIcc(p, mid) < icc) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return (low + high) / 2;
  }

  /** The observed-scale ICC of binary outcomes with rate {@code p} and latent correlation r. */
  static double observedIcc(double p, double r) {
    double c = NORMAL.inverseCumulativeProbability(p);
    double sr = Math.sqrt(r);
    double sq = Math.sqrt(1 - r);
    // E[p_u^2] with z ~ N(0,1): Gauss-Hermite nodes integrate against exp(-x^2), so z = sqrt(2) x.
    double second =
        HERMITE.integrate(
                x -> {
                  double pu = NORMAL.cumulativeProbability((c - sr * Math.sqrt(2) * x) / sq);
                  return pu * pu;
                })
            / Math.sqrt(Math.PI);
    return (second - p * p) / (p * (1 - p));
  }

  /** The probit threshold of rate {@code p}. */
  static double threshold(double p) {
    return NORMAL.inverseCumulativeProbability(p);
  }
}
