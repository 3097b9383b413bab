package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.EndpointsFile;
import dev.llmrollout.benchmarks.internal.FixedRateLoad;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.LoadTarget;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.NginxProxy;
import dev.llmrollout.benchmarks.internal.ProcessCpu;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.RoundFigures;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 20, points 1 and 2 (and issue 9, points 3 and 6): the same fixed-rate load straight to a
 * loopback model endpoint, through {@code llm-router serve} and through nginx ({@code
 * split_clients}) to it, non-streaming and streaming, in at least five rounds whose order rotates.
 * Each round records the latency percentiles and, from the gateway's own counters, its CPU time and
 * allocated bytes per request; the report gives the median and the spread over the rounds. Then the
 * gateway's heap and threads with 1,000 requests held in flight.
 *
 * <p>Usage: {@code GatewayOverhead <gateway.md> <inflight.md or - to skip it> <llm-router.jar>
 * <phaseMillis> <rounds> <rates, comma separated>}
 */
public final class GatewayOverhead {
  private static final int GOAL_RATE = 2_000;
  private static final double GOAL_ADDED_P99_MILLIS = 1.0;
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
      if (!args[1].equals("-")) {
        try (GatewayProcess fresh = new GatewayProcess(jar, flags, endpoints, 1_200)) {
          GatewayInFlightMemory.measure(endpoint, fresh, load).write(inFlightOut);
        }
      }
      Path nginxDirectory = Files.createDirectories(directory.resolve("nginx"));
      try (GatewayProcess gateway = new GatewayProcess(jar, flags, endpoints, 1_200);
          Nginx nginx = Nginx.start(nginxDirectory, endpoint)) {
        List<LoadTarget> targets = new ArrayList<>();
        targets.add(LoadTarget.direct(endpoint.completionsUrl()));
        targets.add(LoadTarget.gateway(gateway));
        nginx.proxy.ifPresent(
            n -> targets.add(LoadTarget.process("nginx", n.completionsUrl(), n::cpuNanos)));
        ReportSection report =
            new GatewayOverhead.Run(load, targets, phaseMillis, rounds).report(rates);
        report.paragraph(
            nginx
                .proxy
                .map(n -> "nginx: " + NginxProxy.version() + ", " + NGINX_SETUP)
                .orElse("nginx not measured: " + nginx.failure));
        report.write(gatewayOut);
      }
    }
  }

  private static final String NGINX_SETUP =
      "Debian's package, `worker_processes auto`, `split_clients` on `X-Session-Id` (the"
          + " gateway's targeting key) 95% / 5% to two upstreams, each a port of the same loopback"
          + " endpoint, kept-alive upstream connections (`keepalive 256`, HTTP/1.1),"
          + " `proxy_buffering off`, no access log. nginx evaluates no flag, rewrites no body and"
          + " counts no signals: the difference is what the gateway's extra work costs.";

  /** nginx in front of the endpoint, or why it could not start. */
  private record Nginx(Optional<NginxProxy> proxy, String failure) implements AutoCloseable {
    static Nginx start(Path directory, LoopbackModelEndpoint endpoint) {
      try {
        return new Nginx(
            Optional.of(NginxProxy.start(directory, endpoint.baseUrl(), endpoint.secondBaseUrl())),
            "");
      } catch (RuntimeException e) {
        System.err.println("nginx not measured: " + e.getMessage());
        return new Nginx(Optional.empty(), e.getMessage());
      }
    }

    @Override
    public void close() {
      proxy.ifPresent(NginxProxy::close);
    }
  }

  static HttpRequest request(String url, boolean streamed, long session) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + EndpointsFile.KEY_VALUE)
        .header("X-Session-Id", "session-" + (session % 4096))
        .POST(
            HttpRequest.BodyPublishers.ofString(
                String.format(Locale.ROOT, BODY, streamed ? ", \"stream\": true" : "")))
        .build();
  }

  /** The measured rounds over every target, and the report. */
  private record Run(FixedRateLoad load, List<LoadTarget> targets, long phaseMillis, int rounds) {
    private static final String P50 = "p50";
    private static final String P99 = "p99";
    private static final String ADDED_P50 = "added p50";
    private static final String ADDED_P99 = "added p99";
    private static final String SERVED = "served";
    private static final String FAILED = "failed";
    private static final String CPU = "cpu";
    private static final String ALLOCATED = "allocated";
    private static final String MACHINE_BUSY = "machine busy";

    ReportSection report(int[] rates) {
      warmUp();
      String loadBefore = loadAverage();
      ReportSection report = new ReportSection("3. Gateway overhead (llm-router serve)");
      report.paragraph(
          "The same open-loop load (fixed rate, latency from the moment each request was due)"
              + " straight to the loopback model endpoint (0 ms, *direct*) and through each proxy"
              + " to it: `llm-router serve` (its own JVM, local-file backend) and nginx"
              + " (`split_clients`, setup below). "
              + rounds
              + " rounds of "
              + phaseMillis
              + " ms per path and rate after a warm-up; the paths take turns within a round and"
              + " the order rotates from round to round. Every cell is the median round and, in"
              + " brackets, the lowest and the highest round. *Added* is the path's percentile"
              + " minus direct's in the same round. CPU per request is the proxy process's user +"
              + " system time (/proc, all threads) over its phase divided by the requests sent;"
              + " allocated per request is the gateway JVM's own count of heap bytes allocated"
              + " (all threads) over the phase. Latencies in milliseconds.");
      report.row(
          "mode",
          "rate (req/s)",
          "path",
          "served req/s",
          "p50",
          "p99",
          "added p50",
          "added p99",
          "CPU per request (us)",
          "allocated per request (KiB)",
          "failed",
          "machine busy (%)");
      report.rule(12);
      List<String> goals = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      double worstLatencySpread = 0;
      double worstCounterSpread = 0;
      for (boolean streamed : new boolean[] {false, true}) {
        for (int rate : rates) {
          RoundFigures[] figures = measure(streamed, rate, failures);
          String mode = streamed ? "streaming" : "non-streaming";
          for (int t = 0; t < targets.size(); t++) {
            row(report, mode, rate, targets.get(t).name(), figures[t]);
            if (t > 0) {
              worstLatencySpread = Math.max(worstLatencySpread, spread(figures[t], ADDED_P99));
              worstCounterSpread =
                  Math.max(
                      worstCounterSpread,
                      Math.max(spread(figures[t], CPU), spread(figures[t], ALLOCATED)));
            }
          }
          if (rate == GOAL_RATE) {
            goals.add(goalLine(mode, figures));
          }
        }
      }
      report.endTable();
      goals.forEach(report::paragraph);
      report.paragraph(
          String.format(
              Locale.ROOT,
              "Which figure to trust on a shared machine: over the rounds above, CPU and allocation"
                  + " per request varied by at most %.0f%% of their median, added p99 by up to"
                  + " %.0f%%. CPU time and allocated bytes per request are counts of the proxy's"
                  + " own work and change only when that work changes; latency percentiles also"
                  + " count every wait for a core another process holds. Judge a change by the"
                  + " counters; read latencies only against direct in the same round. Load average"
                  + " (1, 5, 15 min) before this section: %s; after: %s.",
              100 * worstCounterSpread,
              100 * worstLatencySpread,
              loadBefore,
              loadAverage()));
      failures.forEach(f -> report.paragraph("First failure, " + f));
      return report;
    }

    private void warmUp() {
      AtomicLong session = new AtomicLong();
      for (LoadTarget target : targets.subList(1, targets.size())) {
        for (boolean streamed : new boolean[] {false, true}) {
          load.run(
              () -> request(target.url(), streamed, session.incrementAndGet()), 500, phaseMillis);
        }
      }
    }

    /** One {@link RoundFigures} per target, in the order of {@link #targets}. */
    private RoundFigures[] measure(boolean streamed, int rate, List<String> failures) {
      AtomicLong session = new AtomicLong();
      for (LoadTarget target : targets) {
        load.run(() -> request(target.url(), streamed, session.incrementAndGet()), rate, 500);
      }
      RoundFigures[] figures = new RoundFigures[targets.size()];
      Arrays.setAll(figures, i -> new RoundFigures());
      String failure = "";
      for (int round = 0; round < rounds; round++) {
        double[] p50 = new double[targets.size()];
        double[] p99 = new double[targets.size()];
        for (int turn = 0; turn < targets.size(); turn++) {
          int t = (turn + round) % targets.size();
          LoadTarget target = targets.get(t);
          long[] machineBefore = ProcessCpu.machineJiffies();
          long cpuBefore = target.cpu().orElse(0);
          long allocatedBefore = target.allocated().orElse(0);
          FixedRateLoad.Result result =
              load.run(
                  () -> request(target.url(), streamed, session.incrementAndGet()),
                  rate,
                  phaseMillis);
          long[] machineAfter = ProcessCpu.machineJiffies();
          RoundFigures f = figures[t];
          target.cpu().ifPresent(c -> f.add(CPU, (c - cpuBefore) / (double) result.sent()));
          target
              .allocated()
              .ifPresent(a -> f.add(ALLOCATED, (a - allocatedBefore) / (double) result.sent()));
          f.add(
              MACHINE_BUSY,
              100.0
                  * (machineAfter[0] - machineBefore[0])
                  / Math.max(1, machineAfter[1] - machineBefore[1]));
          p50[t] = result.latencies().getValueAtPercentile(50);
          p99[t] = result.latencies().getValueAtPercentile(99);
          f.add(P50, p50[t]);
          f.add(P99, p99[t]);
          f.add(SERVED, result.throughput());
          f.add(FAILED, result.failed());
          if (failure.isEmpty() && !result.firstFailure().isEmpty()) {
            failure = target.name() + ": " + result.firstFailure();
          }
        }
        for (int t = 1; t < targets.size(); t++) {
          figures[t].add(ADDED_P50, p50[t] - p50[0]);
          figures[t].add(ADDED_P99, p99[t] - p99[0]);
        }
      }
      if (!failure.isEmpty()) {
        failures.add(
            (streamed ? "streaming" : "non-streaming") + " at " + rate + " req/s, " + failure);
      }
      return figures;
    }

    private static void row(
        ReportSection report, String mode, int rate, String path, RoundFigures f) {
      report.row(
          mode,
          rate,
          path,
          f.cell(SERVED, v -> v, 0),
          f.cell(P50, v -> v / 1e6, 2),
          f.cell(P99, v -> v / 1e6, 2),
          f.cell(ADDED_P50, v -> v / 1e6, 2),
          f.cell(ADDED_P99, v -> v / 1e6, 2),
          f.cell(CPU, v -> v / 1e3, 1),
          f.cell(ALLOCATED, v -> v / 1024, 1),
          f.cell(FAILED, v -> v, 0),
          f.cell(MACHINE_BUSY, v -> v, 0));
    }

    private static double spread(RoundFigures f, String measure) {
      return f.has(measure) ? f.relativeSpread(measure) : 0;
    }

    private String goalLine(String mode, RoundFigures[] figures) {
      RoundFigures gateway = figures[1];
      double addedP99 = gateway.median(ADDED_P99) / 1e6;
      boolean met = addedP99 < GOAL_ADDED_P99_MILLIS && gateway.max(FAILED) == 0;
      String line =
          String.format(
              Locale.ROOT,
              "Goals, %s at %,d req/s: gateway added p99 under 1 ms in the median round: %.2f ms,"
                  + " %s",
              mode,
              GOAL_RATE,
              addedP99,
              verdict(met));
      if (figures.length < 3) {
        return line + "; against nginx: not measured.";
      }
      RoundFigures nginx = figures[2];
      double nginxP99 = nginx.median(ADDED_P99) / 1e6;
      double cpuRatio = gateway.median(CPU) / nginx.median(CPU);
      return line
          + String.format(
              Locale.ROOT,
              "; added p99 within 2x of nginx's (%.2f ms): %.2fx, %s; CPU per request within 3x"
                  + " of nginx's (%.1f us): %.1fx, %s.",
              nginxP99,
              addedP99 / nginxP99,
              verdict(addedP99 <= 2 * Math.max(nginxP99, 0)),
              nginx.median(CPU) / 1e3,
              cpuRatio,
              verdict(cpuRatio <= 3));
    }

    private static String loadAverage() {
      try {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
      } catch (IOException e) {
        return "(unknown)";
      }
    }
  }
}
