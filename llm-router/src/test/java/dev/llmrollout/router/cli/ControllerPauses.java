package dev.llmrollout.router.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Freezes one of the controllers now and then (SIGSTOP) and lets it go on (SIGCONT): after 0.2 to
 * 1.2 s of both running, one picked at random stops, alternately longer than the lease (by 0.1 to
 * 1.5 s, so that the other takes its rollouts over; the first pause is one of these) and shorter
 * (0.2 s to 0.1 s short of it). One pause at a time; closing lets every controller go on.
 */
final class ControllerPauses implements AutoCloseable {
  private final List<GatewayProcess> controllers;
  private final Duration lease;
  private final Random random;
  private final AtomicBoolean pausing = new AtomicBoolean(true);
  private final Thread thread;
  private volatile int count;
  private volatile int pastTheLease;
  private volatile Exception failure;

  ControllerPauses(List<GatewayProcess> controllers, Duration lease, Random random) {
    this.controllers = List.copyOf(controllers);
    this.lease = lease;
    this.random = random;
    this.thread = new Thread(this::pauseNowAndThen, "controller-pauses");
    thread.setDaemon(true);
    thread.start();
  }

  private void pauseNowAndThen() {
    try {
      while (pausing.get()) {
        TimeUnit.MILLISECONDS.sleep(200 + random.nextInt(1000));
        GatewayProcess paused = controllers.get(random.nextInt(controllers.size()));
        long leaseMillis = lease.toMillis();
        long millis =
            count % 2 == 0
                ? leaseMillis + 100 + random.nextInt(1400)
                : 200 + random.nextInt((int) leaseMillis - 300);
        paused.pause();
        try {
          TimeUnit.MILLISECONDS.sleep(millis);
        } finally {
          paused.resume();
        }
        count++;
        pastTheLease += millis > lease.toMillis() ? 1 : 0;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    }
  }

  /** Pauses made so far. */
  int count() {
    return count;
  }

  /** Pauses longer than the lease. */
  int pastTheLease() {
    return pastTheLease;
  }

  @Override
  public void close() throws IOException {
    if (!pausing.getAndSet(false)) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      for (GatewayProcess controller : controllers) {
        controller.resume();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while letting the controllers go on");
    }
    if (failure != null) {
      throw new IllegalStateException("pausing a controller failed", failure);
    }
  }
}
