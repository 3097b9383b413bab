package dev.llmrollout.router.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a response stream that is still open at its deadline, so a stalled stream ends with a
 * timeout instead of holding the caller's thread forever.
 */
public final class StreamWatchdog implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer = newTimer();

  /**
   * One daemon thread. A guard cancelled when its stream finished leaves the queue at once instead
   * of holding the stream (and its connection's buffers) until the deadline would have passed.
   */
  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "llm-router-stream-watchdog");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** A deadline on one stream; {@link #fired()} tells a read error apart from a timeout. */
  public static final class Guard implements AutoCloseable {
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile ScheduledFuture<?> task;

    public boolean fired() {
      return fired.get();
    }

    @Override
    public void close() {
      ScheduledFuture<?> scheduled = task;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }

  /** Closes {@code stream} at {@code deadlineNanos} (a {@link System#nanoTime()} value). */
  public Guard guard(Closeable stream, long deadlineNanos) {
    Guard guard = new Guard();
    guard.task =
        timer.schedule(
            () -> {
              guard.fired.set(true);
              try {
                stream.close();
              } catch (IOException e) {
                // Closing is the point; a failure to close leaves the reader to time out itself.
              }
            },
            Math.max(0, deadlineNanos - System.nanoTime()),
            TimeUnit.NANOSECONDS);
    return guard;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
