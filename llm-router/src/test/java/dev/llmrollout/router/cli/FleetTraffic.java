package dev.llmrollout.router.cli;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The fleet ITs' traffic: chat requests for one flag, each a new session, one at a time and
 * round-robin over the gateways, on a daemon thread until closed. Paced, it starts one request per
 * pace at most, so one gateway and three see the same rate; unpaced, back to back.
 */
final class FleetTraffic implements AutoCloseable {
  private static final int RECENT = 100;
  private final Duration pace;
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  private final Deque<String> recent = new ConcurrentLinkedDeque<>();
  private final Thread thread;
  private volatile List<GatewayProcess> gateways;
  private volatile String flag;

  FleetTraffic(List<GatewayProcess> gateways, String flag, Duration pace) {
    this.gateways = List.copyOf(gateways);
    this.flag = flag;
    this.pace = pace;
    this.thread = new Thread(this::send, "fleet-traffic");
    thread.setDaemon(true);
    thread.start();
  }

  /** From now on, requests for {@code flag} to {@code gateways}; the counts start again. */
  void route(List<GatewayProcess> gateways, String flag) {
    this.gateways = List.copyOf(gateways);
    this.flag = flag;
    served.clear();
    recent.clear();
  }

  /** Answers {@code variant} served since the last {@link #route}. */
  int served(String variant) {
    return served.getOrDefault(variant, new AtomicInteger()).get();
  }

  /** True when the last 100 answers all came from {@code variant}. */
  boolean lastHundredAll(String variant) {
    return recent.size() == RECENT && Set.copyOf(recent).equals(Set.of(variant));
  }

  private void send() {
    long n = 0;
    long next = System.nanoTime();
    while (sending.get()) {
      if (!pace.isZero()) {
        LockSupport.parkNanos(next - System.nanoTime());
        next = Math.max(next + pace.toNanos(), System.nanoTime());
      }
      List<GatewayProcess> to = gateways;
      GatewayProcess gateway = to.get((int) (n % to.size()));
      try {
        HttpResponse<String> answer =
            FleetFixture.HTTP.send(
                HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .header("X-Flag-Key", flag)
                    .header("X-Session-Id", "fleet-session-" + n++)
                    .timeout(Duration.ofSeconds(30))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\": \"x\", \"messages\": [{\"role\": \"user\","
                                + " \"content\": \"where is my parcel?\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        answer.headers().firstValue("X-Variant").ifPresent(this::count);
      } catch (Exception e) {
        // a gateway stopping at the end of the test
      }
    }
  }

  private void count(String variant) {
    served.computeIfAbsent(variant, k -> new AtomicInteger()).incrementAndGet();
    recent.addLast(variant);
    if (recent.size() > RECENT) {
      recent.removeFirst();
    }
  }

  @Override
  public void close() {
    sending.set(false);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(35));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
