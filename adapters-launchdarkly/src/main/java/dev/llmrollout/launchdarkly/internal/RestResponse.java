package dev.llmrollout.launchdarkly.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * One answer of LaunchDarkly's REST API.
 *
 * @param status the HTTP status
 * @param body the body (JSON, or LaunchDarkly's {@code {"code","message"}} error)
 * @param retryAfter how long the rate limit asks to wait, from {@code Retry-After} or {@code
 *     X-Ratelimit-Reset}
 */
public record RestResponse(int status, String body, Optional<Duration> retryAfter) {
  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /** 409 (a concurrent change), 429 (rate limited) and 5xx may succeed when tried again. */
  public boolean retryable() {
    return status == 409 || status == 429 || status >= 500;
  }
}
