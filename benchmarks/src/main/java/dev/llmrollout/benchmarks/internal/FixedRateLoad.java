package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop load generator: requests leave at a fixed rate whatever the answers do, and each
 * latency is measured from the moment the request was due, so a stall is charged to every request
 * it delayed (no coordinated omission).
 */
public final class FixedRateLoad {
  /** What one run measured. */
  public record Result(
      Histogram latencies, long sent, long ok, long failed, String firstFailure, double seconds) {
    /** Successful answers per second. */
    public double throughput() {
      return ok / seconds;
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * Sends with the blocking {@code send}, one pooled thread per request in flight. {@code
   * sendAsync} would complete every answer on {@code CompletableFuture}'s default executor, which
   * starts a thread per answer on a machine with fewer than three cores: the driver would then
   * spend the cores it shares with the system under test on thread starts, and charge a thread
   * start to every latency.
   */
  private final ExecutorService senders =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "load-sender");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Sends {@code requests} at {@code ratePerSecond} for {@code millis} and waits for the answers
   * (up to 30 s after the last request).
   */
  public Result run(Supplier<HttpRequest> requests, int ratePerSecond, long millis) {
    return run(requests, ratePerSecond, millis, new Recorder[0]);
  }

  /**
   * As {@link #run(Supplier, int, long)}, also recording each latency in {@code perSecond[s]},
   * where {@code s} is the second of the run in which the request was due (if within the array).
   */
  public Result run(
      Supplier<HttpRequest> requests, int ratePerSecond, long millis, Recorder[] perSecond) {
    Recorder recorder = new Recorder(600_000_000_000L, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>("");
    long intervalNanos = 1_000_000_000L / ratePerSecond;
    long total = ratePerSecond * millis / 1_000;
    CountDownLatch answered = new CountDownLatch(Math.toIntExact(total));
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      HttpRequest request = requests.get();
      senders.execute(
          () -> {
            try {
              HttpResponse<byte[]> response =
                  client.send(request, HttpResponse.BodyHandlers.ofByteArray());
              record(recorder, perSecond, start, due);
              if (response.statusCode() == 200) {
                ok.incrementAndGet();
              } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet("", describe(response, null));
              }
            } catch (IOException | InterruptedException e) {
              if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
              }
              record(recorder, perSecond, start, due);
              failed.incrementAndGet();
              firstFailure.compareAndSet("", describe(null, e));
            } finally {
              answered.countDown();
            }
          });
    }
    long missing = 0;
    try {
      if (!answered.await(30, TimeUnit.SECONDS)) {
        // Counted as failed, not waited for: on an overloaded machine the run goes on and says so.
        missing = answered.getCount();
        firstFailure.compareAndSet(
            "", missing + " answers still missing 30 s after the last request");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        recorder.getIntervalHistogram(),
        total,
        ok.get(),
        failed.get() + missing,
        firstFailure.get(),
        seconds);
  }

  private static void record(Recorder all, Recorder[] perSecond, long start, long due) {
    long latency = System.nanoTime() - due;
    all.recordValue(latency);
    int second = (int) ((due - start) / 1_000_000_000L);
    if (second < perSecond.length) {
      perSecond[second].recordValue(latency);
    }
  }

  private static String describe(HttpResponse<byte[]> response, Throwable failure) {
    if (failure != null) {
      return failure.toString();
    }
    String body = new String(response.body(), StandardCharsets.UTF_8);
    return "HTTP " + response.statusCode() + ": " + body.substring(0, Math.min(200, body.length()));
  }

  /** The client the driver sends with, for callers that hold requests open themselves. */
  public HttpClient client() {
    return client;
  }
}
