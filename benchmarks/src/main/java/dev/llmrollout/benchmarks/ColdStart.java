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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@link #STEADY_SECONDS} seconds) or 1 ms. Each setup (warm-up requests, with or without a
 * class-data sharing archive) runs several cold starts; the setups take turns start by start, so a
 * change in the machine's load falls on all of them.
 *
 * <p>Usage: {@code ColdStart <out.md> <llm-router.jar> <rate> <seconds> <starts> [warm-ups]
 * [cds|no-cds]}, warm-ups a comma-separated list of {@code --warm-up-requests} values (default
 * {@code 0,3000}).
 */
public final class ColdStart {
  private static final int STEADY_SECONDS = 10;
  private static final double SETTLED_FACTOR = 2.0;
  private static final double SETTLED_FLOOR_NANOS = 1_000_000;

  /** How long the training run may take to write its archive at exit (119 s at load average 50). */
  private static final Duration ARCHIVE_DUMP_GRACE = Duration.ofSeconds(300);

  private ColdStart() {}

  /** One way of starting the gateway: the JVM and the options after {@code serve}. */
  private record Setup(String name, GatewayProcess.Jvm jvm, List<String> serveOptions) {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("jdk.httpclient.connectionPoolSize") == null) {
      System.setProperty("jdk.httpclient.connectionPoolSize", "128");
    }
    Path out = Path.of(args[0]);
    Path jar = Path.of(args[1]);
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int starts = Integer.parseInt(args[4]);
    List<Integer> warmUps =
        Arrays.stream((args.length > 5 ? args[5] : "0,3000").split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .toList();
    boolean cds = args.length <= 6 || !args[6].equals("no-cds");
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
      String archiveNote = "";
      if (cds) {
        try {
          archiveNote = trainArchive(jar, flags, endpoints, archive, load, session);
        } catch (RuntimeException e) {
          archiveNote = "Class-data sharing not measured: " + e.getMessage().strip();
          cds = false;
        }
      }
      List<Setup> setups = new ArrayList<>();
      for (int warmUp : warmUps) {
        List<String> options = List.of("--warm-up-requests", Integer.toString(warmUp));
        String warmUpName =
            warmUp == 0 ? "no warm-up" : String.format(Locale.ROOT, "warm-up %,d", warmUp);
        setups.add(new Setup(warmUpName, GatewayProcess.Jvm.standard(), options));
        if (cds) {
          setups.add(
              new Setup(
                  warmUpName + ", AppCDS archive",
                  new GatewayProcess.Jvm("java", List.of("-XX:SharedArchiveFile=" + archive)),
                  options));
        }
      }
      Map<Setup, RoundFigures> figures = new LinkedHashMap<>();
      setups.forEach(setup -> figures.put(setup, new RoundFigures()));
      for (int start = 0; start < starts; start++) {
        for (Setup setup : setups) {
          coldStart(
              setup,
              jar,
              flags,
              endpoints,
              load,
              session,
              rate,
              seconds,
              directP99,
              figures.get(setup));
        }
      }
      ReportSection report = new ReportSection("3c. Cold start into a steady load");
      report.paragraph(
          String.format(
              Locale.ROOT,
              "`llm-router serve` (`java -version`: %s) started cold %d times per setup, the"
                  + " setups taking turns; the moment it printed its listening line, %,d"
                  + " non-streamed req/s (open loop) went to it for %d s. Ready: from the process"
                  + " start to that line (warm-up included). Added p99 per second: that second's"
                  + " p99 minus the endpoint's own p99 at the same rate just before (%.2f ms)."
                  + " Settled: the first second from which every second's added p99 stays within"
                  + " %.0fx of the steady one (median of the last %d s) or 1 ms. Every cell is"
                  + " the median start and the lowest to highest. Load average before: %s.",
              Runtime.version(),
              starts,
              rate,
              seconds,
              directP99 / 1e6,
              SETTLED_FACTOR,
              STEADY_SECONDS,
              loadBefore));
      report.row(
          "setup",
          "ready (ms from process start)",
          "added p99, 1st second (ms)",
          "added p99, 2nd second (ms)",
          "seconds until settled",
          "steady added p99 (ms)",
          "failed requests",
          "goal: zero failed");
      report.rule(8);
      for (Map.Entry<Setup, RoundFigures> setup : figures.entrySet()) {
        RoundFigures f = setup.getValue();
        report.row(
            setup.getKey().name(),
            f.cell("ready", v -> v / 1e6, 0),
            f.cell("first", v -> v / 1e6, 2),
            f.cell("second", v -> v / 1e6, 2),
            f.cell("settled", v -> v, 0),
            f.cell("steady", v -> v / 1e6, 2),
            f.cell("failed", v -> v, 0),
            verdict(f.max("failed") == 0));
      }
      report.endTable();
      if (!archiveNote.isEmpty()) {
        report.paragraph(archiveNote);
      }
      report.paragraph("Load average after: " + ConcurrentStreams.loadAverage() + ".");
      report.write(out);
    }
  }

  private static void coldStart(
      Setup setup,
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
    try (GatewayProcess gateway =
        new GatewayProcess(setup.jvm(), jar, flags, endpoints, 600, setup.serveOptions())) {
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
    System.err.printf(
        Locale.ROOT,
        "%s: ready %.0f ms, added p99 by second (ms) %s, failed %d%n",
        setup.name(),
        ready / 1e6,
        added.stream().map(v -> String.format(Locale.ROOT, "%.0f", v / 1e6)).toList(),
        result.failed());
    figures.add("ready", ready);
    figures.add("first", added.get(0));
    figures.add("second", added.get(1));
    figures.add("settled", settled);
    figures.add("steady", steady);
    figures.add("failed", result.failed());
  }

  /**
   * One training run with {@code -XX:ArchiveClassesAtExit}: the JVM writes the classes it loaded
   * (warm-up and both kinds of request) into a dynamic AppCDS archive when it exits, as an operator
   * would once per build. JDK 17's {@code jcmd VM.cds dynamic_dump} needs the JVM started with
   * {@code -XX:+RecordDynamicDumpInfo}; dumping at exit needs nothing else, only time to exit.
   *
   * @return what the archive is (its size and how long the dump took), for the report
   */
  private static String trainArchive(
      Path jar, Path flags, Path endpoints, Path archive, FixedRateLoad load, AtomicLong session) {
    GatewayProcess.Jvm training =
        new GatewayProcess.Jvm("java", List.of("-XX:ArchiveClassesAtExit=" + archive));
    GatewayProcess gateway = new GatewayProcess(training, jar, flags, endpoints, 600);
    long stopped;
    try {
      String url = gateway.completionsUrl();
      load.run(() -> GatewayOverhead.request(url, false, session.incrementAndGet()), 200, 2_000);
      load.run(() -> GatewayOverhead.request(url, true, session.incrementAndGet()), 200, 2_000);
    } finally {
      stopped = System.nanoTime();
      gateway.stop(ARCHIVE_DUMP_GRACE);
    }
    long dumpMillis = (System.nanoTime() - stopped) / 1_000_000;
    if (!Files.exists(archive)) {
      throw new IllegalStateException(
          "the training run wrote no class-data archive at exit (" + archive + ")");
    }
    try {
      return String.format(
          Locale.ROOT,
          "AppCDS archive: one training run (`-XX:ArchiveClassesAtExit`, default warm-up, then"
              + " 2 s of non-streamed and 2 s of streamed requests at 200 req/s), %.1f MiB,"
              + " written in %,d ms at exit.",
          Files.size(archive) / 1048576.0,
          dumpMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
