package dev.llmrollout.router.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-minute allowance of requests and tokens for one shadow variant. When either is spent,
 * shadowing stops until the next minute. Counting is lock-free; a window boundary may let a few
 * calls through that started just before it, which a budget can tolerate.
 */
final class ShadowBudget {
  private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final long requestsPerMinute;
  private final long tokensPerMinute;
  private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong tokens = new AtomicLong();

  ShadowBudget(long requestsPerMinute, long tokensPerMinute) {
    this.requestsPerMinute = requestsPerMinute;
    this.tokensPerMinute = tokensPerMinute;
  }

  /** Takes one request from the allowance; false when the request or token budget is spent. */
  boolean tryAcquire() {
    roll();
    if (tokensPerMinute > 0 && tokens.get() >= tokensPerMinute) {
      return false;
    }
    if (requestsPerMinute > 0 && requests.incrementAndGet() > requestsPerMinute) {
      requests.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Charges the tokens a shadow call used. */
  void spend(long tokenCount) {
    tokens.addAndGet(tokenCount);
  }

  private void roll() {
    long start = windowStart.get();
    long now = System.nanoTime();
    if (now - start >= WINDOW_NANOS && windowStart.compareAndSet(start, now)) {
      requests.set(0);
      tokens.set(0);
    }
  }
}
