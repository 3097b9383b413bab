package dev.llmrollout.guard;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the guard's delayed work (periodic checks, rollback retries). Injectable so that tests and
 * simulations run on virtual time instead of sleeping.
 */
@FunctionalInterface
public interface GuardScheduler {

  /** Runs {@code task} once after {@code delay}. */
  void schedule(Runnable task, Duration delay);

  /** A scheduler backed by {@code executor}. */
  static GuardScheduler of(ScheduledExecutorService executor) {
    return (task, delay) -> executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
