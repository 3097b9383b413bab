package dev.llmrollout.guard.testing;

import dev.llmrollout.guard.GuardScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** Virtual-time scheduler: tasks run when the test advances time past their due instant. */
public final class ManualScheduler implements GuardScheduler {
  private record Task(Instant due, long order, Runnable action) {}

  private final ManualClock clock;
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(
          (a, b) -> a.due.equals(b.due) ? Long.compare(a.order, b.order) : a.due.compareTo(b.due));
  private long order;

  public ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void schedule(Runnable task, Duration delay) {
    queue.add(new Task(clock.instant().plus(delay), order++, task));
  }

  /** Moves the clock forward by {@code duration}, running every task that falls due on the way. */
  public void advance(Duration duration) {
    Instant end = clock.instant().plus(duration);
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due.isAfter(end)) {
          break;
        }
        queue.poll();
      }
      clock.advance(Duration.between(clock.instant(), next.due));
      next.action.run();
    }
    clock.advance(Duration.between(clock.instant(), end));
  }

  /** Tasks waiting to run. */
  public synchronized int pending() {
    return queue.size();
  }
}
