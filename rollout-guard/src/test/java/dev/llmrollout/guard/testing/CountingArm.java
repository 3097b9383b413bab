package dev.llmrollout.guard.testing;

import dev.llmrollout.signals.ArmSignals;
import java.util.HashMap;
import java.util.Map;

/**
 * One arm's counters. Latencies are kept exactly (sorted on demand): fine for tests, where arms see
 * thousands of requests, not millions.
 */
public final class CountingArm implements ArmSignals {
  private long requests;
  private long errors;
  private long refusals;
  private long successes;
  private long feedbackRequests;
  private final Map<String, Long> feedback = new HashMap<>();
  private static final double BUCKET_MILLIS = 5;
  private final long[] latencyBuckets = new long[4_000];
  private long latencyCount;

  /** One request recorded into the all-traffic arm and, optionally, a segment arm. */
  public record Request(CountingArm all, CountingArm segment) {
    public Request success() {
      each(CountingArm::addSuccess);
      return this;
    }

    public Request error() {
      each(CountingArm::addError);
      return this;
    }

    public Request refusal() {
      each(CountingArm::addRefusal);
      return this;
    }

    public Request latency(double millis) {
      each(arm -> arm.addLatency(millis));
      return this;
    }

    public Request feedback(String name) {
      each(arm -> arm.addFeedback(name));
      return this;
    }

    private void each(java.util.function.Consumer<CountingArm> action) {
      action.accept(all);
      if (segment != null) {
        action.accept(segment);
      }
    }
  }

  synchronized void addSuccess() {
    requests++;
    successes++;
  }

  synchronized void addError() {
    requests++;
    errors++;
  }

  synchronized void addRefusal() {
    requests++;
    refusals++;
  }

  synchronized void addFeedback(String name) {
    feedbackRequests++;
    feedback.merge(name, 1L, Long::sum);
  }

  synchronized void addLatency(double millis) {
    int bucket = (int) Math.min(latencyBuckets.length - 1, Math.max(0, millis / BUCKET_MILLIS));
    latencyBuckets[bucket]++;
    latencyCount++;
  }

  @Override
  public synchronized long requests() {
    return requests;
  }

  @Override
  public synchronized long errors() {
    return errors;
  }

  @Override
  public synchronized long refusals() {
    return refusals;
  }

  @Override
  public synchronized long successes() {
    return successes;
  }

  @Override
  public synchronized long feedback(String eventName) {
    return feedback.getOrDefault(eventName, 0L);
  }

  @Override
  public synchronized long feedbackRequests() {
    return feedbackRequests;
  }

  @Override
  public synchronized double latencyQuantileMillis(double q) {
    if (latencyCount == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * latencyCount));
    long seen = 0;
    for (int b = 0; b < latencyBuckets.length; b++) {
      seen += latencyBuckets[b];
      if (seen >= rank) {
        return (b + 1) * BUCKET_MILLIS;
      }
    }
    return latencyBuckets.length * BUCKET_MILLIS;
  }

  @Override
  public synchronized long slowerThan(double millis) {
    long slower = 0;
    for (int b = latencyBuckets.length - 1; b >= 0 && b * BUCKET_MILLIS >= millis; b--) {
      slower += latencyBuckets[b];
    }
    return slower;
  }

  @Override
  public synchronized long latencyCount() {
    return latencyCount;
  }
}
