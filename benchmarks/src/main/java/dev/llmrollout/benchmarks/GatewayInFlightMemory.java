package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.FixedRateLoad;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.ReportSection;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Issue 9, point 6: the gateway's heap and threads with 1,000 requests held in flight. */
final class GatewayInFlightMemory {
  private static final int IN_FLIGHT = 1_000;

  private GatewayInFlightMemory() {}

  /** Heap and threads of the gateway holding {@link #IN_FLIGHT} requests, against idle. */
  static ReportSection measure(
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
                  GatewayOverhead.request(gateway.completionsUrl(), false, i),
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
            + " and live threads (/proc). On Java 17, as here, the gateway holds one request"
            + " thread per in-flight call; on a JVM with virtual threads it holds none (section"
            + " 3b).");
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
