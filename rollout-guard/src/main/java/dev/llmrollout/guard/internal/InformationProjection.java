package dev.llmrollout.guard.internal;

/**
 * Projects the information one rule will hold at a deadline from how it grew since its window
 * began. With Poisson requests from sticky units of rates {@code lambda_i}, the variance of a ratio
 * metric after {@code t} seconds is {@code A/t + B}: {@code A = sigma^2 / Lambda} shrinks with
 * traffic, {@code B = sigma_u^2 sum lambda_i^2 / Lambda^2} is the between-unit floor that no amount
 * of time at the same share removes (a unit's requests share its effect). Independent requests give
 * {@code B = 0}; few heavy sticky units give a {@code B} that caps the information near {@code 1/B}
 * however long the step waits. The gain since the window began, {@code 1/(A/t + B)}, is fitted by
 * least squares of its reciprocal on {@code 1/t}, weighted by the squared gain (relative errors),
 * from running sums so each check costs the same however long the step runs. Not thread-safe.
 */
final class InformationProjection {
  private final double startSeconds;
  private final double baseInformation;
  private double sumWeights;
  private double sumWx;
  private double sumWy;
  private double sumWxx;
  private double sumWxy;
  private int points;

  /**
   * A projection for a window that began at {@code startSeconds} (epoch seconds) holding {@code
   * baseInformation} from earlier windows.
   */
  InformationProjection(double startSeconds, double baseInformation) {
    this.startSeconds = startSeconds;
    this.baseInformation = Math.max(0, baseInformation);
  }

  /** Adds the information the rule held at {@code nowSeconds}. */
  void observe(double nowSeconds, double information) {
    double t = nowSeconds - startSeconds;
    double gain = information - baseInformation;
    if (!(t > 0 && gain > 0 && Double.isFinite(gain))) {
      return;
    }
    double x = 1 / t;
    double y = 1 / gain;
    double w = gain * gain;
    sumWeights += w;
    sumWx += w * x;
    sumWy += w * y;
    sumWxx += w * x * x;
    sumWxy += w * x * y;
    points++;
  }

  /**
   * The information projected at {@code deadlineSeconds}; NaN before two distinct observations. The
   * fitted floor is never taken below 0 nor the growth rate below what the data show.
   */
  double projected(double deadlineSeconds) {
    double determinant = sumWeights * sumWxx - sumWx * sumWx;
    if (points < 2 || !(determinant > 0)) {
      return Double.NaN;
    }
    double slope = (sumWeights * sumWxy - sumWx * sumWy) / determinant;
    double floor = (sumWy - slope * sumWx) / sumWeights;
    if (floor < 0 || slope <= 0) {
      // No visible floor (or no visible growth): the best the data support is linear growth.
      slope = sumWxy / sumWxx;
      floor = 0;
    }
    double horizon = deadlineSeconds - startSeconds;
    return baseInformation + 1 / (slope / horizon + floor);
  }

  /** How many checks the fit holds. */
  int observations() {
    return points;
  }
}
