package dev.llmrollout.router.loadrun;

import dev.llmrollout.router.JsonLinesShadowSink;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.router.RouterEvent;
import dev.llmrollout.router.ShadowOptions;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A load run, not a test: does shadowing 100% of requests add at most 5% to the primary's p99?
 *
 * <p>Two loopback model endpoints answer after a fixed delay (a stand-in for model latency).
 * Requests arrive open-loop at a fixed rate, dispatched to a pool of caller threads; each latency
 * is measured from the moment the request was due, so a stall delays every request behind it and is
 * not hidden (no coordinated omission). Two flags differ only in the shadow directive: {@code
 * plain} (no shadow) and {@code shadowed} (shadow the canary on 100% of requests). Phases run in
 * ABBA order for many short rounds so that noise from other processes on the machine hits both
 * alike; the report gives the pooled percentiles and the median of the per-round p99 ratios. Run
 * with:
 *
 * <pre>
 * ./mvnw -B -pl router -am -Pshadow-load-run -DskipTests test-compile exec:java
 * </pre>
 *
 * <p>System properties: {@code loadrun.rate} requests per second (default 200), {@code
 * loadrun.seconds} per phase (default 6), {@code loadrun.rounds} (default 10), {@code
 * loadrun.modelDelayMs} (default 20), {@code loadrun.shadowThreads} (default 4).
 */
public final class ShadowOverheadLoadRun {
  private static final String PLAIN = "plain";
  private static final String SHADOWED = "shadowed";

  private ShadowOverheadLoadRun() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int rate = Integer.getInteger("loadrun.rate", 200);
    int seconds = Integer.getInteger("loadrun.seconds", 6);
    int rounds = Integer.getInteger("loadrun.rounds", 10);
    long delayMs = Long.getLong("loadrun.modelDelayMs", 20);
    int shadowThreads = Integer.getInteger("loadrun.shadowThreads", 4);
    Path report = Files.createTempFile("shadow-load-run", ".jsonl");
    try (RouterHarness harness = new RouterHarness()) {
      harness.stable.recording(false);
      harness.canary.recording(false);
      harness.stable.respond(r -> Reply.answer("stable answer").delayed(delayMs));
      harness.canary.respond(r -> Reply.answer("canary answer, a little longer").delayed(delayMs));
      String stable =
          "{\"model\": \"model-stable\", \"version\": \"1.1.0\", \"endpoint\": \"stable-pool\"";
      harness.backend.flag(
          PLAIN,
          "stable",
          Map.of("stable", stable + "}", "canary", RouterHarness.CANARY),
          RouterHarness.weights("stable", 100, "canary", 0));
      harness.backend.flag(
          SHADOWED,
          "stable",
          Map.of(
              "stable",
              stable + ", \"shadow\": {\"variant\": \"canary\", \"sampleRate\": 1.0}}",
              "canary",
              RouterHarness.CANARY),
          RouterHarness.weights("stable", 100, "canary", 0));
      ModelRouter router =
          harness.build(
              harness
                  .router()
                  .shadowSink(JsonLinesShadowSink.appendingTo(report))
                  .shadow(
                      ShadowOptions.custom().threads(shadowThreads).queueCapacity(10_000).build()));
      ExecutorService callers = Executors.newFixedThreadPool(64);
      try {
        System.out.printf(
            Locale.ROOT,
            "%d requests/s open loop, model delay %d ms, %d shadow"
                + " threads, %d rounds of %d s per phase (ABBA)%n",
            rate,
            delayMs,
            shadowThreads,
            rounds,
            seconds);
        phase(router, callers, rate, PLAIN, seconds, new Costs());
        phase(router, callers, rate, SHADOWED, seconds, new Costs());
        Costs plainCosts = new Costs();
        Costs shadowCosts = new Costs();
        Histogram plain = new Histogram(3);
        Histogram shadowed = new Histogram(3);
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          boolean plainFirst = round % 2 == 1;
          Histogram first =
              phase(
                  router,
                  callers,
                  rate,
                  plainFirst ? PLAIN : SHADOWED,
                  seconds,
                  plainFirst ? plainCosts : shadowCosts);
          Histogram second =
              phase(
                  router,
                  callers,
                  rate,
                  plainFirst ? SHADOWED : PLAIN,
                  seconds,
                  plainFirst ? shadowCosts : plainCosts);
          Histogram a = plainFirst ? first : second;
          Histogram b = plainFirst ? second : first;
          print("round " + round + " no shadow  ", a);
          print("round " + round + " shadow 100%", b);
          ratios.add((double) b.getValueAtPercentile(99) / a.getValueAtPercentile(99));
          plain.add(a);
          shadowed.add(b);
        }
        print("all      no shadow  ", plain);
        print("all      shadow 100%", shadowed);
        double p99Plain = plain.getValueAtPercentile(99) / 1000.0;
        double p99Shadow = shadowed.getValueAtPercentile(99) / 1000.0;
        ratios.sort(null);
        double median = (ratios.get((ratios.size() - 1) / 2) + ratios.get(ratios.size() / 2)) / 2;
        System.out.printf(
            Locale.ROOT,
            "pooled p99: %.3f ms with shadow vs %.3f ms without"
                + " (%+.2f%%); median of per-round p99 ratios %+.2f%% (min %+.2f%%, max %+.2f%%)%n",
            p99Shadow,
            p99Plain,
            (p99Shadow / p99Plain - 1) * 100,
            (median - 1) * 100,
            (ratios.get(0) - 1) * 100,
            (ratios.get(ratios.size() - 1) - 1) * 100);
        plainCosts.print("no shadow  ");
        shadowCosts.print("shadow 100%");
        System.out.printf(
            Locale.ROOT,
            "load average at the end: %s%n",
            Files.readString(Path.of("/proc/loadavg")).strip());
        for (RouterEvent event : RouterEvent.values()) {
          System.out.printf(Locale.ROOT, "  %s: %d%n", event, router.count(event));
        }
      } finally {
        callers.shutdownNow();
      }
    } finally {
      Files.deleteIfExists(report);
    }
  }

  /** Sends {@code rate} requests per second through {@code flag} for {@code seconds}. */
  /**
   * CPU spent per flag: on the caller's thread inside {@code route()} (the primary path's own cost,
   * which scheduling noise does not inflate), and by the whole process (router, shadow workers and
   * the in-process model endpoints) per request.
   */
  private static final class Costs {
    final Histogram callerCpuMicros = new ConcurrentHistogram(3);
    long processCpuNanos;
    long requests;

    void print(String label) {
      System.out.printf(
          Locale.ROOT,
          "%s  caller-thread CPU per route(): p50=%6d us  p99=%6d us;"
              + "  process CPU per request: %6.0f us%n",
          label,
          callerCpuMicros.getValueAtPercentile(50),
          callerCpuMicros.getValueAtPercentile(99),
          processCpuNanos / 1000.0 / Math.max(1, requests));
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static Histogram phase(
      ModelRouter router, ExecutorService callers, int rate, String flag, int seconds, Costs costs)
      throws Exception {
    Histogram latency = new ConcurrentHistogram(3);
    long processCpuStart = OS.getProcessCpuTime();
    long start = System.nanoTime();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    int total = rate * seconds;
    List<Future<?>> futures = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      RouteRequest request =
          RouteRequest.builder(flag)
              .sessionId("s-" + (i % 1_000))
              .variable("product", "Acme")
              .userMessage("hello")
              .build();
      futures.add(
          callers.submit(
              () -> {
                long cpu = THREADS.getCurrentThreadCpuTime();
                router.route(request);
                costs.callerCpuMicros.recordValue((THREADS.getCurrentThreadCpuTime() - cpu) / 1000);
                latency.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - due));
              }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    costs.processCpuNanos += OS.getProcessCpuTime() - processCpuStart;
    costs.requests += total;
    return latency.copy();
  }

  private static void print(String label, Histogram h) throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%s  n=%7d  p50=%7.3f ms  p99=%7.3f ms  p99.9=%7.3f ms" + "  max=%7.3f ms%n",
        label,
        h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }
}
