package dev.llmrollout.guard.internal;

/**
 * One arm's ratio metric in one window: events over trials per unit bucket (successes over
 * requests, slow requests over measured requests, ...). The rate is a ratio of sums over buckets,
 * and its linearised residuals per bucket, {@code (events_k - rate * trials_k) / trials}, give the
 * delta-method variance between buckets (Deng, Knoblich and Lu 2018, with buckets of users in place
 * of users): valid when one unit sends many correlated requests, because a unit never spans two
 * buckets.
 *
 * @param events events per bucket
 * @param trials trials per bucket
 */
public record BucketedRatio(long[] events, long[] trials) {

  public BucketedRatio {
    if (events.length != trials.length) {
      throw new IllegalArgumentException(
          "events has " + events.length + " buckets, trials " + trials.length + ", expected same");
    }
  }

  /** Total trials. */
  public long totalTrials() {
    long sum = 0;
    for (long t : trials) {
      sum += t;
    }
    return sum;
  }

  /** Total events. */
  public long totalEvents() {
    long sum = 0;
    for (long e : events) {
      sum += e;
    }
    return sum;
  }

  /** Buckets with at least one trial. */
  public int occupiedBuckets() {
    int occupied = 0;
    for (long t : trials) {
      occupied += t > 0 ? 1 : 0;
    }
    return occupied;
  }

  /** Events over trials (NaN without trials). */
  public double rate() {
    long n = totalTrials();
    return n == 0 ? Double.NaN : (double) totalEvents() / n;
  }

  /** The rate with half an event of smoothing, defined and inside (0, 1) even at 0 events. */
  public double smoothedRate() {
    return (totalEvents() + 0.5) / (totalTrials() + 1.0);
  }

  /**
   * The linearised residual of each bucket, {@code (events_k - rate * trials_k) / trials}, scaled
   * by {@code scale}: their sum of squares times {@code K/(K-1)} is the variance of the rate.
   */
  public double[] residuals(double rate, double scale) {
    long n = totalTrials();
    double[] residuals = new double[trials.length];
    for (int k = 0; k < trials.length; k++) {
      residuals[k] = scale * (events[k] - rate * trials[k]) / n;
    }
    return residuals;
  }
}
