package dev.llmrollout.guard.internal;

/**
 * One arm's ratio metric in one window: events over trials per unit bucket (successes over
 * requests, slow requests over measured requests, ...). The rate is a ratio of sums over buckets,
 * and its linearised residuals per bucket, {@code (events_k - rate * trials_k) / trials}, give the
 * delta-method variance between buckets (Deng, Knoblich and Lu 2018, with buckets of users in place
 * of users): valid when one unit sends many correlated requests, because a unit never spans two
 * buckets.
 *
 * <p>A mean score works the same way: the events are sums of scores between 0 and 1, counted in
 * units of {@code eventValue}, and {@code squaresTotal}, the sum of the squared scores, gives the
 * variance of one trial.
 *
 * @param events events per bucket, or score sums in units of {@code eventValue}
 * @param trials trials per bucket
 * @param eventValue what one counted event is worth (1 for events, 0.001 for scores in thousandths)
 * @param squaresTotal the sum of the squared scores over all buckets; NaN for events (0 or 1 each,
 *     so their squares are the events themselves)
 */
public record BucketedRatio(long[] events, long[] trials, double eventValue, double squaresTotal) {

  public BucketedRatio {
    if (events.length != trials.length) {
      throw new IllegalArgumentException(
          "events has " + events.length + " buckets, trials " + trials.length + ", expected same");
    }
  }

  /** Events over trials. */
  public BucketedRatio(long[] events, long[] trials) {
    this(events, trials, 1, Double.NaN);
  }

  /**
   * A mean score: {@code sums} of scores between 0 and 1 in units of {@code unit} over {@code
   * counts} per bucket, with the sum of the squared scores.
   */
  public static BucketedRatio ofScores(
      long[] sums, long[] counts, double unit, double squaresTotal) {
    return new BucketedRatio(sums, counts, unit, squaresTotal);
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

  /** Total events, or the total score (in the score's own units). */
  public double eventTotal() {
    return totalEvents() * eventValue;
  }

  /** Events over trials (NaN without trials). */
  public double rate() {
    long n = totalTrials();
    return n == 0 ? Double.NaN : eventTotal() / n;
  }

  /** The rate with half an event of smoothing, defined and inside (0, 1) even at 0 events. */
  public double smoothedRate() {
    return (eventTotal() + 0.5) / (totalTrials() + 1.0);
  }

  /**
   * The variance of one trial's value with the same smoothing (half a trial at 0, half at 1):
   * {@code p(1-p)} of the smoothed rate for events, the smoothed second moment less the squared
   * smoothed mean for scores. Always above 0.
   */
  public double smoothedTrialVariance() {
    double squares = Double.isNaN(squaresTotal) ? eventTotal() : squaresTotal;
    double mean = smoothedRate();
    return (squares + 0.5) / (totalTrials() + 1.0) - mean * mean;
  }

  /**
   * The linearised residual of each bucket, {@code (events_k - rate * trials_k) / trials}, scaled
   * by {@code scale}: their sum of squares times {@code K/(K-1)} is the variance of the rate.
   */
  public double[] residuals(double rate, double scale) {
    long n = totalTrials();
    double[] residuals = new double[trials.length];
    for (int k = 0; k < trials.length; k++) {
      residuals[k] = scale * (events[k] * eventValue - rate * trials[k]) / n;
    }
    return residuals;
  }
}
