package dev.llmrollout.router;

import java.time.Duration;

/**
 * Bounded retries with full-jitter exponential backoff for failures that are safe to repeat: a
 * connection that could not be made, HTTP 429 and HTTP 503. Nothing else is retried.
 *
 * <pre>{@code
 * RetryPolicy retries = RetryPolicy.of(3, Duration.ofMillis(100), Duration.ofSeconds(2));
 * }</pre>
 *
 * @param maxAttempts attempts in total, at least 1 (1 means no retry)
 * @param initialBackoff the backoff ceiling before the second attempt; it doubles per attempt
 * @param maxBackoff the largest backoff ceiling
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry maxAttempts: expected at least 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry backoff: expected 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** Three attempts, backoff ceilings of 100 ms then 200 ms, capped at 2 s. */
  public static RetryPolicy ofDefaults() {
    return new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  public static RetryPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
  }

  /** No retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** The backoff ceiling before attempt {@code attempt} (2 for the first retry). */
  public Duration ceilingBefore(int attempt) {
    long ceiling = initialBackoff.toNanos() << Math.min(30, Math.max(0, attempt - 2));
    return Duration.ofNanos(Math.min(ceiling, maxBackoff.toNanos()));
  }
}
