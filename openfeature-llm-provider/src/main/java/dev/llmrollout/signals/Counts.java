package dev.llmrollout.signals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongBinaryOperator;

/**
 * The counters of one arm (within one segment, or across all) per {@link UnitBuckets unit bucket}:
 * requests, successes, errors, refusals, feedback, latency per {@link LatencyBins bin}, first
 * exposures of units, and the live judge's scores of a sample of answers (their sum and sum of
 * squares, so a mean and its variance add up across processes, and the judge calls that gave no
 * score). Immutable; every array accessor returns a copy indexed by bucket.
 */
public final class Counts {
  /** No observation at all. */
  public static final Counts EMPTY = new Builder().build();

  private static final int K = UnitBuckets.COUNT;

  private final long[] requests;
  private final long[] successes;
  private final long[] errors;
  private final long[] refusals;
  private final long[] feedbackRequests;
  private final long[] firstExposures;
  private final long[] judged;
  private final long[] judgeScoreMillis;
  private final long[] judgeScoreSquaredMicros;
  private final long[] judgeFailures;
  private final Map<String, long[]> feedback;

  /**
   * Bucket-major latency bins; null when no latency was ever measured (most of a window's cost).
   */
  private final long[] latency;

  private Counts(Builder b) {
    requests = b.requests;
    successes = b.successes;
    errors = b.errors;
    refusals = b.refusals;
    feedbackRequests = b.feedbackRequests;
    firstExposures = b.firstExposures;
    judged = b.judged;
    judgeScoreMillis = b.judgeScoreMillis;
    judgeScoreSquaredMicros = b.judgeScoreSquaredMicros;
    judgeFailures = b.judgeFailures;
    feedback = b.feedback.isEmpty() ? Map.of() : Map.copyOf(b.feedback);
    latency = b.latency;
  }

  /** Routed requests per bucket. */
  public long[] requests() {
    return requests.clone();
  }

  /** Requests with a usable answer per bucket. */
  public long[] successes() {
    return successes.clone();
  }

  /** Failed requests per bucket. */
  public long[] errors() {
    return errors.clone();
  }

  /** Refused answers per bucket. */
  public long[] refusals() {
    return refusals.clone();
  }

  /** Feedback events of any name per bucket, the denominator of feedback rates. */
  public long[] feedbackRequests() {
    return feedbackRequests.clone();
  }

  /** Feedback events named {@code name} per bucket (zeros when none). */
  public long[] feedback(String name) {
    long[] counts = feedback.get(name);
    return counts == null ? new long[K] : counts.clone();
  }

  /** The feedback event names seen. */
  public Set<String> feedbackNames() {
    return feedback.keySet();
  }

  /**
   * Units (targeting keys) whose first request of this flag, as far as the recording process knows,
   * went to this arm, per bucket: the counts the sample ratio test runs on.
   */
  public long[] firstExposures() {
    return firstExposures.clone();
  }

  /** Answers the live judge scored per bucket. */
  public long[] judged() {
    return judged.clone();
  }

  /** The sum of the judge's scores (0 to 1) per bucket, in thousandths. */
  public long[] judgeScoreMillis() {
    return judgeScoreMillis.clone();
  }

  /** The sum of the squared judge scores per bucket, in millionths. */
  public long[] judgeScoreSquaredMicros() {
    return judgeScoreSquaredMicros.clone();
  }

  /** Judge calls that failed or answered unusably per bucket: never a score. */
  public long[] judgeFailures() {
    return judgeFailures.clone();
  }

  /** Requests with a latency measurement per bucket. */
  public long[] latencyCounts() {
    long[] counts = new long[K];
    if (latency == null) {
      return counts;
    }
    for (int k = 0; k < K; k++) {
      for (int bin = 0; bin < LatencyBins.COUNT; bin++) {
        counts[k] += latency[k * LatencyBins.COUNT + bin];
      }
    }
    return counts;
  }

  /** Measured requests per bucket in bins above {@code bin} (slower than its upper bound). */
  public long[] latencyAbove(int bin) {
    long[] counts = new long[K];
    if (latency == null) {
      return counts;
    }
    for (int k = 0; k < K; k++) {
      for (int b = bin + 1; b < LatencyBins.COUNT; b++) {
        counts[k] += latency[k * LatencyBins.COUNT + b];
      }
    }
    return counts;
  }

  /** The latency histogram summed over buckets, indexed by {@link LatencyBins bin}. */
  public long[] latencyHistogram() {
    long[] histogram = new long[LatencyBins.COUNT];
    if (latency == null) {
      return histogram;
    }
    for (int k = 0; k < K; k++) {
      for (int bin = 0; bin < LatencyBins.COUNT; bin++) {
        histogram[bin] += latency[k * LatencyBins.COUNT + bin];
      }
    }
    return histogram;
  }

  /** The count of one latency bin in one bucket (for exports). */
  public long latency(int bucket, int bin) {
    return latency == null ? 0 : latency[bucket * LatencyBins.COUNT + bin];
  }

  /** Total routed requests. */
  public long totalRequests() {
    return Arrays.stream(requests).sum();
  }

  /** These counters plus {@code other}'s: what two processes saw together. */
  public Counts plus(Counts other) {
    return combine(other, Long::sum);
  }

  /** These counters less an earlier snapshot's: what happened since {@code earlier}. */
  public Counts minus(Counts earlier) {
    return combine(earlier, (a, b) -> a - b);
  }

  private Counts combine(Counts other, LongBinaryOperator op) {
    Builder b = new Builder();
    apply(requests, other.requests, b.requests, op);
    apply(successes, other.successes, b.successes, op);
    apply(errors, other.errors, b.errors, op);
    apply(refusals, other.refusals, b.refusals, op);
    apply(feedbackRequests, other.feedbackRequests, b.feedbackRequests, op);
    apply(firstExposures, other.firstExposures, b.firstExposures, op);
    apply(judged, other.judged, b.judged, op);
    apply(judgeScoreMillis, other.judgeScoreMillis, b.judgeScoreMillis, op);
    apply(judgeScoreSquaredMicros, other.judgeScoreSquaredMicros, b.judgeScoreSquaredMicros, op);
    apply(judgeFailures, other.judgeFailures, b.judgeFailures, op);
    if (latency != null || other.latency != null) {
      apply(
          latency == null ? new long[K * LatencyBins.COUNT] : latency,
          other.latency == null ? new long[K * LatencyBins.COUNT] : other.latency,
          b.latencyBins(),
          op);
    }
    if (feedback.isEmpty() && other.feedback.isEmpty()) {
      return b.build();
    }
    Set<String> names = new java.util.HashSet<>(feedback.keySet());
    names.addAll(other.feedback.keySet());
    for (String name : names) {
      apply(feedbackOrZeros(name), other.feedbackOrZeros(name), b.feedback(name), op);
    }
    return b.build();
  }

  private long[] feedbackOrZeros(String name) {
    long[] counts = feedback.get(name);
    return counts == null ? new long[K] : counts;
  }

  private static void apply(long[] a, long[] b, long[] into, LongBinaryOperator op) {
    for (int i = 0; i < into.length; i++) {
      into[i] = op.applyAsLong(a[i], b[i]);
    }
  }

  /** Fills arrays bucket by bucket; for recorders, snapshots and tests. */
  public static final class Builder {
    private final long[] requests = new long[K];
    private final long[] successes = new long[K];
    private final long[] errors = new long[K];
    private final long[] refusals = new long[K];
    private final long[] feedbackRequests = new long[K];
    private final long[] firstExposures = new long[K];
    private final long[] judged = new long[K];
    private final long[] judgeScoreMillis = new long[K];
    private final long[] judgeScoreSquaredMicros = new long[K];
    private final long[] judgeFailures = new long[K];
    private final Map<String, long[]> feedback = new HashMap<>();
    private long[] latency;

    /** Adds one request of a unit in {@code bucket}. */
    public Builder request(int bucket, Observation observation) {
      requests[bucket]++;
      successes[bucket] += observation.success() ? 1 : 0;
      errors[bucket] += observation.error() ? 1 : 0;
      refusals[bucket] += observation.refusal() ? 1 : 0;
      if (!Double.isNaN(observation.latencyMillis())) {
        latencyBins()[bucket * LatencyBins.COUNT + LatencyBins.of(observation.latencyMillis())]++;
      }
      return this;
    }

    /** Adds {@code count} feedback events named {@code name} of units in {@code bucket}. */
    public Builder feedback(int bucket, String name, long count) {
      feedbackRequests[bucket] += count;
      feedback(name)[bucket] += count;
      return this;
    }

    /** Adds {@code count} units first exposed to this arm in {@code bucket}. */
    public Builder firstExposures(int bucket, long count) {
      firstExposures[bucket] += count;
      return this;
    }

    /**
     * Adds live judge counts (from a recorder or a metrics system) to one bucket: scored answers,
     * their score sum in thousandths and squared sum in millionths, and judge failures.
     */
    public Builder judgeScores(
        int bucket, long scored, long scoreMillis, long squaredMicros, long failures) {
      judged[bucket] += scored;
      judgeScoreMillis[bucket] += scoreMillis;
      judgeScoreSquaredMicros[bucket] += squaredMicros;
      judgeFailures[bucket] += failures;
      return this;
    }

    /** Adds {@code count} to one latency bin of one bucket. */
    public Builder latency(int bucket, int bin, long count) {
      latencyBins()[bucket * LatencyBins.COUNT + bin] += count;
      return this;
    }

    /** Adds counts read elsewhere (for example from a metrics system) to one bucket. */
    public Builder add(
        int bucket, long requestCount, long successCount, long errorCount, long refusalCount) {
      requests[bucket] += requestCount;
      successes[bucket] += successCount;
      errors[bucket] += errorCount;
      refusals[bucket] += refusalCount;
      return this;
    }

    private long[] latencyBins() {
      if (latency == null) {
        latency = new long[K * LatencyBins.COUNT];
      }
      return latency;
    }

    private long[] feedback(String name) {
      return feedback.computeIfAbsent(name, n -> new long[K]);
    }

    public Counts build() {
      return new Counts(this);
    }
  }
}
