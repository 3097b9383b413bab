package dev.llmrollout.guard.internal;

import dev.llmrollout.signals.UnitBuckets;

/**
 * Projects the information one rule will hold at the first step's deadline. With Poisson requests
 * from sticky units of rates {@code lambda_i}, the variance of a ratio metric after {@code t}
 * seconds is {@code V_ind(t) (1 + c t)}: {@code V_ind} is what independent requests would give
 * ({@code p(1-p)/n} per arm, known from the counts) and the design effect {@code 1 + c t} grows
 * linearly, {@code c = ICC sum lambda_i^2 / Lambda} (a unit's requests share its effect, and the
 * heavy units keep sending). So the information has a ceiling, {@code 1/(V_ind t c)}, that no
 * amount of time at the same share passes; only more units (a wider share) raise it.
 *
 * <p>The projection takes the independent information's growth rate at the current share (from the
 * counts, exact up to Poisson noise) and the design effect's growth {@code c} from the observed
 * design effect {@code D} at {@code t} seconds into the step, {@code c = (D - 1 - 2 s) / t} with
 * {@code s} the relative standard error of a 64-bucket variance (0.18): independent requests, whose
 * {@code D} is 1 up to that noise, are projected to grow linearly. Not thread-safe.
 */
final class InformationProjection {
  /** The relative standard error of a between-bucket variance ({@code sqrt(2/(K-1))}). */
  static final double RELATIVE_ERROR = Math.sqrt(2.0 / (UnitBuckets.COUNT - 1));

  private final double stepStartSeconds;
  private final double shareStartSeconds;
  private final double independentAtShareStart;
  private double nowSeconds = Double.NaN;
  private double independent;
  private double designEffect;

  /**
   * A projection for a share that began at {@code shareStartSeconds} in a step that began at {@code
   * stepStartSeconds} (epoch seconds), when the rule's independent information was {@code
   * independentAtShareStart}.
   */
  InformationProjection(
      double stepStartSeconds, double shareStartSeconds, double independentAtShareStart) {
    this.stepStartSeconds = stepStartSeconds;
    this.shareStartSeconds = shareStartSeconds;
    this.independentAtShareStart = independentAtShareStart;
  }

  /** The rule held {@code information} with {@code designEffect} at {@code seconds}. */
  void observe(double seconds, double information, double designEffect) {
    if (!(information > 0 && Double.isFinite(information) && designEffect >= 1)) {
      return;
    }
    this.nowSeconds = seconds;
    this.designEffect = designEffect;
    this.independent = information * designEffect;
  }

  /** The independent information at the latest observation (0 before any). */
  double independentInformation() {
    return Double.isNaN(nowSeconds) ? independentAtShareStart : independent;
  }

  /**
   * The information projected at {@code deadlineSeconds}, with the design effect's growth at the
   * lower end of its noise (what the decision to widen takes, so that independent traffic is not
   * widened on noise); NaN before an observation.
   */
  double projected(double deadlineSeconds) {
    return projected(deadlineSeconds, 2 * RELATIVE_ERROR);
  }

  /**
   * The information projected at {@code deadlineSeconds} with the design effect's growth as
   * observed: the best estimate, which sizes a widening once {@link #projected} decided on one.
   */
  double projectedAsObserved(double deadlineSeconds) {
    return projected(deadlineSeconds, 0);
  }

  private double projected(double deadlineSeconds, double designEffectNoise) {
    double intoShare = nowSeconds - shareStartSeconds;
    if (!(intoShare > 0)) {
      return Double.NaN;
    }
    double rate = Math.max(0, independent - independentAtShareStart) / intoShare;
    double independentAtDeadline = independent + rate * (deadlineSeconds - nowSeconds);
    double growth =
        Math.max(0, designEffect - 1 - designEffectNoise) / (nowSeconds - stepStartSeconds);
    return independentAtDeadline / (1 + growth * (deadlineSeconds - stepStartSeconds));
  }
}
