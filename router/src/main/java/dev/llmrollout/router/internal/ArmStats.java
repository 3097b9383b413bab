package dev.llmrollout.router.internal;

import dev.llmrollout.router.CallOutcome;
import dev.llmrollout.router.RoutingException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The live counters of one arm (flag, variant, segment). Writers only touch {@link LongAdder}s and
 * {@link ConcurrentHistogram}s, which do not lock; readers take copies.
 */
public final class ArmStats {
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<RoutingException.Kind, LongAdder> errorsByKind =
      new EnumMap<>(RoutingException.Kind.class);
  private final LongAdder refusals = new LongAdder();
  private final LongAdder emptyOrShort = new LongAdder();
  private final LongAdder jsonRequested = new LongAdder();
  private final LongAdder invalidJson = new LongAdder();
  private final LongAdder successes = new LongAdder();
  private final LongAdder inputTokens = new LongAdder();
  private final LongAdder outputTokens = new LongAdder();
  private final DoubleAdder costUsd = new DoubleAdder();
  private final LongAdder unpriced = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder feedbackRequests = new LongAdder();
  private final Map<String, LongAdder> feedback = new ConcurrentHashMap<>();
  private final Histogram latencyMicros = newHistogram();
  private final Histogram firstTokenMicros = newHistogram();

  public ArmStats() {
    for (RoutingException.Kind kind : RoutingException.Kind.values()) {
      errorsByKind.put(kind, new LongAdder());
    }
  }

  private static Histogram newHistogram() {
    // Three significant digits, auto-resizing: from a microsecond to as long as a call may take.
    return new ConcurrentHistogram(3);
  }

  public void record(CallOutcome outcome) {
    requests.increment();
    if (outcome.latencyNanos() > 0) {
      latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(outcome.latencyNanos()));
    }
    if (outcome.failed()) {
      errors.increment();
      errorsByKind.get(outcome.error().orElseThrow()).increment();
      return;
    }
    if (outcome.firstTokenNanos() >= 0) {
      firstTokenMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(outcome.firstTokenNanos()));
    }
    inputTokens.add(outcome.inputTokens());
    outputTokens.add(outcome.outputTokens());
    if (outcome.costUsd().isPresent()) {
      costUsd.add(outcome.costUsd().getAsDouble());
    } else {
      unpriced.increment();
    }
    count(outcome.refusal(), refusals);
    count(outcome.emptyOrShort(), emptyOrShort);
    count(outcome.jsonRequested(), jsonRequested);
    count(outcome.invalidJson(), invalidJson);
    count(outcome.success(), successes);
  }

  public void recordFallback() {
    fallbacks.increment();
  }

  public void recordFeedback(String eventName) {
    feedbackRequests.increment();
    feedback.computeIfAbsent(eventName, name -> new LongAdder()).increment();
  }

  public long requests() {
    return requests.sum();
  }

  public long errors() {
    return errors.sum();
  }

  public long errors(RoutingException.Kind kind) {
    return errorsByKind.get(kind).sum();
  }

  public long refusals() {
    return refusals.sum();
  }

  public long emptyOrShort() {
    return emptyOrShort.sum();
  }

  public long jsonRequested() {
    return jsonRequested.sum();
  }

  public long invalidJson() {
    return invalidJson.sum();
  }

  public long successes() {
    return successes.sum();
  }

  public long inputTokens() {
    return inputTokens.sum();
  }

  public long outputTokens() {
    return outputTokens.sum();
  }

  public double costUsd() {
    return costUsd.sum();
  }

  public long unpriced() {
    return unpriced.sum();
  }

  public long fallbacks() {
    return fallbacks.sum();
  }

  public long feedbackRequests() {
    return feedbackRequests.sum();
  }

  /** Feedback counts by event name, copied. */
  public Map<String, Long> feedback() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    feedback.forEach((name, count) -> copy.put(name, count.sum()));
    return copy;
  }

  /** A copy of the latency histogram, in microseconds. */
  public Histogram latencyMicros() {
    return latencyMicros.copy();
  }

  /** A copy of the time-to-first-token histogram, in microseconds. */
  public Histogram firstTokenMicros() {
    return firstTokenMicros.copy();
  }

  private static void count(boolean condition, LongAdder counter) {
    if (condition) {
      counter.increment();
    }
  }
}
