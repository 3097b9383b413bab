package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.EndpointsFile;
import dev.llmrollout.benchmarks.internal.FixedRateLoad;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.RoundFigures;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Issue 20, point 3: many slow streams held through one gateway at once (the loopback endpoint, in
 * a process of its own, sends one event per interval), while short requests go straight to the
 * endpoint and through the gateway in alternating phases. Reports errors, peak concurrency, the
 * gateway's peak threads, heap and open files, and the short requests' added p99 with and without
 * the streams.
 *
 * <p>Usage: {@code ConcurrentStreams <out.md> <llm-router.jar> <gateway java> <streams> <chunks>
 * <chunk interval ms> <gateway --max-threads> [more serve options...]}
 */
public final class ConcurrentStreams {
  private static final int THREAD_GOAL = 300;
  private static final long HEAP_GOAL_BYTES = 512L * 1024 * 1024;
  private static final int SHORT_RATE = 200;
  private static final long SHORT_PHASE_MILLIS = 2_500;
  private static final int SHORT_ROUNDS = 3;

  /** Beyond opening the streams and their events' span: short rounds, heap probes, slow ends. */
  private static final long DEADLINE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(300);

  /** Sockets and files a gateway holds besides its two per stream (jars, selectors, pipes). */
  private static final int FILE_MARGIN = 400;

  private ConcurrentStreams() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("jdk.httpclient.connectionPoolSize") == null) {
      System.setProperty("jdk.httpclient.connectionPoolSize", "128");
    }
    Path out = Path.of(args[0]);
    Path jar = Path.of(args[1]);
    String gatewayJava = args[2];
    int asked = Integer.parseInt(args[3]);
    int chunks = Integer.parseInt(args[4]);
    long intervalMillis = Long.parseLong(args[5]);
    int maxThreads = Integer.parseInt(args[6]);
    List<String> gatewayOptions = List.of(args).subList(7, args.length);
    long fileLimit = openFileLimit();
    // A gateway holds two sockets per stream (client and model endpoint): the per-process limit
    // caps the streams one gateway can hold on this machine, whatever its threads.
    int streams = (int) Math.min(asked, (fileLimit - FILE_MARGIN) / 2);
    String loadBefore = loadAverage();
    try (ScratchDirectory directory = new ScratchDirectory("bench-streams");
        EndpointProcess endpoint = new EndpointProcess(chunks, intervalMillis)) {
      Path flags = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
      Path endpoints =
          EndpointsFile.write(
              directory.resolve("endpoints.json"), endpoint.baseUrl, streams + 1_000);
      GatewayProcess.Jvm jvm = new GatewayProcess.Jvm(gatewayJava, List.of("-Xmx512m"));
      try (GatewayProcess gateway =
          new GatewayProcess(jvm, jar, flags, endpoints, maxThreads, gatewayOptions)) {
        FixedRateLoad shortLoad = new FixedRateLoad();
        String direct = endpoint.baseUrl + "/v1/chat/completions";
        // Warm both paths, then the short requests' added p99 with no streams open.
        shortRounds(shortLoad, direct, gateway.completionsUrl(), 1);
        RoundFigures quiet = shortRounds(shortLoad, direct, gateway.completionsUrl(), SHORT_ROUNDS);
        HeapPerStream.Sample noStreams = HeapPerStream.sample(gateway, 0);
        SlowStreams.Outcome outcome;
        RoundFigures busy = new RoundFigures();
        int[] openDuringShort = new int[2];
        HeapPerStream heap;
        // A dead or hung gateway must still end the run with a report.
        long deadline =
            System.nanoTime()
                + TimeUnit.SECONDS.toNanos(streams / 1_000 + 1)
                + TimeUnit.MILLISECONDS.toNanos(chunks * intervalMillis)
                + DEADLINE_MARGIN_NANOS;
        try (SlowStreams slow = new SlowStreams(gateway, chunks)) {
          slow.open(streams, 1_000);
          slow.awaitOpened(streams, 15_000);
          heap = new HeapPerStream(noStreams, HeapPerStream.sample(gateway, slow.inFlightNow()));
          heap.writeHistograms(out);
          openDuringShort[0] = slow.openNow();
          if (gateway.isAlive()) {
            busy = shortRounds(shortLoad, direct, gateway.completionsUrl(), SHORT_ROUNDS);
          }
          openDuringShort[1] = slow.openNow();
          outcome = slow.await(deadline, heap.withStreams().liveBytes());
        }
        report(
                asked,
                streams,
                fileLimit,
                chunks,
                intervalMillis,
                gatewayJava,
                maxThreads,
                gatewayOptions,
                outcome,
                quiet,
                busy,
                openDuringShort,
                heap,
                loadBefore)
            .write(out);
      }
    }
  }

  /** Short non-streamed requests, direct then through the gateway, {@code rounds} times. */
  private static RoundFigures shortRounds(
      FixedRateLoad load, String direct, String gateway, int rounds) {
    RoundFigures figures = new RoundFigures();
    long[] session = {0};
    for (int round = 0; round < rounds; round++) {
      FixedRateLoad.Result d =
          load.run(
              () -> GatewayOverhead.request(direct, false, session[0]++),
              SHORT_RATE,
              SHORT_PHASE_MILLIS);
      FixedRateLoad.Result g =
          load.run(
              () -> GatewayOverhead.request(gateway, false, session[0]++),
              SHORT_RATE,
              SHORT_PHASE_MILLIS);
      figures.add(
          "added p99",
          g.latencies().getValueAtPercentile(99) - d.latencies().getValueAtPercentile(99));
      figures.add(
          "added p50",
          g.latencies().getValueAtPercentile(50) - d.latencies().getValueAtPercentile(50));
      figures.add("failed", g.failed() + d.failed());
    }
    return figures;
  }

  private static ReportSection report(
      int asked,
      int streams,
      long fileLimit,
      int chunks,
      long intervalMillis,
      String gatewayJava,
      int maxThreads,
      List<String> gatewayOptions,
      SlowStreams.Outcome o,
      RoundFigures quiet,
      RoundFigures busy,
      int[] openDuringShort,
      HeapPerStream heap,
      String loadBefore) {
    ReportSection report = new ReportSection("3b. Concurrent slow streams through one gateway");
    report.paragraph(
        String.format(
            Locale.ROOT,
            "%,d streaming requests opened at 1,000 per second through one `llm-router serve`"
                + " (`%s`, --max-threads %d%s, -Xmx512m), each answered by the loopback endpoint (a process of its"
                + " own) with %d events %d ms apart, then `[DONE]`. Once all were open, short"
                + " non-streamed requests at %d req/s went straight to the endpoint and through"
                + " the gateway in %d alternating rounds of %d ms. Threads and open files from"
                + " /proc, heap in use from the gateway JVM, sampled every 200 ms; live heap after"
                + " a full GC (jcmd) once all streams were open. Load average before: %s; after:"
                + " %s.",
            streams,
            gatewayJava,
            maxThreads,
            gatewayOptions.isEmpty() ? "" : " " + String.join(" ", gatewayOptions),
            chunks,
            intervalMillis,
            SHORT_RATE,
            SHORT_ROUNDS,
            SHORT_PHASE_MILLIS,
            loadBefore,
            loadAverage()));
    if (streams < asked) {
      report.paragraph(
          String.format(
              Locale.ROOT,
              "%,d streams were asked for; this machine allows %,d open files per process (hard"
                  + " limit, not raisable here) and the gateway holds two sockets per stream, so"
                  + " %,d were run.",
              asked,
              fileLimit,
              streams));
    }
    report.row("measure", "value", "goal");
    report.rule(3);
    report.row("streams completed with every event", o.completed(), "all " + streams);
    report.row("streams failed or cut short", o.failed(), verdict(o.failed() == 0));
    report.row("peak streams open at once (headers received, not ended)", o.peakOpen(), "");
    report.row(
        "gateway peak threads", o.peakThreads(), verdict(o.peakThreads() < THREAD_GOAL) + " < 300");
    report.row(
        "gateway peak heap in use (MiB, sampled)",
        mib(o.peakHeap()),
        verdict(o.peakHeap() < HEAP_GOAL_BYTES) + " < 512");
    report.row(
        "gateway live heap after a full GC, no streams / all sent (MiB)",
        heap.noStreams().describeLive() + " / " + heap.withStreams().describeLive(),
        "");
    report.row("streams in flight (sent, not ended) at that GC", heap.withStreams().streams(), "");
    report.row("live heap per stream in flight (KiB)", heap.describePerStream(), "");
    report.row(
        "live objects per stream in flight (KiB, class histogram totals)",
        heap.describeObjectsPerStream(),
        "");
    report.row("gateway peak open files", o.peakFiles(), "");
    report.row(
        "streams open when the short requests started / ended",
        openDuringShort[0] + " / " + openDuringShort[1],
        "");
    report.row(
        "short requests: added p99, no streams (ms)", quiet.cell("added p99", v -> v / 1e6, 2), "");
    report.row(
        "short requests: added p99, streams open (ms)",
        busy.cell("added p99", v -> v / 1e6, 2),
        "");
    report.row(
        "short requests: added p50, no streams / streams open (ms)",
        quiet.cell("added p50", v -> v / 1e6, 2) + " / " + busy.cell("added p50", v -> v / 1e6, 2),
        "");
    report.row(
        "short requests failed, no streams / streams open",
        quiet.cell("failed", v -> v, 0) + " / " + busy.cell("failed", v -> v, 0),
        "");
    report.endTable();
    if (!o.cutShort().isEmpty()) {
      report.paragraph(
          "**The run was cut short: " + o.cutShort() + "** (counted as failed above).");
    }
    if (!o.firstFailure().isEmpty()) {
      report.paragraph("First stream failure: " + o.firstFailure());
    }
    heap.addGrowthTable(report);
    return report;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
  }

  private static long openFileLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        return Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
      }
    }
    return 1_024;
  }

  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "(unknown)";
    }
  }

  /** The slow loopback endpoint in a JVM of its own. */
  private static final class EndpointProcess implements AutoCloseable {
    private final Process process;
    private final String baseUrl;

    EndpointProcess(int chunks, long intervalMillis) throws IOException {
      process =
          new ProcessBuilder(
                  "java",
                  "-Xmx1g",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint",
                  Integer.toString(chunks),
                  Long.toString(intervalMillis))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      String url = null;
      while (url == null && (line = lines.readLine()) != null) {
        if (line.startsWith("endpoint on ")) {
          url = line.substring("endpoint on ".length()).trim();
        }
      }
      if (url == null) {
        throw new UncheckedIOException(new IOException("the loopback endpoint did not start"));
      }
      baseUrl = url;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
