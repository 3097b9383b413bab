package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.ClosedLoopLoad;
import dev.llmrollout.benchmarks.internal.EndpointsFile;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.benchmarks.internal.StaleConnectionResend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Two builds of {@code llm-router serve} side by side, for a before/after comparison on a machine
 * too loaded for the open-loop gateway row: a closed loop (a stall delays the next request instead
 * of piling requests up) through each gateway in alternating rounds, with a direct round to the
 * same loopback endpoint before each, and each gateway process's CPU time and allocated bytes per
 * request. The direct round also measures the gateway's CPU while it is idle (timers, the JIT, GC
 * threads), work per second that a slow loaded run spreads over fewer requests.
 *
 * <pre>{@code
 * java [-Dgateway.java=/path/to/bin/java] -cp ... dev.llmrollout.benchmarks.GatewayCpuPerRequest \
 *     out.md 5000 5 4 before=old/llm-router.jar after=llm-router/target/llm-router.jar
 * }</pre>
 *
 * The gateways run on {@code gateway.java} (default: the {@code java} on the PATH). A gateway given
 * as {@code label=JAR,OPTION,...} gets those options on its {@code serve} command line, so one
 * build can run against itself with another setting: {@code
 * jdk=llm-router.jar,--upstream-client=jdk jetty=llm-router.jar,--upstream-client=jetty}.
 */
public final class GatewayCpuPerRequest {
  private static final String BODY =
      "{\"model\": \"bench-stable\", \"messages\": [{\"role\": \"user\", \"content\": \"Where is my"
          + " order?\"}], \"metadata\": {\"product\": \"orders\"}}";

  private GatewayCpuPerRequest() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    long phaseMillis = Long.parseLong(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    Map<String, List<String>> jars = new LinkedHashMap<>();
    for (int i = 4; i < args.length; i++) {
      String[] labelled = args[i].split("=", 2);
      jars.put(labelled[0], List.of(labelled[1].split(",")));
    }
    GatewayProcess.Jvm jvm =
        new GatewayProcess.Jvm(System.getProperty("gateway.java", "java"), List.of());
    StaleConnectionResend client =
        new StaleConnectionResend(
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    try (ScratchDirectory directory = new ScratchDirectory("bench-gateway-cpu");
        LoopbackModelEndpoint endpoint = LoopbackModelEndpoint.start(0);
        ClosedLoopLoad load = new ClosedLoopLoad(concurrency)) {
      Path flags = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
      Path endpoints =
          EndpointsFile.write(directory.resolve("endpoints.json"), endpoint.baseUrl(), 4_096);
      Map<String, GatewayProcess> gateways = new LinkedHashMap<>();
      Map<String, List<double[]>> results = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, List<String>> jar : jars.entrySet()) {
          List<String> jarAndOptions = jar.getValue();
          gateways.put(
              jar.getKey(),
              new GatewayProcess(
                  jvm,
                  Path.of(jarAndOptions.get(0)),
                  flags,
                  endpoints,
                  600,
                  jarAndOptions.subList(1, jarAndOptions.size())));
          results.put(jar.getKey(), new ArrayList<>());
        }
        for (GatewayProcess gateway : gateways.values()) {
          load.run(i -> send(client, gateway.completionsUrl(), i), phaseMillis);
        }
        for (int round = 0; round < rounds; round++) {
          List<String> order = new ArrayList<>(gateways.keySet());
          if (round % 2 == 1) {
            Collections.reverse(order);
          }
          for (String label : order) {
            GatewayProcess gateway = gateways.get(label);
            long idleCpu = gateway.cpuNanos();
            long idleStart = System.nanoTime();
            Histogram direct =
                load.run(i -> send(client, endpoint.completionsUrl(), i), phaseMillis);
            double idleMillisPerSecond =
                (gateway.cpuNanos() - idleCpu) / 1e6 / ((System.nanoTime() - idleStart) / 1e9);
            long cpu = gateway.cpuNanos();
            long allocated = gateway.allocatedBytes();
            Histogram routed =
                load.run(i -> send(client, gateway.completionsUrl(), i), phaseMillis);
            double cpuPerRequest = (gateway.cpuNanos() - cpu) / 1_000.0 / routed.getTotalCount();
            double kibPerRequest =
                (gateway.allocatedBytes() - allocated) / 1024.0 / routed.getTotalCount();
            results
                .get(label)
                .add(
                    new double[] {
                      routed.getTotalCount(),
                      (routed.getValueAtPercentile(50) - direct.getValueAtPercentile(50)) / 1e3,
                      (routed.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) / 1e3,
                      cpuPerRequest,
                      kibPerRequest,
                      idleMillisPerSecond
                    });
          }
        }
      } finally {
        gateways.values().forEach(GatewayProcess::close);
      }
      report(results, phaseMillis, rounds, concurrency, jvm.java(), client.resends()).write(out);
    }
  }

  private static void send(StaleConnectionResend client, String url, int session) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + EndpointsFile.KEY_VALUE)
            .header("X-Session-Id", "session-" + (session % 4096))
            .POST(HttpRequest.BodyPublishers.ofString(BODY))
            .build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + response.statusCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static ReportSection report(
      Map<String, List<double[]>> results,
      long phaseMillis,
      int rounds,
      int concurrency,
      String java,
      long resends) {
    ReportSection report = new ReportSection("Gateway CPU per request, build against build");
    report.paragraph(
        String.format(
            Locale.ROOT,
            "%d closed-loop callers, %d alternating rounds of %d ms per gateway, each after a"
                + " direct round to the same loopback endpoint (0 ms). Median over rounds, (min"
                + " to max). Latencies in microseconds; CPU is the gateway process's own (user +"
                + " system, /proc), allocation its JVM's count of heap bytes allocated; idle CPU is"
                + " the gateway's CPU during the direct round, when it serves nothing. Gateway JVM: %s.",
            concurrency,
            rounds,
            phaseMillis,
            java));
    report.row(
        "build",
        "requests",
        "added p50",
        "added p99",
        "gateway CPU per request (us)",
        "allocated per request (KiB)",
        "gateway CPU while idle (ms per s)");
    report.rule(7);
    results.forEach(
        (label, rows) ->
            report.row(
                label,
                Math.round(rows.stream().mapToDouble(r -> r[0]).sum()),
                spread(rows, 1),
                spread(rows, 2),
                spread(rows, 3),
                spread(rows, 4, "%.1f"),
                spread(rows, 5, "%.1f")));
    report.endTable();
    report.paragraph(
        "Calls resent once after finding their pooled connection closed before any answer: "
            + resends
            + ".");
    return report;
  }

  private static String spread(List<double[]> rows, int column) {
    return spread(rows, column, "%.0f");
  }

  /** The median over rounds and, in brackets, the lowest and highest, each in {@code format}. */
  private static String spread(List<double[]> rows, int column, String format) {
    double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    double median =
        values.length % 2 == 1
            ? values[values.length / 2]
            : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    return String.format(
        Locale.ROOT,
        format + " (" + format + " to " + format + ")",
        median,
        values[0],
        values[values.length - 1]);
  }
}
