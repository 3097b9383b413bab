package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.millis;
import static dev.llmrollout.benchmarks.internal.ReportSection.ratio;
import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.EndpointsFile;
import dev.llmrollout.benchmarks.internal.FixedRateLoad;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Issue 9, points 3 and 6 (in-flight requests): the same fixed-rate load straight to a loopback
 * model endpoint and through {@code llm-router serve} to it, non-streaming and streaming; then the
 * gateway's heap and threads with 1,000 requests held in flight.
 *
 * <p>Usage: {@code GatewayOverhead <gateway.md> <inflight.md> <llm-router.jar> <phaseMillis>
 * <rounds> <rates, comma separated>}
 */
public final class GatewayOverhead {
  private static final int GOAL_RATE = 2_000;
  private static final long GOAL_ADDED_P99_NANOS = 1_000_000;
  private static final int IN_FLIGHT = 1_000;
  private static final String BODY =
      "{\"model\": \"bench-stable\", \"messages\": [{\"role\": \"user\", \"content\": \"Where is my"
          + " order?\"}], \"metadata\": {\"product\": \"orders\"}%s}";

  private GatewayOverhead() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    // The driver's HttpClient gets the idle-connection cap llm-router runs with (see
    // LlmRouterCommand): on JDK 17 a burst would otherwise leave every later request of the driver
    // scanning all the connections the burst opened, on the cores the gateway needs.
    if (System.getProperty("jdk.httpclient.connectionPoolSize") == null) {
      System.setProperty("jdk.httpclient.connectionPoolSize", "128");
    }
    Path gatewayOut = Path.of(args[0]);
    Path inFlightOut = Path.of(args[1]);
    Path jar = Path.of(args[2]);
    long phaseMillis = Long.parseLong(args[3]);
    int rounds = Integer.parseInt(args[4]);
    int[] rates = Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
    try (ScratchDirectory directory = new ScratchDirectory("bench-gateway");
        LoopbackModelEndpoint endpoint = LoopbackModelEndpoint.start(0)) {
      Path flags = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
      Path endpoints =
          EndpointsFile.write(directory.resolve("endpoints.json"), endpoint.baseUrl(), 4_096);
      FixedRateLoad load = new FixedRateLoad();
      // A fresh gateway: one that just served a load test keeps its grown thread pool for a while.
      try (GatewayProcess fresh = new GatewayProcess(jar, flags, endpoints, 1_200)) {
        inFlight(endpoint, fresh, load).write(inFlightOut);
      }
      try (GatewayProcess gateway = new GatewayProcess(jar, flags, endpoints, 1_200)) {
        // JIT warm-up of the gateway's JVM before anything is measured.
        AtomicLong warm = new AtomicLong();
        String warmUrl = gateway.completionsUrl();
        load.run(() -> request(warmUrl, false, warm.incrementAndGet()), 500, phaseMillis);
        load.run(() -> request(warmUrl, true, warm.incrementAndGet()), 500, phaseMillis);
        ReportSection report = new ReportSection("3. Gateway overhead (llm-router serve)");
        report.paragraph(
            "The same open-loop load (fixed rate, latency from the moment each request was due)"
                + " straight to the loopback model endpoint (0 ms) and through `llm-router serve`"
                + " (its own JVM, local-file backend) to it. Java HttpClient driver in the"
                + " endpoint's JVM, "
                + rounds
                + " alternating rounds of "
                + phaseMillis
                + " ms per side after a warm-up. Goal: p99 added under 1 ms at 2,000 req/s."
                + " Latencies in milliseconds. Gateway CPU per request: the gateway process's CPU"
                + " time (all threads, JIT and GC included) over its measured phases, per request;"
                + " compare it between builds measured in the same conditions: contention from"
                + " other processes inflates it too.");
        report.row(
            "mode",
            "rate (req/s)",
            "direct req/s",
            "gateway req/s",
            "throughput ratio",
            "direct p50",
            "gateway p50",
            "added p50",
            "direct p99",
            "gateway p99",
            "added p99",
            "failed (direct/gateway)",
            "gateway CPU per request (us)",
            "goal");
        report.rule(14);
        List<String> failures = new ArrayList<>();
        for (boolean streamed : new boolean[] {false, true}) {
          for (int rate : rates) {
            measure(report, load, endpoint, gateway, streamed, rate, phaseMillis, rounds, failures);
          }
        }
        report.endTable();
        failures.forEach(f -> report.paragraph("First failure, " + f));
        report.write(gatewayOut);
      }
    }
  }

  private static HttpRequest request(String url, boolean streamed, long session) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + EndpointsFile.KEY_VALUE)
        .header("X-Session-Id", "session-" + (session % 4096))
        .POST(
            HttpRequest.BodyPublishers.ofString(
                String.format(Locale.ROOT, BODY, streamed ? ", \"stream\": true" : "")))
        .build();
  }

  private static void measure(
      ReportSection report,
      FixedRateLoad load,
      LoopbackModelEndpoint endpoint,
      GatewayProcess gateway,
      boolean streamed,
      int rate,
      long phaseMillis,
      int rounds,
      List<String> failures) {
    AtomicLong session = new AtomicLong();
    String directUrl = endpoint.completionsUrl();
    String gatewayUrl = gateway.completionsUrl();
    load.run(() -> request(directUrl, streamed, session.incrementAndGet()), rate, phaseMillis / 2);
    load.run(() -> request(gatewayUrl, streamed, session.incrementAndGet()), rate, phaseMillis / 2);
    Histogram direct = new Histogram(60_000_000_000L, 3);
    Histogram routed = new Histogram(60_000_000_000L, 3);
    double directOk = 0;
    double routedOk = 0;
    long directFailed = 0;
    long routedFailed = 0;
    long gatewayCpu = 0;
    long gatewayAnswered = 0;
    String failure = "";
    for (int round = 0; round < rounds; round++) {
      FixedRateLoad.Result d =
          load.run(
              () -> request(directUrl, streamed, session.incrementAndGet()), rate, phaseMillis);
      long cpuBefore = gateway.cpuNanos();
      FixedRateLoad.Result g =
          load.run(
              () -> request(gatewayUrl, streamed, session.incrementAndGet()), rate, phaseMillis);
      gatewayCpu += gateway.cpuNanos() - cpuBefore;
      gatewayAnswered += g.ok() + g.failed();
      direct.add(d.latencies());
      routed.add(g.latencies());
      directOk += d.throughput();
      routedOk += g.throughput();
      directFailed += d.failed();
      routedFailed += g.failed();
      failure = failure.isEmpty() ? d.firstFailure() + g.firstFailure() : failure;
    }
    double addedP50 = routed.getValueAtPercentile(50) - (double) direct.getValueAtPercentile(50);
    double addedP99 = routed.getValueAtPercentile(99) - (double) direct.getValueAtPercentile(99);
    String goal =
        rate == GOAL_RATE
            ? verdict(addedP99 < GOAL_ADDED_P99_NANOS && routedFailed == 0)
            : "(goal is at 2,000)";
    report.row(
        streamed ? "streaming" : "non-streaming",
        rate,
        Math.round(directOk / rounds),
        Math.round(routedOk / rounds),
        ratio(routedOk / directOk),
        millis(direct.getValueAtPercentile(50)),
        millis(routed.getValueAtPercentile(50)),
        millis(addedP50),
        millis(direct.getValueAtPercentile(99)),
        millis(routed.getValueAtPercentile(99)),
        millis(addedP99),
        directFailed + " / " + routedFailed,
        String.format(Locale.ROOT, "%.0f", gatewayCpu / 1_000.0 / Math.max(1, gatewayAnswered)),
        goal);
    if (!failure.isEmpty()) {
      failures.add(
          (streamed ? "streaming" : "non-streaming") + " at " + rate + " req/s: " + failure);
    }
  }

  /** Heap and threads of the gateway holding {@link #IN_FLIGHT} requests, against idle. */
  private static ReportSection inFlight(
      LoopbackModelEndpoint endpoint, GatewayProcess gateway, FixedRateLoad load)
      throws InterruptedException {
    long idleHeap = gateway.heapUsedAfterGc();
    int idleThreads = gateway.threads();
    endpoint.delayMillis(50_000);
    CompletableFuture<?>[] calls = new CompletableFuture<?>[IN_FLIGHT];
    for (int i = 0; i < IN_FLIGHT; i++) {
      calls[i] =
          load.client()
              .sendAsync(
                  request(gateway.completionsUrl(), false, i),
                  HttpResponse.BodyHandlers.discarding());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (endpoint.inFlight() < IN_FLIGHT && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    int reached = endpoint.inFlight();
    long busyHeap = gateway.heapUsedAfterGc();
    int busyThreads = gateway.threads();
    CompletableFuture.allOf(calls).exceptionally(e -> null).join();
    endpoint.delayMillis(0);
    ReportSection report = new ReportSection("6b. Gateway memory per 1,000 in-flight requests");
    report.paragraph(
        "`llm-router serve` (--max-threads 1200) idle, then holding requests the model endpoint"
            + " answers only after 50 s; heap in use after a full GC (jcmd GC.run, GC.heap_info)"
            + " and live threads (/proc). The gateway holds one request thread per in-flight"
            + " call by design.");
    report.row("", "idle", "in flight", "added", "per 1,000 in flight");
    report.rule(5);
    report.row("requests in flight at the endpoint", 0, reached, reached, "");
    double scale = 1_000.0 / Math.max(1, reached);
    report.row(
        "heap used (MiB)",
        mib(idleHeap),
        mib(busyHeap),
        mib(busyHeap - idleHeap),
        mib((long) ((busyHeap - idleHeap) * scale)));
    report.row(
        "threads",
        idleThreads,
        busyThreads,
        busyThreads - idleThreads,
        Math.round((busyThreads - idleThreads) * scale));
    report.endTable();
    if (reached < IN_FLIGHT) {
      report.paragraph(
          "Only " + reached + " of " + IN_FLIGHT + " requests reached the endpoint within 40 s.");
    }
    return report;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
  }
}
