package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.analysis.OneSidedMixture;
import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * What sticky users allow any test to know, in closed form, for the published table's "why". With
 * {@code U} users of lognormal activity (log-scale sigma), a request-weighted rate weighs them as
 * {@code sum w^2 / (sum w)^2 = e^(sigma^2) / U}, so an arm's rate over {@code n} requests has the
 * variance {@code p q / n + ICC p q e^(sigma^2) / U}: the part independent requests would give plus
 * a between-user floor that no number of requests from the same users lowers. Information is the
 * reciprocal of the variance of the difference of the arms.
 *
 * @param users the population's targeting keys
 * @param icc the within-user correlation of outcomes
 * @param activitySigma the log-scale spread of the users' activity
 */
record InformationArithmetic(int users, double icc, double activitySigma) {
  private static final NormalDistribution NORMAL = new NormalDistribution();

  /** The scenarios' population: 2,000 keys, ICC 0.10, activity sigma 1. */
  static InformationArithmetic production() {
    return new InformationArithmetic(
        TrafficModel.USERS, TrafficModel.ICC, TrafficModel.ACTIVITY_SIGMA);
  }

  /** The between-user variance floor of an arm at rate {@code p} served by {@code armUsers}. */
  double floor(double p, double armUsers) {
    return icc * p * (1 - p) * Math.exp(activitySigma * activitySigma) / armUsers;
  }

  /** Both arms' floors, the canary at {@code share} (0-1) and rate {@code canaryP}. */
  double floors(double stableP, double canaryP, double share) {
    return floor(canaryP, users * share) + floor(stableP, users * (1 - share));
  }

  /** The information no wait at {@code share} passes. */
  double ceiling(double stableP, double canaryP, double share) {
    return 1 / floors(stableP, canaryP, share);
  }

  /** The information after {@code requests} requests, all at {@code share}. */
  double informationAfter(double stableP, double canaryP, double share, double requests) {
    double independent =
        canaryP * (1 - canaryP) / (share * requests)
            + stableP * (1 - stableP) / ((1 - share) * requests);
    return 1 / (independent + floors(stableP, canaryP, share));
  }

  /**
   * The fixed-horizon canary n corrected for the design effect: the n whose variance, floors
   * included, equals what {@code independentN} canary requests give independent requests; infinite
   * when the floors alone exceed it (no number of requests from these users gets there).
   */
  double designEffectCanaryN(double stableP, double canaryP, double share, double independentN) {
    double perCanaryRequest =
        canaryP * (1 - canaryP) + stableP * (1 - stableP) * share / (1 - share);
    double inflation = 1 - independentN * floors(stableP, canaryP, share) / perCanaryRequest;
    return inflation > 0 ? Math.ceil(independentN / inflation) : Double.POSITIVE_INFINITY;
  }

  /**
   * The information at which the guard's test, tuned for {@code tunedPower}, catches a regression
   * of {@code detect} at alpha with probability {@code power} at that look: its power gate when the
   * two powers are equal.
   */
  static double gate(double detect, double alpha, double tunedPower, double power) {
    return mixture(detect, alpha, tunedPower).requiredInformation(detect, alpha, power);
  }

  /**
   * The probability that the guard's always-valid test has caught a true regression of {@code
   * detect} by the time it holds {@code information} (at that look; earlier looks add a little).
   */
  static double power(double information, double detect, double alpha, double power) {
    double boundary = mixture(detect, alpha, power).boundary(information, alpha);
    double root = Math.sqrt(information);
    return NORMAL.cumulativeProbability(detect * root - boundary / root);
  }

  private static OneSidedMixture mixture(double detect, double alpha, double power) {
    return OneSidedMixture.tunedAt(
        OneSidedMixture.fixedHorizonInformation(detect, alpha, power), alpha);
  }
}
