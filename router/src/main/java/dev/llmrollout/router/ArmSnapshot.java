package dev.llmrollout.router;

import dev.llmrollout.router.internal.ArmStats;
import dev.llmrollout.signals.ArmSignals;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A point-in-time copy of one arm's signals (flag, variant, optionally segment): what the rollout
 * guard reads through {@link ArmSignals}, plus tokens, cost, time to first token and answer quality
 * counts. Latencies are kept in microseconds with three significant digits.
 */
public final class ArmSnapshot implements ArmSignals {
  private final long requests;
  private final long errors;
  private final Map<RoutingException.Kind, Long> errorsByKind;
  private final long refusals;
  private final long emptyOrShort;
  private final long jsonRequested;
  private final long invalidJson;
  private final long successes;
  private final long inputTokens;
  private final long outputTokens;
  private final double costUsd;
  private final long unpriced;
  private final long fallbacks;
  private final long feedbackRequests;
  private final Map<String, Long> feedback;
  private final Histogram latencyMicros;
  private final Histogram firstTokenMicros;

  ArmSnapshot(ArmStats stats) {
    this.requests = stats.requests();
    this.errors = stats.errors();
    Map<RoutingException.Kind, Long> kinds = new java.util.EnumMap<>(RoutingException.Kind.class);
    for (RoutingException.Kind kind : RoutingException.Kind.values()) {
      kinds.put(kind, stats.errors(kind));
    }
    this.errorsByKind = kinds;
    this.refusals = stats.refusals();
    this.emptyOrShort = stats.emptyOrShort();
    this.jsonRequested = stats.jsonRequested();
    this.invalidJson = stats.invalidJson();
    this.successes = stats.successes();
    this.inputTokens = stats.inputTokens();
    this.outputTokens = stats.outputTokens();
    this.costUsd = stats.costUsd();
    this.unpriced = stats.unpriced();
    this.fallbacks = stats.fallbacks();
    this.feedbackRequests = stats.feedbackRequests();
    this.feedback = Map.copyOf(stats.feedback());
    this.latencyMicros = stats.latencyMicros();
    this.firstTokenMicros = stats.firstTokenMicros();
  }

  static ArmSnapshot empty() {
    return new ArmSnapshot(new ArmStats());
  }

  @Override
  public long requests() {
    return requests;
  }

  @Override
  public long errors() {
    return errors;
  }

  /** Errors of one kind: HTTP status, timeout, unparsable answer, configuration, ... */
  public long errors(RoutingException.Kind kind) {
    return errorsByKind.get(kind);
  }

  @Override
  public long refusals() {
    return refusals;
  }

  /** Answers that were empty or shorter than the router's short-answer threshold. */
  public long emptyOrShort() {
    return emptyOrShort;
  }

  /** Requests that asked for JSON. */
  public long jsonRequested() {
    return jsonRequested;
  }

  /** Answers that were not valid JSON although JSON was asked for. */
  public long invalidJson() {
    return invalidJson;
  }

  @Override
  public long successes() {
    return successes;
  }

  public long inputTokens() {
    return inputTokens;
  }

  public long outputTokens() {
    return outputTokens;
  }

  /** The summed cost in US dollars of the calls whose model has a price. */
  public double costUsd() {
    return costUsd;
  }

  /** Successful calls whose model has no price in the endpoints file. */
  public long unpriced() {
    return unpriced;
  }

  /** Requests of this variant that failed and were served by the flag's default variant. */
  public long fallbacks() {
    return fallbacks;
  }

  @Override
  public long feedback(String eventName) {
    return feedback.getOrDefault(eventName, 0L);
  }

  /** Every feedback event name received, with its count. */
  public Map<String, Long> feedbackCounts() {
    return Map.copyOf(feedback);
  }

  /**
   * Feedback events received. Applications send one per answered request, so this serves as the
   * number of requests with feedback.
   */
  @Override
  public long feedbackRequests() {
    return feedbackRequests;
  }

  @Override
  public double latencyQuantileMillis(double q) {
    return quantileMillis(latencyMicros, q);
  }

  /** Time to first token at quantile {@code q}, in milliseconds; NaN when nothing was streamed. */
  public double firstTokenQuantileMillis(double q) {
    return quantileMillis(firstTokenMicros, q);
  }

  @Override
  public long slowerThan(double millis) {
    long micros = (long) Math.floor(millis * 1000);
    if (latencyMicros.getTotalCount() == 0 || micros >= latencyMicros.getMaxValue()) {
      return 0;
    }
    return latencyMicros.getTotalCount() - latencyMicros.getCountBetweenValues(0, micros);
  }

  @Override
  public long latencyCount() {
    return latencyMicros.getTotalCount();
  }

  private static double quantileMillis(Histogram histogram, double q) {
    if (histogram.getTotalCount() == 0) {
      return Double.NaN;
    }
    return histogram.getValueAtPercentile(q * 100) / 1000.0;
  }

  @Override
  public String toString() {
    return "ArmSnapshot[requests="
        + requests
        + ", errors="
        + errors
        + ", refusals="
        + refusals
        + ", successes="
        + successes
        + ", p99="
        + latencyQuantileMillis(0.99)
        + " ms]";
  }
}
