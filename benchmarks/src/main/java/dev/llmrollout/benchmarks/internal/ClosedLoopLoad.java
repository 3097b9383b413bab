package dev.llmrollout.benchmarks.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * {@code concurrency} threads calling back to back for a fixed time, each call's latency recorded
 * in nanoseconds. Any failed call fails the run: an overhead measured over errors means nothing.
 */
public final class ClosedLoopLoad implements AutoCloseable {
  private final ExecutorService threads;
  private final int concurrency;

  public ClosedLoopLoad(int concurrency) {
    this.concurrency = concurrency;
    this.threads = Executors.newFixedThreadPool(concurrency);
  }

  /**
   * Runs {@code call} (given the caller's thread index) from every thread for {@code millis}, and
   * returns the latencies of all calls.
   */
  public Histogram run(IntConsumer call, long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    List<Future<Histogram>> results = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      int index = t;
      results.add(
          threads.submit(
              () -> {
                Histogram latencies = newHistogram();
                int n = 0;
                while (System.nanoTime() < end) {
                  long start = System.nanoTime();
                  call.accept(index * 1_000_000 + n++);
                  latencies.recordValue(System.nanoTime() - start);
                }
                return latencies;
              }));
    }
    Histogram all = newHistogram();
    for (Future<Histogram> result : results) {
      try {
        all.add(result.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("a benchmark call failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return all;
  }

  /** A histogram of nanoseconds up to one minute, three significant digits. */
  public static Histogram newHistogram() {
    return new Histogram(60_000_000_000L, 3);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
