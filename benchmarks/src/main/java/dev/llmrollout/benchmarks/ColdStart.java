package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.EndpointsFile;
import dev.llmrollout.benchmarks.internal.FixedRateLoad;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.RoundFigures;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Issue 20, point 4: a gateway started cold into a steady load. The fixed-rate load starts the
 * moment the gateway says it listens; each second's p99 is compared with the endpoint's own
 * (measured straight before), and the gateway has settled from the first second after which every
 * second stays within {@link #SETTLED_FACTOR} of its steady added p99 (the median of the last
 * {@link #STEADY_SECONDS} seconds) or 1 ms. Each JVM setup (plain, class-data sharing) runs several
 * cold starts.
 *
 * <p>Usage: {@code ColdStart <out.md> <llm-router.jar> <rate> <seconds> <starts>}
 */
public final class ColdStart {
  private static final int STEADY_SECONDS = 10;
  private static final double SETTLED_FACTOR = 2.0;
  private static final double SETTLED_FLOOR_NANOS = 1_000_000;

  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("jdk.httpclient.connectionPoolSize") == null) {
      System.setProperty("jdk.httpclient.connectionPoolSize", "128");
    }
    Path out = Path.of(args[0]);
    Path jar = Path.of(args[1]);
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int starts = Integer.parseInt(args[4]);
    String loadBefore = ConcurrentStreams.loadAverage();
    try (ScratchDirectory directory = new ScratchDirectory("bench-cold");
        LoopbackModelEndpoint endpoint = LoopbackModelEndpoint.start(0)) {
      Path flags = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
      Path endpoints =
          EndpointsFile.write(directory.resolve("endpoints.json"), endpoint.baseUrl(), 4_096);
      FixedRateLoad load = new FixedRateLoad();
      AtomicLong session = new AtomicLong();
      // The driver and the endpoint warm up first, so the cold side is the gateway alone.
      String direct = endpoint.completionsUrl();
      load.run(
          () -> GatewayOverhead.request(direct, false, session.incrementAndGet()), rate, 5_000);
      double directP99 =
          load.run(
                  () -> GatewayOverhead.request(direct, false, session.incrementAndGet()),
                  rate,
                  5_000)
              .latencies()
              .getValueAtPercentile(99);
      Path archive = directory.resolve("gateway.jsa");
      Map<String, GatewayProcess.Jvm> setups = new LinkedHashMap<>();
      setups.put("plain JVM", GatewayProcess.Jvm.standard());
      setups.put(
          "class-data sharing (an archive from one earlier run)",
          new GatewayProcess.Jvm("java", List.of("-XX:SharedArchiveFile=" + archive)));
      String archiveFailure = "";
      try {
        dumpArchive(jar, flags, endpoints, archive, load, session);
      } catch (RuntimeException e) {
        archiveFailure = e.getMessage();
        setups.remove(setups.keySet().stream().skip(1).findFirst().orElseThrow());
      }
      ReportSection report = new ReportSection("3c. Cold start into a steady load");
      report.paragraph(
          String.format(
              Locale.ROOT,
              "`llm-router serve` started cold %d times per JVM setup; the moment it printed its"
                  + " listening line, %,d non-streamed req/s (open loop) went to it for %d s."
                  + " Added p99 per second: that second's p99 minus the endpoint's own p99 at the"
                  + " same rate just before (%.2f ms). Settled: the first second from which every"
                  + " second's added p99 stays within %.0fx of the steady one (median of the last"
                  + " %d s) or 1 ms. Every cell is the median start and the lowest to highest."
                  + " Load average before: %s.",
              starts,
              rate,
              seconds,
              directP99 / 1e6,
              SETTLED_FACTOR,
              STEADY_SECONDS,
              loadBefore));
      report.row(
          "JVM setup",
          "ready (ms from process start)",
          "added p99, 1st second (ms)",
          "added p99, 2nd second (ms)",
          "seconds until settled",
          "steady added p99 (ms)",
          "failed requests",
          "goal: zero failed");
      report.rule(8);
      for (Map.Entry<String, GatewayProcess.Jvm> setup : setups.entrySet()) {
        RoundFigures f = new RoundFigures();
        for (int start = 0; start < starts; start++) {
          coldStart(
              setup.getValue(), jar, flags, endpoints, load, session, rate, seconds, directP99, f);
        }
        report.row(
            setup.getKey(),
            f.cell("ready", v -> v / 1e6, 0),
            f.cell("first", v -> v / 1e6, 2),
            f.cell("second", v -> v / 1e6, 2),
            f.cell("settled", v -> v, 0),
            f.cell("steady", v -> v / 1e6, 2),
            f.cell("failed", v -> v, 0),
            verdict(f.max("failed") == 0));
      }
      report.endTable();
      if (!archiveFailure.isEmpty()) {
        report.paragraph("Class-data sharing not measured: " + archiveFailure.strip());
      }
      report.paragraph("Load average after: " + ConcurrentStreams.loadAverage() + ".");
      report.write(out);
    }
  }

  private static void coldStart(
      GatewayProcess.Jvm jvm,
      Path jar,
      Path flags,
      Path endpoints,
      FixedRateLoad load,
      AtomicLong session,
      int rate,
      int seconds,
      double directP99,
      RoundFigures figures) {
    Recorder[] perSecond = new Recorder[seconds];
    Arrays.setAll(perSecond, i -> new Recorder(600_000_000_000L, 3));
    FixedRateLoad.Result result;
    long ready;
    try (GatewayProcess gateway = new GatewayProcess(jvm, jar, flags, endpoints, 600)) {
      ready = gateway.startupNanos();
      String url = gateway.completionsUrl();
      result =
          load.run(
              () -> GatewayOverhead.request(url, false, session.incrementAndGet()),
              rate,
              seconds * 1_000L,
              perSecond);
    }
    List<Double> added = new ArrayList<>();
    for (Recorder second : perSecond) {
      added.add(second.getIntervalHistogram().getValueAtPercentile(99) - directP99);
    }
    double steady = median(added.subList(seconds - STEADY_SECONDS, seconds));
    double bound = Math.max(SETTLED_FACTOR * steady, SETTLED_FLOOR_NANOS);
    int settled = seconds;
    while (settled > 0 && added.get(settled - 1) <= bound) {
      settled--;
    }
    figures.add("ready", ready);
    figures.add("first", added.get(0));
    figures.add("second", added.get(1));
    figures.add("settled", settled);
    figures.add("steady", steady);
    figures.add("failed", result.failed());
  }

  /**
   * One run that dumps its loaded classes with {@code jcmd VM.cds dynamic_dump} after serving both
   * kinds of request: what a deployment would do once per build. (An archive written at exit is
   * lost when a loaded machine makes the exit outlast the stop's grace.)
   */
  private static void dumpArchive(
      Path jar, Path flags, Path endpoints, Path archive, FixedRateLoad load, AtomicLong session) {
    GatewayProcess.Jvm dumping =
        new GatewayProcess.Jvm("java", List.of("-XX:+RecordDynamicDumpInfo"));
    try (GatewayProcess gateway = new GatewayProcess(dumping, jar, flags, endpoints, 600)) {
      String url = gateway.completionsUrl();
      load.run(() -> GatewayOverhead.request(url, false, session.incrementAndGet()), 200, 2_000);
      load.run(() -> GatewayOverhead.request(url, true, session.incrementAndGet()), 200, 2_000);
      gateway.jcmd("VM.cds", "dynamic_dump", archive.toString());
    }
    if (!Files.exists(archive)) {
      throw new IllegalStateException("the JVM wrote no class-data archive at " + archive);
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
