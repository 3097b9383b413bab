package dev.llmrollout.guard.testing;

import dev.llmrollout.signals.ArmSignals;
import java.util.Arrays;
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
  private double[] latencies = new double[16];
  private int latencyCount;
  private boolean sorted = true;

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
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencyCount * 2);
    }
    latencies[latencyCount++] = millis;
    sorted = false;
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
    sort();
    int index = (int) Math.min(latencyCount - 1, Math.ceil(q * latencyCount) - 1);
    return latencies[Math.max(0, index)];
  }

  @Override
  public synchronized long slowerThan(double millis) {
    sort();
    int lo = 0;
    int hi = latencyCount;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (latencies[mid] <= millis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return latencyCount - lo;
  }

  @Override
  public synchronized long latencyCount() {
    return latencyCount;
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(latencies, 0, latencyCount);
      sorted = true;
    }
  }
}
