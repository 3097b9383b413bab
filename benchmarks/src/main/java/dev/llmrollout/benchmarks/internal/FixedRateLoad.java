package dev.llmrollout.benchmarks.internal;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
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
   * Sends {@code requests} at {@code ratePerSecond} for {@code millis} and waits for the answers
   * (up to 30 s after the last request).
   */
  public Result run(Supplier<HttpRequest> requests, int ratePerSecond, long millis) {
    Recorder recorder = new Recorder(60_000_000_000L, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>("");
    ConcurrentLinkedQueue<CompletableFuture<?>> pending = new ConcurrentLinkedQueue<>();
    long intervalNanos = 1_000_000_000L / ratePerSecond;
    long total = ratePerSecond * millis / 1_000;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      pending.add(
          client
              .sendAsync(requests.get(), HttpResponse.BodyHandlers.ofByteArray())
              .whenComplete(
                  (response, failure) -> {
                    recorder.recordValue(System.nanoTime() - due);
                    if (failure == null && response.statusCode() == 200) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                      firstFailure.compareAndSet("", describe(response, failure));
                    }
                  }));
      if (pending.size() > 4_096) {
        pending.removeIf(CompletableFuture::isDone);
      }
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("answers still missing 30 s after the last request", e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        recorder.getIntervalHistogram(),
        total,
        ok.get(),
        failed.get(),
        firstFailure.get(),
        seconds);
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
