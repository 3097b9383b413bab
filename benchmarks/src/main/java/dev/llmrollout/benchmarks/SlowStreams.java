package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.GatewayProcess;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Streaming requests held open through the gateway at once, each read event by event without a
 * thread (the JDK HttpClient's asynchronous send and a line subscriber), with the gateway's
 * threads, heap and open files sampled while they run.
 */
final class SlowStreams implements AutoCloseable {
  /** What the streams and the samples showed. */
  record Outcome(
      int completed,
      int failed,
      int peakOpen,
      int peakThreads,
      long peakHeap,
      long heapAfterGc,
      int peakFiles,
      String firstFailure,
      String cutShort) {}

  private final GatewayProcess gateway;
  private final int expectedEvents;
  private final ExecutorService clientThreads =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread thread = new Thread(r, "streams-client");
            thread.setDaemon(true);
            return thread;
          });
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "streams-sampler");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger peakOpen = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger peakThreads = new AtomicInteger();
  private final AtomicInteger peakFiles = new AtomicInteger();
  private final AtomicLong peakHeap = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>("");
  private CountDownLatch ended = new CountDownLatch(0);

  /**
   * @param chunks the content events the endpoint sends per stream (it then sends a finishing event
   *     and {@code [DONE]}, which the gateway passes on)
   */
  SlowStreams(GatewayProcess gateway, int chunks) {
    this.gateway = gateway;
    this.expectedEvents = chunks + 1;
    sampler.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
  }

  /** Opens {@code streams} streams, {@code perSecond} a second, and returns once all are sent. */
  void open(int streams, int perSecond) {
    ended = new CountDownLatch(streams);
    long start = System.nanoTime();
    long interval = 1_000_000_000L / perSecond;
    for (int i = 0; i < streams; i++) {
      long wait = start + i * interval - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      Stream stream = new Stream();
      client
          .sendAsync(
              GatewayOverhead.request(gateway.completionsUrl(), true, i),
              info -> {
                if (info.statusCode() != 200) {
                  stream.end(false, "HTTP " + info.statusCode());
                  return HttpResponse.BodySubscribers.discarding();
                }
                stream.opened();
                return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
              })
          .whenComplete(
              (response, error) -> {
                if (error != null) {
                  stream.end(false, error.toString());
                }
              });
    }
  }

  /** Streams open now. */
  int openNow() {
    return open.get();
  }

  /**
   * Streams sent and not ended, headers received or not: what the gateway holds (a loaded gateway
   * may hold a stream for seconds before its first event reaches the client).
   */
  int inFlightNow() {
    return (int) ended.getCount();
  }

  /**
   * Waits until every stream opened has its headers or has failed, up to {@code millis}: the heap
   * is then measured with all of them held.
   */
  void awaitOpened(int streams, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (open.get() + failed.get() < streams && System.nanoTime() - deadline < 0) {
      Thread.sleep(100);
    }
  }

  /**
   * Waits for every stream to end, until {@code deadlineNanos} ({@link System#nanoTime()}) or until
   * the gateway process exits; then the outcome, streams not ended counted as failed and {@code
   * cutShort} saying why the wait stopped early.
   */
  Outcome await(long deadlineNanos, long heapAfterGc) throws InterruptedException {
    String cutShort = "";
    while (!ended.await(1, TimeUnit.SECONDS)) {
      if (!gateway.isAlive()) {
        cutShort = "the gateway process exited with " + ended.getCount() + " streams not ended";
        break;
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        cutShort = "the deadline hit with " + ended.getCount() + " streams not ended";
        break;
      }
    }
    if (!cutShort.isEmpty()) {
      firstFailure.compareAndSet("", cutShort);
    }
    sample();
    return new Outcome(
        completed.get(),
        (int) (failed.get() + ended.getCount()),
        peakOpen.get(),
        peakThreads.get(),
        peakHeap.get(),
        heapAfterGc,
        peakFiles.get(),
        firstFailure.get(),
        cutShort);
  }

  private void sample() {
    try {
      peakThreads.accumulateAndGet(gateway.threads(), Math::max);
      peakFiles.accumulateAndGet(gateway.openFiles(), Math::max);
      peakHeap.accumulateAndGet(gateway.heapUsed(), Math::max);
    } catch (RuntimeException e) {
      // The gateway ended or its counters page is busy: the next sample counts.
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    clientThreads.shutdownNow();
  }

  /** One stream: counts its JSON events and ends once, well or not. */
  private final class Stream implements Flow.Subscriber<String> {
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicBoolean isOpen = new AtomicBoolean();
    private int events;

    void opened() {
      isOpen.set(true);
      peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    }

    void end(boolean ok, String failure) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (isOpen.get()) {
        open.decrementAndGet();
      }
      if (ok) {
        completed.incrementAndGet();
      } else {
        failed.incrementAndGet();
        firstFailure.compareAndSet("", failure);
      }
      ended.countDown();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.startsWith("data: {") || line.startsWith("data:{")) {
        events++;
      }
    }

    @Override
    public void onError(Throwable error) {
      end(false, "after " + events + " events: " + error);
    }

    @Override
    public void onComplete() {
      end(events == expectedEvents, "ended after " + events + " of " + expectedEvents + " events");
    }
  }
}
