package dev.llmrollout.launchdarkly.internal;

import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits between REST attempts: as long as the rate limit asks ({@code Retry-After}, {@code
 * X-Ratelimit-Reset}), else exponentially from {@code base} with jitter, never longer than {@code
 * max}.
 */
public record Backoff(Duration base, Duration max) {
  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);

  /** Sleeps before attempt {@code attempt + 1}; returns at once after the last attempt. */
  public void pause(String flagKey, int attempt, int maxAttempts, RestResponse response) {
    if (attempt >= maxAttempts) {
      return;
    }
    long exponential = base.toMillis() << Math.min(attempt - 1, 10);
    long jitter = ThreadLocalRandom.current().nextLong(base.toMillis() + 1);
    long wait =
        Math.min(
            response.retryAfter().map(Duration::toMillis).orElse(exponential + jitter),
            max.toMillis());
    LOG.info(
        "flag '{}': LaunchDarkly answered HTTP {}, retrying in {} ms (attempt {} of {})",
        flagKey,
        response.status(),
        wait,
        attempt,
        maxAttempts);
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteBackException(
          WriteBackException.Kind.UNAVAILABLE,
          flagKey,
          "flag '" + flagKey + "': interrupted while waiting to retry",
          e);
    }
  }
}
